import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ROLES, useSession, type Role } from '../../api/auth';
import { useCreateToken, useRevokeToken, useTokens, type ApiToken } from '../../api/workspace';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

type TokenForm = { name: string; role: Role };

export function TokensPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const timeZone = useSession().data?.workspace.timeZone;
  const [createOpen, setCreateOpen] = useState(false);
  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('tokens.title')}</Typography.Title>}
      extra={<Button type="primary" onClick={() => setCreateOpen(true)} data-testid="token-create">{t('tokens.create')}</Button>}
    >
      {tokens.isError ? <PageError error={tokens.error} onRetry={() => void tokens.refetch()} /> : null}
      <Table<ApiToken>
        data-testid="tokens-table"
        rowKey="id"
        loading={tokens.isPending}
        dataSource={tokens.data ?? []}
        pagination={false}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('common.role'), dataIndex: 'role', render: (_v, token) => t(`roles.${token.role}`) },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (_v, token) => formatTime(token.createdAt, timeZone) },
          { title: t('tokens.lastUsed'), dataIndex: 'lastUsedAt', render: (_v, token) => (token.lastUsedAt ? formatTime(token.lastUsedAt, timeZone) : t('common.never')) },
          {
            title: t('common.state'),
            dataIndex: 'revokedAt',
            render: (_v, token) => (token.revokedAt ? <Tag>{t('tokens.revoked')}</Tag> : <Tag color="green">{t('tokens.active')}</Tag>),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_v, token) =>
              token.revokedAt ? null : (
                <Popconfirm
                  title={t('tokens.revokeConfirm')}
                  okText={t('tokens.revoke')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => revoke.mutate(token.id, { onSuccess: () => void message.success(t('tokens.revokedDone')) })}
                >
                  <Button size="small" danger>{t('tokens.revoke')}</Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <CreateTokenModal open={createOpen} onClose={() => setCreateOpen(false)} roleOptions={roleOptions} />
    </Card>
  );
}

type CreateTokenModalProps = { open: boolean; onClose: () => void; roleOptions: { value: Role; label: string }[] };

function CreateTokenModal({ open, onClose, roleOptions }: CreateTokenModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TokenForm>();
  const create = useCreateToken();
  const [secret, setSecret] = useState<string | null>(null);
  const close = () => {
    setSecret(null);
    form.resetFields();
    create.reset();
    onClose();
  };
  return (
    <Modal
      open={open}
      title={t('tokens.create')}
      onCancel={close}
      destroyOnHidden
      footer={
        secret
          ? <Button onClick={close}>{t('common.close')}</Button>
          : [
              <Button key="cancel" onClick={close}>{t('common.cancel')}</Button>,
              <Button key="ok" type="primary" loading={create.isPending} onClick={() => form.submit()}>{t('common.save')}</Button>,
            ]
      }
    >
      {secret ? (
        <Alert
          type="warning"
          showIcon
          title={t('tokens.secretOnce')}
          description={<Typography.Paragraph copyable={{ text: secret }} code style={{ marginBottom: 0, wordBreak: 'break-all' }} data-testid="token-secret">{secret}</Typography.Paragraph>}
        />
      ) : (
        <Form<TokenForm> form={form} layout="vertical" initialValues={{ role: 'viewer' }} onFinish={(values) => create.mutate(values, { onSuccess: (answer) => setSecret(answer.value) })}>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, max: 100, message: t('login.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('common.role')} rules={[{ required: true }]}>
            <Select<Role> options={roleOptions} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
