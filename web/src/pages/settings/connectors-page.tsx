import { Badge, Card, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useConnectorAccounts, useConnectors, type Account, type Connector } from '../../api/connectors';
import { useSession } from '../../api/auth';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

const SHOWN_CAPABILITIES = ['kick', 'mute', 'announce', 'readGroupMessages'] as const;

function capable(value: unknown): boolean {
  return value !== false && value !== null && value !== undefined;
}

/** What happens to a guard or SOP feature on a connector, from its declared capabilities. */
export type Degradation = { feature: 'keywordReply' | 'moderation' | 'warning' | 'mute' | 'kick' | 'recall' | 'announce' | 'rename' | 'inviteLinks'; outcome: 'staffTask' | 'unavailable' | 'skipped' };

/**
 * The guard and SOP features that do not run automatically on this connector. Mirrors
 * degradedFeatures() in server/src/platforms/capability-matrix.ts (the *degrades* row of
 * docs/platforms.md): an action the platform cannot do becomes a staff task with the evidence;
 * a platform that cannot read group messages cannot reply to keywords or moderate at all.
 */
export function degradations(capabilities: Record<string, unknown>): Degradation[] {
  if (Object.keys(capabilities).length === 0) return [];
  const out: Degradation[] = [];
  const reads = capable(capabilities['readGroupMessages']);
  if (!reads) out.push({ feature: 'keywordReply', outcome: 'unavailable' }, { feature: 'moderation', outcome: 'unavailable' });
  const send = capabilities['send'] as { direct?: unknown } | null | undefined;
  if (reads && !capable(send?.direct)) out.push({ feature: 'warning', outcome: 'staffTask' });
  if (!capable(capabilities['mute'])) out.push({ feature: 'mute', outcome: 'staffTask' });
  if (!capable(capabilities['kick'])) out.push({ feature: 'kick', outcome: 'staffTask' });
  if (!capable(capabilities['recall'])) out.push({ feature: 'recall', outcome: 'skipped' });
  if (!capable(capabilities['announce'])) out.push({ feature: 'announce', outcome: 'staffTask' });
  if (!capable(capabilities['rename'])) out.push({ feature: 'rename', outcome: 'staffTask' });
  if (!capable(capabilities['createInviteLink'])) out.push({ feature: 'inviteLinks', outcome: 'unavailable' });
  return out;
}

const HEALTH_BADGE = { ok: 'success', starting: 'processing', failing: 'error', not_running: 'default' } as const;
const OUTCOME_COLOR = { staffTask: 'orange', unavailable: 'red', skipped: 'default' } as const;

export function ConnectorsPage() {
  const { t } = useTranslation();
  const connectors = useConnectors();
  const timeZone = useSession().data?.workspace.timeZone;
  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('connectors.title')}</Typography.Title>}>
      {connectors.isError ? <PageError error={connectors.error} onRetry={() => void connectors.refetch()} /> : null}
      <Table<Connector>
        data-testid="connectors-table"
        rowKey="id"
        loading={connectors.isPending}
        dataSource={connectors.data ?? []}
        pagination={false}
        expandable={{ expandedRowRender: (connector) => <Accounts connectorId={connector.id} timeZone={timeZone} /> }}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('connectors.platform'), dataIndex: 'platform', render: (_v, c) => <Tag>{c.platform}</Tag> },
          { title: t('connectors.profile'), dataIndex: 'profile', render: (_v, c) => c.profile ?? '—' },
          { title: t('common.state'), dataIndex: 'state' },
          {
            title: t('connectors.health'),
            dataIndex: 'health',
            render: (_v, c) => (
              <Space direction="vertical" size={0} data-testid={`connector-health-${c.id}`}>
                <Badge status={HEALTH_BADGE[c.health]} text={t(`connectors.${c.health}`)} />
                {c.healthDetail ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.healthDetail}</Typography.Text> : null}
              </Space>
            ),
          },
          {
            title: t('connectors.capabilities'),
            key: 'capabilities',
            render: (_v, c) =>
              SHOWN_CAPABILITIES.map((name) => (
                <Tag key={name} color={capable(c.capabilities[name]) ? 'green' : 'default'} style={{ textDecoration: capable(c.capabilities[name]) ? undefined : 'line-through' }}>
                  {t(`connectors.${name}`)}
                </Tag>
              )),
          },
          {
            title: <Tooltip title={t('connectors.degradesHelp')}>{t('connectors.degrades')}</Tooltip>,
            key: 'degrades',
            render: (_v, c) => {
              const list = degradations(c.capabilities);
              if (Object.keys(c.capabilities).length === 0) return '—';
              if (list.length === 0) return <Tag color="green" data-testid={`connector-degrades-${c.id}`}>{t('connectors.allAutomatic')}</Tag>;
              return (
                <Space size={[0, 4]} wrap data-testid={`connector-degrades-${c.id}`}>
                  {list.map((d) => (
                    <Tag key={d.feature} color={OUTCOME_COLOR[d.outcome]}>
                      {t(`connectors.features.${d.feature}`)} → {t(`connectors.outcomes.${d.outcome}`)}
                    </Tag>
                  ))}
                </Space>
              );
            },
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (_v, c) => formatTime(c.createdAt, timeZone) },
        ]}
      />
    </Card>
  );
}

type AccountsProps = { connectorId: string; timeZone: string | undefined };

function Accounts({ connectorId, timeZone }: AccountsProps) {
  const { t } = useTranslation();
  const accounts = useConnectorAccounts(connectorId);
  if (accounts.isError) return <PageError error={accounts.error} onRetry={() => void accounts.refetch()} />;
  return (
    <Table<Account>
      size="small"
      rowKey="id"
      title={() => t('connectors.accounts')}
      loading={accounts.isPending}
      dataSource={accounts.data ?? []}
      pagination={false}
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('connectors.externalId'), dataIndex: 'externalId' },
        { title: t('connectors.kind'), dataIndex: 'kind', render: (_v, a) => t(`connectors.kinds.${a.kind}`) },
        { title: t('connectors.default'), dataIndex: 'isDefault', render: (_v, a) => (a.isDefault ? t('common.yes') : t('common.no')) },
        { title: t('common.createdAt'), dataIndex: 'createdAt', render: (_v, a) => formatTime(a.createdAt, timeZone) },
      ]}
    />
  );
}
