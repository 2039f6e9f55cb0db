import { Alert, Button, Form, Input } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useLogin, type LoginInput } from '../../api/auth';
import { AuthCard } from './auth-card';
import { localized } from '../../i18n';

/** Only paths inside the console are followed after login (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/live';
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const login = useLogin();
  const next = safeNext(params.get('next'));

  const error = login.error;
  let errorText: string | null = null;
  if (error instanceof ApiError && error.code === 'auth.throttled') {
    errorText = error.retryAfterSeconds !== null ? t('login.throttled', { seconds: error.retryAfterSeconds }) : t('login.throttledNoTime');
  } else if (error instanceof ApiError && error.status === 401) {
    errorText = t('login.invalid');
  } else if (error instanceof ApiError) {
    errorText = localized(error.localized);
  } else if (error) {
    errorText = error.message;
  }

  return (
    <AuthCard title={t('login.title')}>
      {params.get('expired') && !error ? <Alert type="info" showIcon title={t('login.expired')} style={{ marginBottom: 16 }} /> : null}
      {errorText ? <Alert type="error" showIcon title={errorText} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
      <Form<LoginInput>
        layout="vertical"
        initialValues={{ workspace: 'demo' }}
        onFinish={(values) => login.mutate(values, { onSuccess: () => void navigate(next, { replace: true }) })}
      >
        <Form.Item name="workspace" label={t('login.workspace')} rules={[{ required: true, message: t('login.required') }]}>
          <Input placeholder={t('login.workspacePlaceholder')} autoComplete="organization" data-testid="login-workspace" />
        </Form.Item>
        <Form.Item name="email" label={t('login.email')} rules={[{ required: true, message: t('login.required') }]}>
          <Input type="email" autoComplete="username" data-testid="login-email" />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.required') }]}>
          <Input.Password autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
          {t('login.submit')}
        </Button>
      </Form>
    </AuthCard>
  );
}
