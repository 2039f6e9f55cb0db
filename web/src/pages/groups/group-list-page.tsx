import { useState } from 'react';
import { Card, Select, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { GROUP_TYPES, useGroups, type Group, type GroupType } from '../../api/groups';
import { useSession } from '../../api/auth';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';
import { GroupTypeTag } from './group-type-tag';

export function GroupListPage() {
  const { t } = useTranslation();
  const [type, setType] = useState<GroupType | undefined>(undefined);
  const groups = useGroups(type ? { type } : {});
  const timeZone = useSession().data?.workspace.timeZone;

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('groups.title')}</Typography.Title>}
      extra={
        <Select
          allowClear
          placeholder={t('groups.allTypes')}
          style={{ width: 160 }}
          value={type}
          onChange={(value: GroupType | undefined) => setType(value)}
          options={GROUP_TYPES.map((value) => ({ value, label: t(`groups.types.${value}`) }))}
        />
      }
    >
      {groups.isError ? <PageError error={groups.error} onRetry={() => void groups.refetch()} /> : null}
      <Table<Group>
        data-testid="groups-table"
        rowKey="id"
        loading={groups.isPending}
        dataSource={groups.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('common.name'), dataIndex: 'name', render: (_v, group) => <Link to={`/groups/${encodeURIComponent(group.id)}`}>{group.name}</Link> },
          { title: t('groups.type'), dataIndex: 'type', render: (_v, group) => <GroupTypeTag type={group.type} /> },
          { title: t('groups.tags'), dataIndex: 'tags', render: (_v, group) => group.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) },
          { title: t('groups.memberCount'), dataIndex: 'memberCount', align: 'right', sorter: (a, b) => a.memberCount - b.memberCount },
          {
            title: t('common.state'),
            dataIndex: 'state',
            render: (_v, group) => (group.state === 'active' ? <Tag color="green">{t('groups.active')}</Tag> : <Tag>{t('groups.dismissed')}</Tag>),
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (_v, group) => formatTime(group.createdAt, timeZone) },
        ]}
      />
    </Card>
  );
}
