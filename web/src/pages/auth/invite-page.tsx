import { Alert, Button, Form, Input, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useAcceptInvite } from '../../api/auth';
import { localized } from '../../i18n';
import { AuthCard } from './auth-card';

type InviteForm = { name: string; password: string };

export function InvitePage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const accept = useAcceptInvite();
  const error = accept.error;
  const errorText = error instanceof ApiError ? (error.status === 404 || error.status === 401 || error.status === 410 ? t('invite.invalid') : localized(error.localized)) : error?.message;

  return (
    <AuthCard title={t('invite.title')}>
      <Typography.Paragraph type="secondary">{t('invite.intro')}</Typography.Paragraph>
      {errorText ? <Alert type="error" showIcon title={errorText} style={{ marginBottom: 16 }} data-testid="invite-error" /> : null}
      <Form<InviteForm>
        layout="vertical"
        onFinish={(values) => accept.mutate({ token, ...values }, { onSuccess: () => void navigate('/live', { replace: true }) })}
      >
        <Form.Item name="name" label={t('invite.name')} rules={[{ required: true, message: t('login.required') }]}>
          <Input autoComplete="name" data-testid="invite-name" />
        </Form.Item>
        <Form.Item name="password" label={t('invite.password')} rules={[{ required: true, min: 8, message: t('password.tooShort') }]}>
          <Input.Password autoComplete="new-password" data-testid="invite-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={accept.isPending} data-testid="invite-submit">
          {t('invite.submit')}
        </Button>
      </Form>
    </AuthCard>
  );
}
