import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

// Prometheus metrics at /metrics. Gauges that read the database are filled at
// scrape time through `collect`, so the hot path only bumps counters.

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(collectors: {
  actionStates(): Promise<Record<string, number>>;
  jobStates(): Promise<Record<string, number>>;
  openTasks(): Promise<number>;
  oldestDueLagMs(): Promise<number>;
  /** Scale mode: BullMQ job counts by queue and state. */
  queueCounts?(): Promise<Record<string, Record<string, number>>>;
  /** Actions due now and not yet sent, by priority lane. */
  dueByLane?(): Promise<Record<string, number>>;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'qunyun_process_' });

  const events = new Counter({ name: 'qunyun_events_ingested_total', help: 'Platform events by type and outcome', labelNames: ['type', 'outcome'], registers: [registry] });
  const actions = new Counter({ name: 'qunyun_action_outcomes_total', help: 'Dispatcher outcomes by lane and result', labelNames: ['lane', 'outcome'], registers: [registry] });
  const accountSends = new Counter({ name: 'qunyun_account_sends_total', help: 'Actions delivered by this process, by sending account (rate() gives the send rate)', labelNames: ['account'], registers: [registry] });
  if (collectors.queueCounts) {
    const read = collectors.queueCounts;
    new Gauge({
      name: 'qunyun_queue_jobs',
      help: 'BullMQ jobs by queue and state (scale mode)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        // Redis may be gone: the scrape still answers, without these samples.
        const counts = await read().catch(() => ({}) as Record<string, Record<string, number>>);
        this.reset();
        for (const [queue, states] of Object.entries(counts)) for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
      },
    });
  }
  if (collectors.dueByLane) {
    const read = collectors.dueByLane;
    new Gauge({
      name: 'qunyun_outbox_due',
      help: 'Actions due now and not yet sent, by priority lane (the queue depth of each lane)',
      labelNames: ['lane'],
      registers: [registry],
      async collect() {
        const counts = await read();
        for (const lane of ['moderation', 'welcome', 'sop', 'api', 'broadcast']) this.set({ lane }, counts[lane] ?? 0);
      },
    });
  }
  new Gauge({
    name: 'qunyun_outbox_actions',
    help: 'Actions in the outbox by delivery state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await collectors.actionStates();
      for (const state of ['pending', 'sending', 'sent', 'failed', 'unknown']) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'qunyun_jobs',
    help: 'Durable timers by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await collectors.jobStates();
      for (const state of ['pending', 'running', 'done', 'failed', 'skipped']) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'qunyun_tasks_open',
    help: 'Open staff tasks',
    registers: [registry],
    async collect() {
      this.set(await collectors.openTasks());
    },
  });
  new Gauge({
    name: 'qunyun_oldest_due_timer_lag_ms',
    help: 'How late the oldest due timer or send is (0 when nothing is overdue)',
    registers: [registry],
    async collect() {
      this.set(await collectors.oldestDueLagMs());
    },
  });

  return {
    registry,
    eventIngested: (type: string, outcome: string) => events.inc({ type, outcome }),
    actionOutcome: (lane: string, outcome: string, account?: string) => {
      actions.inc({ lane, outcome });
      if (outcome === 'sent' && account) accountSends.inc({ account });
    },
  };
}
