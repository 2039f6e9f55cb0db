import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Input, Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useGroups } from '../../api/groups';
import { useTryMessage, type TryResult } from '../../api/guard';

/**
 * "试一试 / try a message": sends the text to the preview endpoint and shows
 * what the guard would do — the hits, the ladder step, the auto-reply — without
 * doing any of it.
 */
export function TryMessageBox() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [groupId, setGroupId] = useState<string | undefined>(undefined);
  const groups = useGroups();
  const trial = useTryMessage();
  const run = () => {
    const trimmed = text.trim();
    if (trimmed) trial.mutate(groupId ? { text: trimmed, groupId } : { text: trimmed });
  };
  return (
    <Card size="small" title={t('guard.try.title')} data-testid="guard-try">
      <Space.Compact style={{ width: '100%' }}>
        <Select
          allowClear
          style={{ width: 220 }}
          placeholder={t('guard.try.anyGroup')}
          aria-label={t('guard.try.group')}
          value={groupId}
          onChange={(value?: string) => setGroupId(value)}
          options={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
        />
        <Input
          data-testid="guard-try-input"
          placeholder={t('guard.try.placeholder')}
          value={text}
          maxLength={4096}
          onChange={(event) => setText(event.target.value)}
          onPressEnter={run}
        />
        <Button type="primary" onClick={run} loading={trial.isPending} data-testid="guard-try-run">{t('guard.try.run')}</Button>
      </Space.Compact>
      {trial.data ? <TryOutcome result={trial.data} /> : null}
    </Card>
  );
}

function TryOutcome({ result }: { result: TryResult }) {
  const { t } = useTranslation();
  const nothing = result.hits.length === 0 && result.reply === null;
  return (
    <div data-testid="guard-try-result" style={{ marginTop: 12 }}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('guard.try.normalised')}><Typography.Text code>{result.normalised}</Typography.Text></Descriptions.Item>
      </Descriptions>
      {result.exempt ? <Alert style={{ marginTop: 8 }} type="info" showIcon title={t('guard.try.exempt')} /> : null}
      {nothing ? <Alert style={{ marginTop: 8 }} type="success" showIcon title={t('guard.try.nothing')} /> : null}
      {result.hits.length > 0 ? (
        <Alert
          style={{ marginTop: 8 }}
          type="error"
          showIcon
          title={t('guard.try.hits')}
          description={
            <Space direction="vertical" size={4}>
              <div>
                {result.hits.map((hit, i) => (
                  <Tag key={i} color={hit.source === 'word' ? 'red' : 'orange'}>
                    {hit.source === 'word' ? t('guard.try.word') : t('guard.try.behaviourHit')} · {categoryLabel(t, hit)} · {hit.what}
                  </Tag>
                ))}
              </div>
              {result.escalation ? (
                <div data-testid="guard-try-escalation">
                  {t('guard.try.escalation', { offence: result.escalation.offenceNo })}：
                  {result.escalation.actions.map((a) => (
                    <Tag key={a.action} color={a.capable ? 'volcano' : 'default'}>
                      {t(`guard.policy.actions.${a.action}`, { defaultValue: a.action })}{a.capable ? '' : ` (${t('guard.try.cannot')})`}
                    </Tag>
                  ))}
                </div>
              ) : null}
            </Space>
          }
        />
      ) : null}
      {result.reply ? (
        <Alert
          style={{ marginTop: 8 }}
          type={result.reply.coolingDown ? 'warning' : 'success'}
          showIcon
          data-testid="guard-try-reply"
          title={t('guard.try.reply', { name: result.reply.name })}
          description={
            <Space direction="vertical" size={4}>
              {result.reply.answers.map((answer, i) => <Typography.Text key={i}>「{answer}」</Typography.Text>)}
              <Typography.Text type="secondary">{t('guard.try.replyIn')}：{t(`guard.reply.in.${result.reply.replyIn}`)}</Typography.Text>
              {result.reply.coolingDown ? <Typography.Text type="warning">{t('guard.try.coolingDown')}</Typography.Text> : null}
            </Space>
          }
        />
      ) : null}
    </div>
  );
}

function categoryLabel(t: (key: string, options?: Record<string, unknown>) => string, hit: TryResult['hits'][number]): string {
  return hit.source === 'word' ? t(`guard.words.categories.${hit.category}`, { defaultValue: hit.category }) : t(`guard.behaviour.checks.${hit.category}`, { defaultValue: hit.category });
}
