import { lazy, memo, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Badge, Card, Col, Empty, List, Row, Select, Statistic, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useGroups } from '../../api/groups';
import { useRecentLive, useLiveStream, type LiveEvent } from '../../api/live';
import { useSession } from '../../api/auth';
import { formatTime } from '../../components/format';
import { PageError } from '../../components/page-error';

// ECharts loads after the feed: the first events show before the chart's code has arrived.
const SeriesChart = lazy(() => import('../../components/charts/chart').then((module) => ({ default: module.SeriesChart })));

const KEEP = 200;
/** Rows drawn in the feed; the counts and the chart use all KEEP events. */
const FEED_ROWS = 60;
const FLUSH_MS = 500;
const MINUTES = 15;
const TYPE_COLORS: Record<LiveEvent['type'], string> = { 'member.joined': 'green', 'member.left': 'orange', message: 'blue', action: 'purple' };

function merge(older: LiveEvent[], newer: LiveEvent[]): LiveEvent[] {
  const seen = new Set<string>();
  const all: LiveEvent[] = [];
  for (const event of [...newer, ...older]) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    all.push(event);
  }
  return all.sort((a, b) => b.at - a.at).slice(0, KEEP);
}

export function LivePage() {
  const { t } = useTranslation();
  const session = useSession();
  const timeZone = session.data?.workspace.timeZone;
  const [groupId, setGroupId] = useState<string | undefined>(undefined);
  const groups = useGroups({ state: 'active' });
  const recent = useRecentLive(groupId);
  const [events, setEvents] = useState<LiveEvent[]>([]);

  useEffect(() => {
    setEvents(recent.data ?? []);
  }, [recent.data, groupId]);

  // Events arrive in bursts (the accelerated clock): they are buffered and drawn twice a second.
  const pending = useRef<LiveEvent[]>([]);
  const onEvent = useCallback((event: LiveEvent) => {
    pending.current.push(event);
  }, []);
  useEffect(() => {
    pending.current = [];
    const timer = window.setInterval(() => {
      if (pending.current.length === 0) return;
      const arrived = pending.current;
      pending.current = [];
      setEvents((current) => merge(current, arrived));
    }, FLUSH_MS);
    return () => window.clearInterval(timer);
  }, [groupId]);
  const stream = useLiveStream(groupId, onEvent);

  const counts = useMemo(() => {
    const byType = { 'member.joined': 0, 'member.left': 0, message: 0, action: 0 };
    for (const event of events) byType[event.type] += 1;
    return { ...byType, groups: new Set(events.map((event) => event.groupId)).size };
  }, [events]);

  const perMinute = useMemo(() => {
    const latest = events[0]?.at;
    if (latest === undefined) return { labels: [] as string[], values: [] as number[] };
    const end = Math.floor(latest / 60_000);
    const values = new Array<number>(MINUTES).fill(0);
    for (const event of events) {
      if (event.type !== 'message') continue;
      const slot = MINUTES - 1 - (end - Math.floor(event.at / 60_000));
      if (slot >= 0 && slot < MINUTES) values[slot] = (values[slot] ?? 0) + 1;
    }
    const labels = values.map((_v, i) => formatTime((end - (MINUTES - 1 - i)) * 60_000, timeZone, false).slice(0, 5));
    return { labels, values };
  }, [events, timeZone]);

  const feed = useMemo(() => events.slice(0, FEED_ROWS), [events]);

  const streamBadge = stream === 'open'
    ? <Badge status="processing" text={t('live.connected')} />
    : stream === 'connecting' ? <Badge status="warning" text={t('live.connecting')} /> : <Badge status="error" text={t('live.closed')} />;

  return (
    <div data-testid="live-page">
      <div style={{ display: 'flex', alignItems: 'center', gap: 16, marginBottom: 16, flexWrap: 'wrap' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('live.title')}</Typography.Title>
        <span data-testid="live-stream-state" data-state={stream}>{streamBadge}</span>
        <div style={{ flex: 1 }} />
        <Select
          data-testid="live-group-filter"
          allowClear
          placeholder={t('live.allGroups')}
          style={{ minWidth: 240 }}
          value={groupId}
          loading={groups.isPending}
          options={(groups.data ?? []).map((group) => ({ value: group.id, label: group.name }))}
          onChange={(value: string | undefined) => setGroupId(value)}
        />
      </div>
      {recent.isError ? <PageError error={recent.error} onRetry={() => void recent.refetch()} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={4}><Card size="small"><Statistic title={t('live.activeGroups')} value={counts.groups} /></Card></Col>
        <Col xs={12} md={5}><Card size="small"><Statistic title={t('live.messages')} value={counts.message} data-testid="live-count-messages" /></Card></Col>
        <Col xs={12} md={5}><Card size="small"><Statistic title={t('live.joins')} value={counts['member.joined']} /></Card></Col>
        <Col xs={12} md={5}><Card size="small"><Statistic title={t('live.leaves')} value={counts['member.left']} /></Card></Col>
        <Col xs={12} md={5}><Card size="small"><Statistic title={t('live.actions')} value={counts.action} /></Card></Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('live.perMinute')}>
            <Suspense fallback={<div style={{ height: 220 }} />}>
              <SeriesChart kind="bar" labels={perMinute.labels} values={perMinute.values} name={t('live.messages')} testId="live-chart" />
            </Suspense>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" styles={{ body: { maxHeight: 560, overflowY: 'auto', padding: '0 12px' } }}>
            {events.length === 0 ? (
              <Empty description={recent.isPending ? t('common.loading') : t('live.waiting')} />
            ) : (
              <List<LiveEvent>
                data-testid="live-feed"
                size="small"
                dataSource={feed}
                rowKey={(event) => event.id}
                renderItem={(event) => <LiveRow event={event} timeZone={timeZone} />}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}

type LiveRowProps = { event: LiveEvent; timeZone: string | undefined };

const LiveRow = memo(function LiveRow({ event, timeZone }: LiveRowProps) {
  const { t } = useTranslation();
  const who = event.personName ?? t('live.someone');
  let body: string;
  if (event.type === 'member.joined') body = `${who} ${t('live.joined')}`;
  else if (event.type === 'member.left') body = `${who} ${t('live.left')}`;
  else if (event.type === 'action') body = [event.actionKind, event.actionState, event.text].filter(Boolean).join(' · ');
  else body = `${who}: ${event.text ?? ''}`;
  return (
    <List.Item data-testid="live-event" data-type={event.type} style={{ paddingInline: 0 }}>
      <div style={{ display: 'flex', gap: 8, alignItems: 'baseline', width: '100%', minWidth: 0 }}>
        <Typography.Text type="secondary" style={{ fontVariantNumeric: 'tabular-nums', flex: 'none' }}>{formatTime(event.at, timeZone, false)}</Typography.Text>
        <Tag color={TYPE_COLORS[event.type]} style={{ flex: 'none' }}>{t(`live.type.${event.type}`)}</Tag>
        <Link to={`/groups/${encodeURIComponent(event.groupId)}`} style={{ flex: 'none' }} data-testid="live-event-group">{event.groupName}</Link>
        <span style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{body}</span>
      </div>
    </List.Item>
  );
});
