import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { App as AntApp, Avatar, Button, Dropdown, Form, Input, Layout, Menu, Modal, Select, Tag, Typography } from 'antd';
import type { MenuProps } from 'antd';
import {
  ApiOutlined, AppstoreOutlined, BarChartOutlined, CheckSquareOutlined, FileTextOutlined, GiftOutlined, GlobalOutlined, KeyOutlined,
  NodeIndexOutlined, NotificationOutlined, QrcodeOutlined, SafetyOutlined, SettingOutlined, ShareAltOutlined, ShoppingOutlined,
  TeamOutlined, ThunderboltOutlined, UserOutlined, UsergroupAddOutlined, ScheduleOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useChangePassword, useLogout, useSession, useSwitchWorkspace } from '../api/auth';
import { LANGUAGES, setLanguage, type Language } from '../i18n';

type MenuItem = Required<MenuProps>['items'][number];

/** Modules of DESIGN §3 not built yet: shown, disabled, tagged — never a dead link. */
const COMING_SOON = [
  { key: 'members', icon: <UserOutlined /> },
  { key: 'channels', icon: <QrcodeOutlined /> },
  { key: 'content', icon: <FileTextOutlined /> },
  { key: 'sop', icon: <ScheduleOutlined /> },
  { key: 'broadcasts', icon: <NotificationOutlined /> },
  { key: 'engagement', icon: <GiftOutlined /> },
  { key: 'fission', icon: <ShareAltOutlined /> },
  { key: 'journeys', icon: <NodeIndexOutlined /> },
  { key: 'commerce', icon: <ShoppingOutlined /> },
  { key: 'analytics', icon: <BarChartOutlined /> },
] as const;

export function ConsoleLayout() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useSession();
  const switchWorkspace = useSwitchWorkspace();
  const logout = useLogout();
  const { message } = AntApp.useApp();
  const [passwordOpen, setPasswordOpen] = useState(false);

  const items: MenuItem[] = [
    { key: '/live', icon: <ThunderboltOutlined />, label: t('nav.live') },
    { key: '/groups', icon: <TeamOutlined />, label: t('nav.groups') },
    { key: '/tasks', icon: <CheckSquareOutlined />, label: t('nav.tasks') },
    { key: '/guard', icon: <SafetyOutlined />, label: <span data-testid="menu-guard">{t('nav.guard')}</span> },
    ...COMING_SOON.map((module) => ({
      key: `soon:${module.key}`,
      icon: module.icon,
      disabled: true,
      label: (
        <span data-testid={`menu-soon-${module.key}`}>
          {t(`nav.${module.key}`)} <Tag style={{ marginInlineStart: 6 }}>{t('common.comingSoon')}</Tag>
        </span>
      ),
    })),
    {
      key: 'settings',
      icon: <SettingOutlined />,
      label: t('nav.settings'),
      children: [
        { key: '/settings/connectors', icon: <ApiOutlined />, label: t('nav.connectors') },
        { key: '/settings/staff', icon: <UsergroupAddOutlined />, label: t('nav.staff') },
        { key: '/settings/tokens', icon: <KeyOutlined />, label: t('nav.tokens') },
      ],
    },
  ];

  const selected = items
    .flatMap((item) => (item && 'children' in item && item.children ? item.children : [item]))
    .map((item) => String(item?.key ?? ''))
    .filter((key) => key.startsWith('/') && (location.pathname === key || location.pathname.startsWith(`${key}/`)));

  const data = session.data;
  const userMenu: MenuProps['items'] = [
    { key: 'password', label: t('header.changePassword') },
    { key: 'logout', label: <span data-testid="logout">{t('header.logout')}</span> },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={232} theme="light" breakpoint="lg" collapsedWidth={0} style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
        <div style={{ padding: '18px 20px 10px', display: 'flex', alignItems: 'center', gap: 8 }}>
          <AppstoreOutlined style={{ fontSize: 22, color: '#0f766e' }} />
          <Typography.Title level={4} style={{ margin: 0 }}>{t('app.name')}</Typography.Title>
        </div>
        <Menu
          mode="inline"
          items={items}
          selectedKeys={selected}
          defaultOpenKeys={location.pathname.startsWith('/settings') ? ['settings'] : []}
          onClick={({ key }) => {
            if (key.startsWith('/')) void navigate(key);
          }}
          data-testid="module-menu"
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', display: 'flex', alignItems: 'center', gap: 12, paddingInline: 20, borderBottom: '1px solid #f0f0f0' }}>
          <Typography.Text type="secondary">{t('header.workspace')}</Typography.Text>
          <Select
            data-testid="workspace-switcher"
            style={{ minWidth: 180 }}
            value={data?.workspace.id}
            loading={switchWorkspace.isPending}
            options={(data?.workspaces ?? []).map((w) => ({ value: w.id, label: `${w.name} (${w.slug})` }))}
            onChange={(workspaceId: string) => {
              switchWorkspace.mutate(workspaceId, { onSuccess: () => void navigate('/live') });
            }}
          />
          <div style={{ flex: 1 }} />
          <GlobalOutlined />
          <Select
            data-testid="language-switch"
            aria-label={t('header.language')}
            style={{ width: 120 }}
            value={i18n.language === 'en' ? 'en' : 'zh-CN'}
            options={LANGUAGES}
            onChange={(language: Language) => void setLanguage(language)}
          />
          <Dropdown
            menu={{
              items: userMenu,
              onClick: ({ key }) => {
                if (key === 'password') setPasswordOpen(true);
                if (key === 'logout') {
                  logout.mutate(undefined, {
                    onSettled: () => {
                      void message.success(t('header.loggedOut'));
                      void navigate('/login', { replace: true });
                    },
                  });
                }
              },
            }}
          >
            <Button type="text" data-testid="user-menu">
              <Avatar size="small" icon={<UserOutlined />} /> {data?.user.name || data?.user.email}
            </Button>
          </Dropdown>
        </Layout.Header>
        <Layout.Content style={{ padding: 20 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
      <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </Layout>
  );
}

type ChangePasswordModalProps = { open: boolean; onClose: () => void };

type PasswordForm = { currentPassword: string; newPassword: string; repeat: string };

function ChangePasswordModal({ open, onClose }: ChangePasswordModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PasswordForm>();
  const change = useChangePassword();
  const { message } = AntApp.useApp();
  return (
    <Modal
      open={open}
      title={t('password.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={change.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<PasswordForm>
        form={form}
        layout="vertical"
        onFinish={(values) =>
          change.mutate(
            { currentPassword: values.currentPassword, newPassword: values.newPassword },
            {
              onSuccess: () => {
                void message.success(t('password.done'));
                form.resetFields();
                onClose();
              },
            },
          )
        }
      >
        <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('login.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label={t('password.next')} rules={[{ required: true, min: 8, message: t('password.tooShort') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t('password.repeat')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('login.required') },
            ({ getFieldValue }) => ({
              validator: (_rule, value: string) =>
                value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
