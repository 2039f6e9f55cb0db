import { useState } from 'react';
import { App as AntApp, Button, Card, Input, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../api/auth';
import { usePreviewWelcome, useDeleteRule, useRules, useUpdateRule, type PreviewMessage, type Rule, type RuleKind } from '../../api/guard';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';
import { RuleEditor } from './rule-editor';
import { TryMessageBox } from './try-box';

type TFn = (key: string, options?: Record<string, unknown>) => string;

function scopeText(t: TFn, rule: Rule): string {
  const { groupTypes, groupTags, groupIds } = rule.scope;
  if (groupTypes.length + groupTags.length + groupIds.length === 0) return t('guard.rule.scopeAll');
  return [...groupTypes.map((type) => t(`groups.types.${type}`)), ...groupTags.map((tag) => `#${tag}`), ...(groupIds.length ? [`${t('guard.rule.groups')} ×${groupIds.length}`] : [])].join('、');
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** One line that says what the rule does. */
function summary(t: TFn, rule: Rule): string {
  const c = rule.config;
  if (rule.kind === 'welcome') return String(c.template ?? '');
  if (rule.kind === 'reply') return `${t(`guard.reply.modes.${String(c.mode)}`)}：${list(c.patterns).join(' / ')} → ${list(c.answers)[0] ?? ''}`;
  const check = String(c.check);
  const label = t(`guard.behaviour.checks.${check}`);
  if (check === 'flood' || check === 'spam_wave') return `${label}：${String(c.count)} / ${Number(c.windowMs) / 1000}s`;
  return label;
}

/** Welcome, keyword-reply or behaviour rules: the table with hits, the editor, and the try box. */
export function RulesTab({ kind }: { kind: RuleKind }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const rules = useRules(kind);
  const update = useUpdateRule();
  const remove = useDeleteRule();
  const timeZone = useSession().data?.workspace.timeZone;
  const [editing, setEditing] = useState<{ rule: Rule | null } | null>(null);
  const [previewing, setPreviewing] = useState<Rule | null>(null);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        size="small"
        title={t(`guard.tabs.${kind === 'reply' ? 'replies' : kind}`)}
        extra={<Button type="primary" onClick={() => setEditing({ rule: null })} data-testid={`guard-${kind}-create`}>{t('guard.rule.create')}</Button>}
      >
        {rules.isError ? <PageError error={rules.error} onRetry={() => void rules.refetch()} /> : null}
        <Table<Rule>
          data-testid={`guard-${kind}-table`}
          rowKey="id"
          size="small"
          loading={rules.isPending}
          dataSource={rules.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('guard.rule.name'), dataIndex: 'name', render: (_v, rule) => <Typography.Text strong>{rule.name}</Typography.Text> },
            {
              title: t('guard.rule.config'),
              key: 'config',
              render: (_v, rule) => <Typography.Text ellipsis={{ tooltip: summary(t, rule) }} style={{ maxWidth: 360 }}>{summary(t, rule)}</Typography.Text>,
            },
            { title: t('guard.rule.scope'), key: 'scope', render: (_v, rule) => scopeText(t, rule) },
            { title: t('guard.rule.priority'), dataIndex: 'priority', width: 80 },
            { title: t('guard.rule.hits'), dataIndex: 'hits', width: 90, sorter: (a, b) => a.hits - b.hits, render: (_v, rule) => <Tag color={rule.hits > 0 ? 'blue' : 'default'}>{rule.hits}</Tag> },
            { title: t('guard.stats.lastHit'), dataIndex: 'lastHitAt', render: (_v, rule) => (rule.lastHitAt ? formatTime(rule.lastHitAt, timeZone) : t('guard.rule.noHits')) },
            {
              title: t('guard.rule.enabled'),
              dataIndex: 'enabled',
              width: 80,
              render: (_v, rule) => <Switch size="small" checked={rule.enabled} onChange={(enabled) => update.mutate({ ruleId: rule.id, change: { enabled } })} />,
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_v, rule) => (
                <Space size={4}>
                  <Button size="small" onClick={() => setEditing({ rule })}>{t('guard.rule.edit')}</Button>
                  {kind === 'welcome' ? <Button size="small" onClick={() => setPreviewing(rule)} data-testid="guard-welcome-preview">{t('guard.welcome.preview')}</Button> : null}
                  <Popconfirm
                    title={t('guard.rule.deleteConfirm')}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => remove.mutate(rule.id, { onSuccess: () => void message.success(t('guard.rule.deleted')) })}
                  >
                    <Button size="small" danger>{t('guard.rule.delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {kind === 'welcome' ? (previewing ? <WelcomePreview rule={previewing} /> : null) : <TryMessageBox />}
      <RuleEditor kind={kind} open={editing !== null} rule={editing?.rule ?? null} onClose={() => setEditing(null)} />
    </Space>
  );
}

/** The welcome rule rendered for sample joiners, as the group would read it. */
function WelcomePreview({ rule }: { rule: Rule }) {
  const { t } = useTranslation();
  const [names, setNames] = useState('小王，Lily，糖糖');
  const preview = usePreviewWelcome();
  const run = () => {
    const nicknames = names.split(/[,，]/).map((n) => n.trim()).filter((n) => n.length > 0).slice(0, 50);
    if (nicknames.length > 0) preview.mutate({ ruleId: rule.id, nicknames });
  };
  return (
    <Card size="small" title={`${t('guard.welcome.preview')} · ${rule.name}`} data-testid="guard-welcome-preview-box">
      <Space.Compact style={{ width: '100%' }}>
        <Input value={names} onChange={(e) => setNames(e.target.value)} onPressEnter={run} aria-label={t('guard.welcome.previewNames')} placeholder={t('guard.welcome.previewNames')} />
        <Button type="primary" onClick={run} loading={preview.isPending}>{t('guard.welcome.previewRun')}</Button>
      </Space.Compact>
      <div style={{ marginTop: 12 }} data-testid="guard-welcome-preview-result">
        {preview.data
          ? preview.data.messages.map((m: PreviewMessage, i) => (
              <Typography.Paragraph key={i} style={{ background: '#f6ffed', padding: 8, borderRadius: 6, marginBottom: 6 }}>
                {m.text ?? m.title ?? m.url ?? m.type}
              </Typography.Paragraph>
            ))
          : <Typography.Text type="secondary">{t('guard.welcome.previewEmpty')}</Typography.Text>}
      </div>
    </Card>
  );
}
