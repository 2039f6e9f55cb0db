import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Select, Switch, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ROLES, useSession, type Role } from '../../api/auth';
import { useInviteStaff, useStaff, useUpdateStaff, type Invite, type StaffUser } from '../../api/staff';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

type InviteForm = { email: string; role: Role };

export function StaffPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const session = useSession();
  const staff = useStaff();
  const update = useUpdateStaff();
  const [inviteOpen, setInviteOpen] = useState(false);
  const timeZone = session.data?.workspace.timeZone;
  const me = session.data?.user;
  const canManage = me?.role === 'owner' || me?.role === 'admin';
  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));

  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('staff.title')}</Typography.Title>}
      extra={canManage ? <Button type="primary" onClick={() => setInviteOpen(true)} data-testid="staff-invite">{t('staff.invite')}</Button> : null}
    >
      {staff.isError ? <PageError error={staff.error} onRetry={() => void staff.refetch()} /> : null}
      <Table<StaffUser>
        data-testid="staff-table"
        rowKey="id"
        loading={staff.isPending}
        dataSource={staff.data ?? []}
        pagination={false}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('staff.email'), dataIndex: 'email' },
          {
            title: t('common.role'),
            dataIndex: 'role',
            render: (_v, user) => (
              <Select<Role>
                size="small"
                style={{ width: 120 }}
                value={user.role}
                disabled={!canManage || user.id === me?.id}
                options={roleOptions}
                onChange={(role) => update.mutate({ id: user.id, role }, { onSuccess: () => void message.success(t('staff.roleChanged')) })}
              />
            ),
          },
          {
            title: t('staff.account'),
            dataIndex: 'disabled',
            render: (_v, user) => (
              <Switch
                size="small"
                checked={!user.disabled}
                checkedChildren={t('staff.enabled')}
                unCheckedChildren={t('staff.disabled')}
                disabled={!canManage || user.id === me?.id}
                onChange={(enabled) => update.mutate({ id: user.id, disabled: !enabled }, { onSuccess: () => void message.success(t('staff.disabledChanged')) })}
              />
            ),
          },
          { title: t('staff.lastLogin'), dataIndex: 'lastLoginAt', render: (_v, user) => (user.lastLoginAt ? formatTime(user.lastLoginAt, timeZone) : t('common.never')) },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (_v, user) => formatTime(user.createdAt, timeZone) },
        ]}
      />
      <InviteModal open={inviteOpen} onClose={() => setInviteOpen(false)} timeZone={timeZone} roleOptions={roleOptions} />
    </Card>
  );
}

type InviteModalProps = { open: boolean; onClose: () => void; timeZone: string | undefined; roleOptions: { value: Role; label: string }[] };

function InviteModal({ open, onClose, timeZone, roleOptions }: InviteModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<InviteForm>();
  const invite = useInviteStaff();
  const [created, setCreated] = useState<Invite | null>(null);
  const close = () => {
    setCreated(null);
    form.resetFields();
    invite.reset();
    onClose();
  };
  return (
    <Modal
      open={open}
      title={t('staff.invite')}
      onCancel={close}
      destroyOnHidden
      footer={
        created
          ? <Button onClick={close}>{t('common.close')}</Button>
          : [
              <Button key="cancel" onClick={close}>{t('common.cancel')}</Button>,
              <Button key="ok" type="primary" loading={invite.isPending} onClick={() => form.submit()}>{t('staff.inviteSend')}</Button>,
            ]
      }
    >
      {created ? (
        <Alert
          type="success"
          showIcon
          title={t('staff.inviteReady', { time: formatTime(created.expiresAt, timeZone) })}
          description={<Typography.Paragraph copyable={{ text: created.url }} style={{ marginBottom: 0 }} data-testid="invite-url">{created.url}</Typography.Paragraph>}
        />
      ) : (
        <Form<InviteForm> form={form} layout="vertical" initialValues={{ role: 'operator' }} onFinish={(values) => invite.mutate(values, { onSuccess: setCreated })}>
          <Form.Item name="email" label={t('staff.email')} rules={[{ required: true, type: 'email', message: t('login.required') }]}>
            <Input type="email" />
          </Form.Item>
          <Form.Item name="role" label={t('common.role')} rules={[{ required: true }]}>
            <Select<Role> options={roleOptions} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
