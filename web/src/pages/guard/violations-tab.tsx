import { useState } from 'react';
import { App as AntApp, Button, Card, Descriptions, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../api/auth';
import { useGroups } from '../../api/groups';
import { usePardon, useViolations, type Violation } from '../../api/guard';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The violation log (违规记录): evidence, what the ladder did, pardon. */
export function ViolationsTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [groupId, setGroupId] = useState<string | undefined>(undefined);
  const violations = useViolations(groupId ? { groupId } : {});
  const groups = useGroups();
  const pardon = usePardon();
  const timeZone = useSession().data?.workspace.timeZone;
  const label = (source: string, category: string) =>
    source === 'word' ? t(`guard.words.categories.${category}`, { defaultValue: category }) : t(`guard.behaviour.checks.${category}`, { defaultValue: category });

  return (
    <Card
      size="small"
      title={t('guard.tabs.violations')}
      extra={
        <Select
          allowClear
          style={{ width: 240 }}
          placeholder={t('live.allGroups')}
          value={groupId}
          onChange={(value?: string) => setGroupId(value)}
          options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
        />
      }
    >
      {violations.isError ? <PageError error={violations.error} onRetry={() => void violations.refetch()} /> : null}
      <Table<Violation>
        data-testid="guard-violations-table"
        rowKey="id"
        size="small"
        loading={violations.isPending}
        dataSource={violations.data ?? []}
        pagination={{ pageSize: 30, hideOnSinglePage: true }}
        expandable={{
          expandedRowRender: (v) => (
            <Descriptions size="small" column={1} bordered title={t('guard.violations.evidence')}>
              <Descriptions.Item label={t('guard.violations.text')}>{str(v.evidence.text) ?? '—'}</Descriptions.Item>
              {Object.entries(v.evidence)
                .filter(([key]) => key !== 'text' && key !== 'message' && key !== 'hits')
                .map(([key, value]) => <Descriptions.Item key={key} label={key}>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</Descriptions.Item>)}
              <Descriptions.Item label="hits"><Typography.Text code>{JSON.stringify(v.evidence.hits ?? [])}</Typography.Text></Descriptions.Item>
            </Descriptions>
          ),
        }}
        columns={[
          { title: t('guard.violations.at'), dataIndex: 'at', render: (_v, v) => formatTime(v.at, timeZone) },
          { title: t('guard.violations.person'), dataIndex: 'personId', render: (_v, v) => str(v.evidence.personName) ?? v.personId },
          {
            title: t('guard.violations.group'),
            dataIndex: 'groupId',
            render: (_v, v) => (v.groupId ? <Link to={`/groups/${encodeURIComponent(v.groupId)}`}>{str(v.evidence.groupName) ?? v.groupId}</Link> : '—'),
          },
          {
            title: t('guard.violations.category'),
            dataIndex: 'category',
            render: (_v, v) => <Tag color={v.source === 'word' ? 'red' : 'orange'}>{t(`guard.violations.sources.${v.source}`)} · {label(v.source, v.category)}</Tag>,
          },
          { title: t('guard.violations.text'), key: 'text', render: (_v, v) => <Typography.Text ellipsis={{ tooltip: str(v.evidence.text) }} style={{ maxWidth: 260 }}>{str(v.evidence.text) ?? '—'}</Typography.Text> },
          { title: t('guard.violations.offence'), dataIndex: 'offenceNo', width: 80 },
          {
            title: t('guard.violations.actions'),
            key: 'outcome',
            render: (_v, v) =>
              v.actions.map((a) => (
                <Tag key={a.action} color={a.outcome === 'task' ? 'gold' : 'blue'}>
                  {t(`guard.policy.actions.${a.action}`, { defaultValue: a.action })} · {t(`guard.violations.outcomes.${a.outcome}`)}
                </Tag>
              )),
          },
          {
            title: t('common.actions'),
            key: 'pardon',
            render: (_v, v) =>
              v.pardonedAt ? (
                <Tag>{t('guard.violations.pardoned')}</Tag>
              ) : (
                <Popconfirm
                  title={t('guard.violations.pardonConfirm')}
                  okText={t('guard.violations.pardon')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => pardon.mutate(v.id, { onSuccess: () => void message.success(t('guard.violations.pardonedDone')) })}
                >
                  <Button size="small">{t('guard.violations.pardon')}</Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}
