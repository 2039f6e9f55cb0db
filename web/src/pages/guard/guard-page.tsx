import { Card, Col, Row, Statistic, Tabs, Typography } from 'antd';
import { Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useGuardStats } from '../../api/guard';
import { BlacklistTab } from './blacklist-tab';
import { PolicyTab } from './policy-tab';
import { RulesTab } from './rules-tab';
import { ViolationsTab } from './violations-tab';
import { WordsTab } from './words-tab';

export const GUARD_TABS = ['welcome', 'replies', 'words', 'behaviour', 'policy', 'violations', 'blacklist'] as const;
type GuardTab = (typeof GUARD_TABS)[number];

function isTab(value: string | undefined): value is GuardTab {
  return (GUARD_TABS as readonly string[]).includes(value ?? '');
}

/** 群守护: one page, a tab per part of the guard; the tab is in the URL (/guard/<tab>). */
export function GuardPage() {
  const { t } = useTranslation();
  const { tab } = useParams();
  const navigate = useNavigate();
  if (!isTab(tab)) return <Navigate to="/guard/welcome" replace />;
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('guard.title')}</Typography.Title>
      <GuardStatsRow />
      <Tabs
        activeKey={tab}
        onChange={(key) => void navigate(`/guard/${key}`)}
        destroyOnHidden
        data-testid="guard-tabs"
        items={GUARD_TABS.map((key) => ({ key, label: <span data-testid={`guard-tab-${key}`}>{t(`guard.tabs.${key}`)}</span>, children: <TabBody tab={key} /> }))}
      />
    </div>
  );
}

function TabBody({ tab }: { tab: GuardTab }) {
  switch (tab) {
    case 'welcome':
      return <RulesTab kind="welcome" />;
    case 'replies':
      return <RulesTab kind="reply" />;
    case 'behaviour':
      return <RulesTab kind="behaviour" />;
    case 'words':
      return <WordsTab />;
    case 'policy':
      return <PolicyTab />;
    case 'violations':
      return <ViolationsTab />;
    case 'blacklist':
      return <BlacklistTab />;
  }
}

/** Headline statistics: rules, their hits, violations in the last 30 days, the blacklist. */
function GuardStatsRow() {
  const { t } = useTranslation();
  const stats = useGuardStats(30);
  const data = stats.data;
  const hits = (data?.rules ?? []).reduce((sum, r) => sum + r.hits, 0) + (data?.wordLists ?? []).reduce((sum, l) => sum + l.hits, 0);
  return (
    <Row gutter={12} style={{ marginBottom: 12 }} data-testid="guard-stats">
      {[
        { key: 'rules', value: data?.rules.length },
        { key: 'hits', value: hits },
        { key: 'violations', value: data?.violations.total },
        { key: 'pardoned', value: data?.violations.pardoned },
        { key: 'blacklisted', value: data?.blacklisted },
      ].map((item) => (
        <Col key={item.key} xs={12} md={4}>
          <Card size="small">
            <Statistic title={t(`guard.stats.${item.key}`)} value={item.value ?? 0} loading={stats.isPending} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
