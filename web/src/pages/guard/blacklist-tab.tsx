import { useState } from 'react';
import { App as AntApp, Button, Card, Popconfirm, Segmented, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../api/auth';
import { useBlacklist, useUnban, type BlacklistEntry, type BlacklistState } from '../../api/guard';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

/** The workspace blacklist (黑名单): who, why, since when; unban keeps the row as history. */
export function BlacklistTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [state, setState] = useState<BlacklistState>('active');
  const entries = useBlacklist(state);
  const unban = useUnban();
  const timeZone = useSession().data?.workspace.timeZone;
  return (
    <Card
      size="small"
      title={t('guard.tabs.blacklist')}
      extra={<Segmented<BlacklistState> value={state} onChange={setState} options={(['active', 'removed', 'all'] as const).map((s) => ({ value: s, label: t(`guard.blacklist.states.${s}`) }))} />}
    >
      {entries.isError ? <PageError error={entries.error} onRetry={() => void entries.refetch()} /> : null}
      <Table<BlacklistEntry>
        data-testid="guard-blacklist-table"
        rowKey="personId"
        size="small"
        loading={entries.isPending}
        dataSource={entries.data ?? []}
        pagination={{ pageSize: 30, hideOnSinglePage: true }}
        columns={[
          { title: t('guard.blacklist.person'), dataIndex: 'personName', render: (_v, e) => e.personName ?? e.personId },
          { title: t('guard.blacklist.reason'), dataIndex: 'reason' },
          { title: t('guard.blacklist.source'), dataIndex: 'source', render: (_v, e) => <Tag>{e.source}</Tag> },
          { title: t('guard.blacklist.at'), dataIndex: 'createdAt', render: (_v, e) => formatTime(e.createdAt, timeZone) },
          { title: t('guard.blacklist.by'), dataIndex: 'createdBy' },
          { title: t('guard.blacklist.removedAt'), dataIndex: 'removedAt', render: (_v, e) => (e.removedAt ? `${formatTime(e.removedAt, timeZone)} · ${e.removedBy ?? ''}` : '—') },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_v, e) =>
              e.removedAt ? null : (
                <Popconfirm
                  title={t('guard.blacklist.unbanConfirm')}
                  okText={t('guard.blacklist.unban')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => unban.mutate(e.personId, { onSuccess: () => void message.success(t('guard.blacklist.unbanned')) })}
                >
                  <Button size="small">{t('guard.blacklist.unban')}</Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}
