import { useMemo, useState } from 'react';
import { Button, Card, Descriptions, Segmented, Table, Tabs, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { messageText, useGroup, useGroupMembers, useGroupMessages, type ChatMessage, type MemberView, type Membership } from '../../api/groups';
import { useSession } from '../../api/auth';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';
import { TaskTable } from '../tasks/task-table';
import { GroupTypeTag } from './group-type-tag';

export function GroupDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const group = useGroup(id);
  const timeZone = useSession().data?.workspace.timeZone;

  if (group.isError) return <PageError error={group.error} onRetry={() => void group.refetch()} />;

  return (
    <div data-testid="group-page">
      <Button type="link" style={{ paddingInline: 0 }} onClick={() => void navigate('/groups')}>← {t('common.back')}</Button>
      <Card loading={group.isPending} style={{ marginBottom: 16 }}>
        {group.data ? (
          <>
            <Typography.Title level={3} style={{ marginTop: 0 }}>{group.data.name}</Typography.Title>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 3 }}
              items={[
                { key: 'type', label: t('groups.type'), children: <GroupTypeTag type={group.data.type} /> },
                { key: 'members', label: t('groups.memberCount'), children: group.data.memberCount },
                { key: 'tags', label: t('groups.tags'), children: group.data.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) },
                { key: 'state', label: t('common.state'), children: group.data.state === 'active' ? t('groups.active') : t('groups.dismissed') },
                { key: 'created', label: t('group.created'), children: formatTime(group.data.createdAt, timeZone) },
                { key: 'chat', label: t('group.chatId'), children: <Typography.Text code>{group.data.chatId}</Typography.Text> },
              ]}
            />
          </>
        ) : null}
      </Card>
      <Card>
        <Tabs
          items={[
            { key: 'members', label: t('group.members'), children: <MembersTab groupId={id} timeZone={timeZone} /> },
            { key: 'transcript', label: t('group.transcript'), children: <TranscriptTab groupId={id} timeZone={timeZone} /> },
            { key: 'tasks', label: t('group.tasks'), children: <TaskTable filter={{ groupId: id }} showGroup={false} /> },
          ]}
        />
      </Card>
    </div>
  );
}

type TabProps = { groupId: string; timeZone: string | undefined };

function MembersTab({ groupId, timeZone }: TabProps) {
  const { t } = useTranslation();
  const [view, setView] = useState<MemberView>('current');
  const members = useGroupMembers(groupId, view);
  return (
    <>
      <Segmented<MemberView>
        style={{ marginBottom: 12 }}
        value={view}
        onChange={setView}
        options={[{ value: 'current', label: t('group.current') }, { value: 'history', label: t('group.history') }]}
      />
      {members.isError ? <PageError error={members.error} onRetry={() => void members.refetch()} /> : null}
      <Table<Membership>
        data-testid="members-table"
        rowKey="id"
        size="small"
        loading={members.isPending}
        dataSource={members.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('group.person'), dataIndex: 'personName', render: (_v, m) => m.personName ?? m.personId },
          { title: t('common.role'), dataIndex: 'role' },
          { title: t('group.joinedAt'), dataIndex: 'joinedAt', render: (_v, m) => formatTime(m.joinedAt, timeZone) },
          { title: t('group.via'), dataIndex: 'via' },
          {
            title: t('group.leftAt'),
            dataIndex: 'leftAt',
            render: (_v, m) => (m.leftAt === null ? <Tag color="green">{t('group.stillIn')}</Tag> : formatTime(m.leftAt, timeZone)),
          },
          { title: t('group.leftReason'), dataIndex: 'leftReason', render: (_v, m) => m.leftReason ?? '' },
        ]}
      />
    </>
  );
}

function TranscriptTab({ groupId, timeZone }: TabProps) {
  const { t } = useTranslation();
  const messages = useGroupMessages(groupId);
  const history = useGroupMembers(groupId, 'history');
  const names = useMemo(() => new Map((history.data ?? []).map((m) => [m.personId, m.personName ?? m.personId])), [history.data]);
  return (
    <>
      {messages.isError ? <PageError error={messages.error} onRetry={() => void messages.refetch()} /> : null}
      <Table<ChatMessage>
        data-testid="transcript-table"
        rowKey="id"
        size="small"
        loading={messages.isPending}
        dataSource={messages.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('group.at'), dataIndex: 'at', width: 180, render: (_v, m) => formatTime(m.at, timeZone) },
          { title: t('group.person'), dataIndex: 'personId', width: 160, render: (_v, m) => names.get(m.personId) ?? m.personId },
          {
            title: t('group.text'),
            dataIndex: 'message',
            render: (_v, m) => (m.redacted ? <Typography.Text type="secondary">{t('group.redacted')}</Typography.Text> : messageText(m.message)),
          },
        ]}
      />
    </>
  );
}
