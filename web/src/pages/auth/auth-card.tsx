import type { ReactNode } from 'react';
import { Card, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../../i18n';

type Props = { title: string; children: ReactNode };

/** The frame of the pages before login: product name, language switch, one card. */
export function AuthCard({ title, children }: Props) {
  const { t, i18n } = useTranslation();
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f5f4' }}>
      <div style={{ width: 380 }}>
        <div style={{ display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', marginBottom: 12 }}>
          <Typography.Title level={2} style={{ margin: 0, color: '#0f766e' }}>{t('app.name')}</Typography.Title>
          <Select
            data-testid="language-switch"
            size="small"
            style={{ width: 110 }}
            value={i18n.language === 'en' ? 'en' : 'zh-CN'}
            options={LANGUAGES}
            onChange={(language: Language) => void setLanguage(language)}
          />
        </div>
        <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
        <Card title={title} style={{ marginTop: 12 }}>
          {children}
        </Card>
      </div>
    </div>
  );
}
