import type { z } from 'zod';
import type { Db } from '../../database.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import { toJson } from '../json.js';
import type { Logger } from '../logger.js';

// Durable timers. Every delayed piece of work (an SOP step, a journey wait, a
// broadcast, a retention sweep) is a row with a run_at, in the database in
// every mode, so the same code runs under a virtual clock, survives restarts
// and catches up after downtime.
//
// Catch-up policy: after downtime, overdue jobs run in run_at order as soon as
// the process is back. A job kind may set `maxLateMs`: a job later than that
// is marked `skipped` instead (a "good morning" push three days late helps no
// one). Jobs caught `running` by a crash run again (at least once); handlers
// make their effects idempotent through outbox keys and ledger keys.

export const SYSTEM_WORKSPACE = '_system';

export type JobContext<P> = {
  db: Db;
  workspaceId: string;
  payload: P;
  scheduledAt: number;
  now: number;
  logger: Logger;
  schedule: ScheduleFn;
};

export type JobDefinition<P = unknown> = {
  name: string;
  payload: z.ZodType<P>;
  maxAttempts?: number;
  backoffMs?: number;
  maxLateMs?: number;
  run(ctx: JobContext<P>): Promise<void>;
};

export type ScheduleRequest = { name: string; payload: unknown; runAt: number; dedupeKey?: string };
export type ScheduleFn = (db: Db, workspaceId: string, request: ScheduleRequest) => Promise<{ id: string; created: boolean }>;

/** Keeps a typed job definition while erasing its payload type for the catalog. */
export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<unknown> {
  return definition as JobDefinition<unknown>;
}

export type JobRunner = {
  schedule: ScheduleFn;
  runDue(): Promise<number>;
  nextDueAt(): Promise<number | null>;
  recover(): Promise<number>;
  counts(): Promise<Record<string, number>>;
  /** Runs one job if it is still pending and due (scale mode: a queued BullMQ job names it). */
  runById(id: string): Promise<'ran' | 'not_due' | 'not_pending'>;
  /** Jobs a dead worker left `running` run again (at least once). */
  recoverClaimedBy(workerId: string): Promise<number>;
};

export type JobRunnerOptions = {
  db: Db;
  clock: Clock;
  logger: Logger;
  catalog: readonly JobDefinition<unknown>[];
  /** The worker process that claims jobs (scale mode). */
  workerId?: string;
};

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, clock, logger } = options;
  const catalog = new Map<string, JobDefinition<unknown>>();
  for (const job of options.catalog) {
    if (catalog.has(job.name)) throw new Error(`job ${job.name} has two handlers`);
    catalog.set(job.name, job);
  }

  const schedule: ScheduleFn = async (target, workspaceId, request) => {
    const job = catalog.get(request.name);
    if (!job) throw new Error(`no handler for job ${request.name}`);
    const payload = job.payload.parse(request.payload);
    const id = newId('job');
    const inserted = await target
      .insertInto('jobs')
      .values({
        id,
        workspace_id: workspaceId,
        name: request.name,
        payload: toJson(payload),
        run_at: request.runAt,
        state: 'pending',
        attempts: 0,
        max_attempts: job.maxAttempts ?? 5,
        dedupe_key: request.dedupeKey ?? id,
        last_error: null,
        created_at: clock.now(),
        finished_at: null,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, created: true };
    const existing = await target
      .selectFrom('jobs')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('dedupe_key', '=', request.dedupeKey ?? id)
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  };

  async function runOne(row: { id: string; workspace_id: string; name: string; payload: string; run_at: number; attempts: number; max_attempts: number }): Promise<void> {
    const now = clock.now();
    const job = catalog.get(row.name);
    const claimed = await db
      .updateTable('jobs')
      .set({ state: 'running', attempts: row.attempts + 1, claimed_by: options.workerId ?? null })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;
    if (!job) {
      await db.updateTable('jobs').set({ state: 'failed', last_error: 'no handler', finished_at: now }).where('id', '=', row.id).execute();
      return;
    }
    if (job.maxLateMs !== undefined && now - row.run_at > job.maxLateMs) {
      await db.updateTable('jobs').set({ state: 'skipped', last_error: `late by ${now - row.run_at} ms`, finished_at: now }).where('id', '=', row.id).execute();
      return;
    }
    try {
      const payload = job.payload.parse(JSON.parse(row.payload));
      await job.run({ db, workspaceId: row.workspace_id, payload, scheduledAt: row.run_at, now, logger, schedule });
      await db.updateTable('jobs').set({ state: 'done', finished_at: clock.now(), last_error: null }).where('id', '=', row.id).execute();
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
      logger.error({ err: error, job: row.name, jobId: row.id }, 'job failed');
      if (attempts >= row.max_attempts) {
        await db.updateTable('jobs').set({ state: 'failed', last_error: message, finished_at: clock.now() }).where('id', '=', row.id).execute();
      } else {
        const backoff = (job.backoffMs ?? 30_000) * 2 ** (attempts - 1);
        await db.updateTable('jobs').set({ state: 'pending', run_at: clock.now() + backoff, last_error: message, queued_at: null, claimed_by: null }).where('id', '=', row.id).execute();
      }
    }
  }

  return {
    schedule,

    async runDue() {
      let ran = 0;
      for (;;) {
        const due = await db
          .selectFrom('jobs')
          .select(['id', 'workspace_id', 'name', 'payload', 'run_at', 'attempts', 'max_attempts'])
          .where('state', '=', 'pending')
          .where('run_at', '<=', clock.now())
          .orderBy('run_at')
          .orderBy('created_at')
          .orderBy('id')
          .limit(100)
          .execute();
        if (due.length === 0) return ran;
        for (const row of due) {
          await runOne(row);
          ran++;
        }
      }
    },

    async nextDueAt() {
      const row = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.min<number>('run_at').as('at'))
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return row?.at === null || row?.at === undefined ? null : Number(row.at);
    },

    async recover() {
      const result = await db.updateTable('jobs').set({ state: 'pending', last_error: 'interrupted; run again' }).where('state', '=', 'running').executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async runById(id) {
      const row = await db
        .selectFrom('jobs')
        .select(['id', 'workspace_id', 'name', 'payload', 'run_at', 'attempts', 'max_attempts', 'state'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row || row.state !== 'pending') return 'not_pending';
      if (row.run_at > clock.now()) {
        await db.updateTable('jobs').set({ queued_at: null }).where('id', '=', id).where('state', '=', 'pending').execute();
        return 'not_due';
      }
      await runOne(row);
      return 'ran';
    },

    async recoverClaimedBy(workerId) {
      const result = await db
        .updateTable('jobs')
        .set({ state: 'pending', last_error: 'its worker stopped; run again', claimed_by: null, queued_at: null })
        .where('state', '=', 'running')
        .where('claimed_by', '=', workerId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async counts() {
      const rows = await db.selectFrom('jobs').select(['state', db.fn.countAll<number>().as('n')]).groupBy('state').execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}
