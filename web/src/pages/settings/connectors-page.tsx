import { Badge, Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useConnectorAccounts, useConnectors, type Account, type Connector } from '../../api/connectors';
import { useSession } from '../../api/auth';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

const SHOWN_CAPABILITIES = ['kick', 'mute', 'announce', 'readGroupMessages'] as const;

function capable(value: unknown): boolean {
  return value !== false && value !== null && value !== undefined;
}

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
            render: (_v, c) => <Badge status={c.health === 'ok' ? 'success' : 'error'} text={t(`connectors.${c.health}`)} />,
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
