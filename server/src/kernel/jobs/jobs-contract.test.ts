import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { redisKeyPrefix, testDialects } from '../../../test/support/services.js';
import { dropRedisPrefix, scaleServicesUp, TEST_REDIS_URL } from '../../../test/support/scale.js';
import { defineJob } from './jobs.js';

// One contract for every job runner (STYLE rule 5): the embedded runner on
// SQLite and PostgreSQL, and scale mode, where PostgreSQL keeps the timers and
// BullMQ on Redis carries the due ones to a worker. runAt is honoured, failures
// retry with backoff, a dedupe key schedules once, and overdue jobs catch up in
// run_at order (or are skipped past their maxLateMs).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Run = { key: string; scheduledAt: number; now: number };

function contractJobs(runs: Run[], failuresLeft: Map<string, number>) {
  return [
    defineJob({
      name: 'contract.record',
      payload: z.object({ key: z.string() }),
      backoffMs: 10 * MINUTE,
      maxAttempts: 4,
      async run(ctx) {
        const left = failuresLeft.get(ctx.payload.key) ?? 0;
        if (left > 0) {
          failuresLeft.set(ctx.payload.key, left - 1);
          throw new Error(`planned failure of ${ctx.payload.key}`);
        }
        runs.push({ key: ctx.payload.key, scheduledAt: ctx.scheduledAt, now: ctx.now });
      },
    }),
    defineJob({
      name: 'contract.morning-push',
      payload: z.object({ key: z.string() }),
      maxLateMs: 15 * MINUTE,
      async run(ctx) {
        runs.push({ key: ctx.payload.key, scheduledAt: ctx.scheduledAt, now: ctx.now });
      },
    }),
  ];
}

type Driver = { name: string; dialect: 'sqlite' | 'postgres'; env: Record<string, string> };

const drivers: Driver[] = (await testDialects()).map((dialect) => ({ name: `the embedded runner on ${dialect}`, dialect, env: {} }));
if (await scaleServicesUp('job runner contract on BullMQ')) {
  drivers.push({ name: 'BullMQ in scale mode on postgres', dialect: 'postgres', env: { REDIS_URL: TEST_REDIS_URL, QUNYUN_REDIS_PREFIX: redisKeyPrefix().slice(0, -1) } });
  afterAll(async () => {
    for (const driver of drivers) if (driver.env.QUNYUN_REDIS_PREFIX) await dropRedisPrefix(driver.env.QUNYUN_REDIS_PREFIX);
  });
}

for (const driver of drivers) {
  describe(`job runner contract: ${driver.name}`, () => {
    let t: TestApp;
    const runs: Run[] = [];
    const failuresLeft = new Map<string, number>();
    let t0 = 0;
    const schedule = (name: string, key: string, runAt: number, dedupeKey?: string) =>
      t.app.jobs.schedule(t.app.dbHandle.db, 'ws_contract', { name, payload: { key }, runAt, ...(dedupeKey ? { dedupeKey } : {}) });
    const advance = async (ms: number) => {
      const reply = await t.api('POST', '/api/v1/sim/clock', { advanceMs: ms });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    };
    const keysRun = (prefix: string) => runs.filter((r) => r.key.startsWith(prefix)).map((r) => r.key);

    beforeAll(async () => {
      t = await startTestApp(driver.dialect, driver.env, { jobs: contractJobs(runs, failuresLeft) });
      t0 = t.app.clock.now();
    });
    afterAll(async () => t?.cleanup());

    it('a job runs when the clock reaches its runAt, not a minute before, and once', async () => {
      const at = t.app.clock.now() + HOUR;
      await schedule('contract.record', 'at-1', at);
      await advance(HOUR - MINUTE);
      expect(keysRun('at-')).toEqual([]);
      await advance(MINUTE);
      expect(keysRun('at-')).toEqual(['at-1']);
      expect(runs.find((r) => r.key === 'at-1')).toMatchObject({ scheduledAt: at, now: at });
      await advance(HOUR);
      expect(keysRun('at-')).toEqual(['at-1']);
    });

    it('a failing job is retried after its backoff until it succeeds', async () => {
      failuresLeft.set('retry-1', 2);
      const start = t.app.clock.now();
      await schedule('contract.record', 'retry-1', start);
      await advance(0);
      expect(keysRun('retry-')).toEqual([]);
      // Backoff doubles: 10 minutes after the first failure, 20 after the second.
      await advance(10 * MINUTE);
      expect(keysRun('retry-')).toEqual([]);
      await advance(20 * MINUTE);
      expect(keysRun('retry-')).toEqual(['retry-1']);
      const row = await t.app.dbHandle.db.selectFrom('jobs').select(['state', 'attempts']).where('payload', 'like', '%retry-1%').executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'done', attempts: 3 });
    });

    it('the same dedupe key scheduled twice is one job that runs once', async () => {
      const at = t.app.clock.now() + MINUTE;
      const first = await schedule('contract.record', 'dedupe-1', at, 'contract:dedupe');
      const second = await schedule('contract.record', 'dedupe-2', at, 'contract:dedupe');
      expect(first.created).toBe(true);
      expect(second).toEqual({ id: first.id, created: false });
      await advance(2 * MINUTE);
      expect(keysRun('dedupe-')).toEqual(['dedupe-1']);
    });

    it('after downtime overdue jobs catch up in run_at order, and a push later than its maxLateMs is skipped', async () => {
      const now = t.app.clock.now();
      await schedule('contract.record', 'catchup-3', now + 30 * MINUTE);
      await schedule('contract.record', 'catchup-1', now + 10 * MINUTE);
      await schedule('contract.record', 'catchup-2', now + 20 * MINUTE);
      await schedule('contract.morning-push', 'late-push', now + 5 * MINUTE);
      // One jump of three hours, as after a process that was down: every instant is visited in order.
      await advance(3 * HOUR);
      expect(keysRun('catchup-')).toEqual(['catchup-1', 'catchup-2', 'catchup-3']);
      expect(keysRun('late-')).toEqual(['late-push']);
      // A timer found overdue beyond its maxLateMs (the clock moved without running it) is skipped.
      await t.app.jobs.schedule(t.app.dbHandle.db, 'ws_contract', { name: 'contract.morning-push', payload: { key: 'stale-push' }, runAt: t0 });
      await advance(MINUTE);
      expect(keysRun('stale-')).toEqual([]);
      const stale = await t.app.dbHandle.db.selectFrom('jobs').select('state').where('payload', 'like', '%stale-push%').executeTakeFirstOrThrow();
      expect(stale.state).toBe('skipped');
    });
  });
}
