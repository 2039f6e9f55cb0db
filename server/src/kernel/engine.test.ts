import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pino } from 'pino';
import type { Db } from '../database.js';
import { openTestDb } from '../../test/support/db.js';
import { testDialects } from '../../test/support/services.js';
import { VirtualClock } from './clock.js';
import { createEngine } from './engine.js';
import { createPipeline, type EventHandler } from './events/pipeline.js';
import { createJobRunner, defineJob } from './jobs/jobs.js';
import { createDispatcher } from './outbox/dispatcher.js';
import { enqueueAction } from './outbox/outbox.js';
import { SIM_PROFILES } from '../platforms/simulator/profiles.js';
import type { PerformResult, PlatformAction, PlatformAdapter } from '../platforms/platform.js';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2026-01-05T00:00:00+08:00');
const WS = 'ws_test';

/** A loopback platform for the kernel's own tests: it keeps what it received, in order. */
function recordingAdapter(options: { listSent?: boolean; idempotent?: boolean; fail?: (a: PlatformAction) => PerformResult | null } = {}) {
  const received: PlatformAction[] = [];
  const adapter: PlatformAdapter = {
    platform: 'recording',
    capabilities: { ...SIM_PROFILES.full, listSent: options.listSent ?? false, idempotentSends: options.idempotent ?? false },
    async perform(action) {
      const failure = options.fail?.(action);
      if (failure) return failure;
      received.push(action);
      return { ok: true };
    },
  };
  if (options.listSent) adapter.listSent = async (ids) => new Set(received.map((a) => a.actionId).filter((id) => ids.includes(id)));
  return { adapter, received };
}

function kernel(db: Db, clock: VirtualClock, adapter: PlatformAdapter, jobs: ReturnType<typeof createJobRunner>) {
  const tasks: { reason: string; actionId: string }[] = [];
  const dispatcher = createDispatcher({
    db,
    clock,
    logger,
    adapterFor: () => adapter,
    quietHoursOf: async () => null,
    async raiseTask(_db, action, reason) {
      tasks.push({ reason, actionId: action.id });
      return `task_${tasks.length}`;
    },
  });
  const engine = createEngine({ db, clock, logger, jobs, dispatcher });
  return { dispatcher, engine, tasks };
}

const send = (key: string, text = key) => ({ key, lane: 'sop' as const, connectorId: 'con_1', kind: 'send' as const, chatId: 'chat-1', message: { type: 'text' as const, text }, cause: 'test' });

for (const dialect of await testDialects()) {
  describe(`kernel on ${dialect}`, () => {
    let t: Awaited<ReturnType<typeof openTestDb>>;
    beforeAll(async () => {
      t = await openTestDb(dialect);
    });
    afterAll(async () => t?.cleanup());

    it('the outbox refuses a second action with the same cause, by constraint', async () => {
      const db = t.handle.db;
      const first = await enqueueAction(db, WS, send('sop:run1:step1:g1'), T0);
      const again = await enqueueAction(db, WS, send('sop:run1:step1:g1', 'different text'), T0);
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.action.id).toBe(first.action.id);
      const other = await enqueueAction(db, 'ws_other', send('sop:run1:step1:g1'), T0);
      expect(other.created).toBe(true);
      await db.deleteFrom('actions').execute();
    });

    it('a send caught mid-flight is reconciled where the platform can list what it sent, and never sent twice', async () => {
      const db = t.handle.db;
      const clock = new VirtualClock(T0);
      const listing = recordingAdapter({ listSent: true });
      const jobs = createJobRunner({ db, clock, logger, catalog: [] });
      const { dispatcher } = kernel(db, clock, listing.adapter, jobs);
      const delivered = await enqueueAction(db, WS, send('k:delivered'), T0);
      const lost = await enqueueAction(db, WS, send('k:lost'), T0);
      // The process died after marking both "sending"; only the first reached the platform.
      await db.updateTable('actions').set({ state: 'sending' }).where('workspace_id', '=', WS).execute();
      listing.received.push({ actionId: delivered.action.id } as PlatformAction);
      expect(await dispatcher.recover()).toEqual({ requeued: 1, reconciled: 1, unknown: 0 });
      await dispatcher.dispatchDue();
      expect(listing.received.map((a) => a.actionId)).toEqual([delivered.action.id, lost.action.id]);
      const states = await db.selectFrom('actions').select(['id', 'state']).where('workspace_id', '=', WS).orderBy('id').execute();
      expect(states.map((s) => s.state)).toEqual(['sent', 'sent']);
      await db.deleteFrom('actions').execute();
    });

    it('without a way to know, a send caught mid-flight becomes unknown plus a staff task', async () => {
      const db = t.handle.db;
      const clock = new VirtualClock(T0);
      const blind = recordingAdapter();
      const jobs = createJobRunner({ db, clock, logger, catalog: [] });
      const { dispatcher, tasks } = kernel(db, clock, blind.adapter, jobs);
      const caught = await enqueueAction(db, WS, send('k:caught'), T0);
      await db.updateTable('actions').set({ state: 'sending' }).where('id', '=', caught.action.id).execute();
      expect(await dispatcher.recover()).toEqual({ requeued: 0, reconciled: 0, unknown: 1 });
      await dispatcher.dispatchDue();
      expect(blind.received).toHaveLength(0);
      expect(tasks).toEqual([{ reason: 'delivery_unknown', actionId: caught.action.id }]);
      const row = await db.selectFrom('actions').select(['state', 'task_id']).where('id', '=', caught.action.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'unknown', task_id: 'task_1' });
      await db.deleteFrom('actions').execute();
    });

    it('a platform that takes idempotency keys gets the caught send again', async () => {
      const db = t.handle.db;
      const clock = new VirtualClock(T0);
      const idempotent = recordingAdapter({ idempotent: true });
      const { dispatcher } = kernel(db, clock, idempotent.adapter, createJobRunner({ db, clock, logger, catalog: [] }));
      const caught = await enqueueAction(db, WS, send('k:idem'), T0);
      await db.updateTable('actions').set({ state: 'sending' }).where('id', '=', caught.action.id).execute();
      expect((await dispatcher.recover()).requeued).toBe(1);
      await dispatcher.dispatchDue();
      expect(idempotent.received.map((a) => a.idempotencyKey)).toEqual(['k:idem']);
      await db.deleteFrom('actions').execute();
    });

    it('transient failures retry with back-off; the fifth failure fails the action with a task', async () => {
      const db = t.handle.db;
      const clock = new VirtualClock(T0);
      const flaky = recordingAdapter({ fail: () => ({ ok: false, failure: 'retry', code: 'http_503', message: 'busy' }) });
      const jobs = createJobRunner({ db, clock, logger, catalog: [] });
      const { engine, tasks } = kernel(db, clock, flaky.adapter, jobs);
      const action = await enqueueAction(db, WS, send('k:flaky'), T0);
      await engine.advance(T0 + 24 * 3600_000);
      const row = await db.selectFrom('actions').select(['state', 'attempts']).where('id', '=', action.action.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'failed', attempts: 5 });
      expect(tasks.map((x) => x.reason)).toEqual(['delivery_failed']);
      await db.deleteFrom('actions').execute();
    });

    it('a send that got no answer is never blindly resent: unknown + task, or reconciled when the platform can tell', async () => {
      const db = t.handle.db;
      const clock = new VirtualClock(T0);
      const ambiguous = (a: PlatformAction): PerformResult | null => (a.idempotencyKey.startsWith('amb') ? { ok: false, failure: 'ambiguous', code: 'timeout', message: 'no answer' } : null);
      const blind = recordingAdapter({ fail: ambiguous });
      const k1 = kernel(db, clock, blind.adapter, createJobRunner({ db, clock, logger, catalog: [] }));
      const lost = await enqueueAction(db, WS, send('amb:blind'), T0);
      await k1.engine.advance(T0 + 3600_000);
      expect(await db.selectFrom('actions').select('state').where('id', '=', lost.action.id).executeTakeFirstOrThrow()).toEqual({ state: 'unknown' });
      expect(k1.tasks.map((x) => x.reason)).toEqual(['delivery_unknown']);
      // A platform that lists what it received: the timed-out send had in fact arrived.
      const listing = recordingAdapter({ listSent: true, fail: (a) => { if (a.idempotencyKey.startsWith('amb')) listing.received.push(a); return ambiguous(a); } });
      const k2 = kernel(db, clock, listing.adapter, createJobRunner({ db, clock, logger, catalog: [] }));
      const arrived = await enqueueAction(db, WS, send('amb:listed'), clock.now());
      await k2.engine.advance(clock.now() + 3600_000);
      expect(await db.selectFrom('actions').select('state').where('id', '=', arrived.action.id).executeTakeFirstOrThrow()).toEqual({ state: 'sent' });
      expect(listing.received.filter((a) => a.actionId === arrived.action.id)).toHaveLength(1);
      await db.deleteFrom('actions').execute();
    });

    it('durable timers run in time order under the virtual clock and survive a restart', async () => {
      const db = t.handle.db;
      const ran: { label: string; at: number }[] = [];
      const clock = new VirtualClock(T0);
      const catalog = [
        defineJob({
          name: 'test.note',
          payload: z.object({ label: z.string() }),
          async run({ payload, now }) {
            ran.push({ label: payload.label, at: now });
          },
        }),
      ];
      const jobs = createJobRunner({ db, clock, logger, catalog });
      await jobs.schedule(db, WS, { name: 'test.note', payload: { label: 'day 2 09:00' }, runAt: T0 + 33 * 3600_000 });
      await jobs.schedule(db, WS, { name: 'test.note', payload: { label: 'day 1 09:00' }, runAt: T0 + 9 * 3600_000 });
      const dup = await jobs.schedule(db, WS, { name: 'test.note', payload: { label: 'once' }, runAt: T0 + 10 * 3600_000, dedupeKey: 'once' });
      const dupAgain = await jobs.schedule(db, WS, { name: 'test.note', payload: { label: 'once' }, runAt: T0 + 10 * 3600_000, dedupeKey: 'once' });
      expect(dupAgain).toEqual({ id: dup.id, created: false });
      const first = kernel(db, clock, recordingAdapter().adapter, jobs);
      await first.engine.advance(T0 + 12 * 3600_000);
      expect(ran.map((r) => r.label)).toEqual(['day 1 09:00', 'once']);
      expect(ran[0]!.at).toBe(T0 + 9 * 3600_000);
      // A new process on the same database picks the rest up.
      const clock2 = new VirtualClock(T0 + 12 * 3600_000);
      const jobs2 = createJobRunner({ db, clock: clock2, logger, catalog });
      const second = kernel(db, clock2, recordingAdapter().adapter, jobs2);
      await second.engine.advance(T0 + 48 * 3600_000);
      expect(ran.map((r) => r.label)).toEqual(['day 1 09:00', 'once', 'day 2 09:00']);
      expect(ran[2]!.at).toBe(T0 + 33 * 3600_000);
    });

    it('after downtime, overdue timers catch up in order; one later than its maxLateMs is skipped', async () => {
      const db = t.handle.db;
      const ran: string[] = [];
      const clock = new VirtualClock(T0 + 10 * 24 * 3600_000);
      const catalog = [
        defineJob({ name: 'test.catchup', payload: z.object({ label: z.string() }), async run({ payload }) { ran.push(payload.label); } }),
        defineJob({ name: 'test.fresh-only', payload: z.object({}), maxLateMs: 3600_000, async run() { ran.push('stale push'); } }),
      ];
      const jobs = createJobRunner({ db, clock, logger, catalog });
      await jobs.schedule(db, WS, { name: 'test.catchup', payload: { label: 'b' }, runAt: T0 + 2 * 24 * 3600_000 });
      await jobs.schedule(db, WS, { name: 'test.catchup', payload: { label: 'a' }, runAt: T0 + 1 * 24 * 3600_000 });
      const stale = await jobs.schedule(db, WS, { name: 'test.fresh-only', payload: {}, runAt: T0 + 3 * 24 * 3600_000 });
      await jobs.runDue();
      expect(ran).toEqual(['a', 'b']);
      const row = await db.selectFrom('jobs').select('state').where('id', '=', stale.id).executeTakeFirstOrThrow();
      expect(row.state).toBe('skipped');
    });

    it('an event seen twice is handled once, and a failing rule is skipped without losing the event', async () => {
      const db = t.handle.db;
      const clock = new VirtualClock(T0);
      const seen: string[] = [];
      const handlers: EventHandler[] = [
        { name: 'test.broken', types: ['message'], async handle({ db: trx, workspaceId }) { await enqueueAction(trx, workspaceId, send('from-broken'), T0); throw new Error('rule bug'); } },
        { name: 'test.good', types: ['message'], async handle({ event }) { seen.push(event.body.type); } },
      ];
      const pipeline = createPipeline({ db, clock, logger, handlers });
      const event = { connectorId: 'con_1', occurredAt: T0, source: 'sim' as const, body: { type: 'message' as const, chatId: 'c', person: { externalId: 'p' }, messageId: 'm-1', message: { type: 'text' as const, text: 'hi' } } };
      const [first] = await pipeline.ingest(WS, [event]);
      const [second] = await pipeline.ingest(WS, [event]);
      expect(first).toMatchObject({ duplicate: false });
      expect(second).toEqual({ eventId: first!.eventId, duplicate: true });
      expect(seen).toEqual(['message']);
      // The broken rule's half-done work was rolled back to its savepoint.
      expect(await db.selectFrom('actions').select('id').where('idempotency_key', '=', 'from-broken').execute()).toEqual([]);
      const rows = await db.selectFrom('events').select('state').where('workspace_id', '=', WS).execute();
      expect(rows).toEqual([{ state: 'handled' }]);
    });
  });
}
