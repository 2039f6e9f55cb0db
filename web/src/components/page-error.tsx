import { Alert, Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { localized } from '../i18n';

export type PageErrorProps = { error: unknown; onRetry?: () => void };

/** What a page shows when its data failed: the server's own words, and a way to retry. */
export function PageError({ error, onRetry }: PageErrorProps) {
  const { t } = useTranslation();
  const text = error instanceof ApiError ? localized(error.localized) : error instanceof Error ? error.message : String(error);
  return (
    <Alert
      type="error"
      showIcon
      title={t('errors.title')}
      description={text}
      data-testid="page-error"
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}

export type NotFoundProps = { onHome: () => void };

export function NotFound({ onHome }: NotFoundProps) {
  const { t } = useTranslation();
  return <Result status="404" title="404" subTitle={t('errors.notFound')} extra={<Button type="primary" onClick={onHome}>{t('errors.goHome')}</Button>} />;
}
