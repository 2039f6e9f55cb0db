import { hostname } from 'node:os';
import pg from 'pg';
import { sql } from 'kysely';
import type { Db } from '../../database.js';
import type { Logger } from '../logger.js';

// Which worker processes are alive. Each one holds a session-level PostgreSQL
// advisory lock on its id over a connection of its own for as long as it
// lives; when the process dies (SIGKILL included) the connection closes and
// PostgreSQL drops the lock at once. Another process proves a worker dead by
// taking that lock inside a transaction — no heartbeat timeouts to tune, and a
// worker that is merely slow is never declared dead.

export type WorkerRole = 'api' | 'worker' | 'all';

/** The lock key of a worker id: one bigint from PostgreSQL's own string hash. */
const lockKey = (workerId: string) => sql`hashtextextended(${`qunyun-worker:${workerId}`}, 0)`;

/** PostgreSQL's wall time in ms: queue bookkeeping, never business time. */
export const dbWallMs = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export type Liveness = { close(): Promise<void> };

/** Registers this process as a live worker: the advisory lock first, then its row. */
export async function registerWorker(options: { db: Db; databaseUrl: string; workerId: string; role: WorkerRole; logger: Logger }): Promise<Liveness> {
  const client = new pg.Client({ connectionString: options.databaseUrl, keepAlive: true });
  await client.connect();
  client.on('error', (error) => options.logger.error({ err: error }, 'the liveness connection to PostgreSQL broke; this worker will be treated as gone'));
  await client.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`qunyun-worker:${options.workerId}`]);
  await options.db
    .insertInto('workers')
    .values({ id: options.workerId, role: options.role, host: hostname(), pid: process.pid, started_at: Number((await sql<{ ms: number }>`select ${dbWallMs} as ms`.execute(options.db)).rows[0]!.ms) })
    .execute();
  return {
    async close() {
      await options.db.deleteFrom('workers').where('id', '=', options.workerId).execute().catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** The marker a reaper puts on a dead worker's in-flight rows while it recovers them. */
export const reapMarker = (workerId: string) => `reap:${workerId}`;

/**
 * Finds dead workers and hands their in-flight actions to `me` (marked, so that
 * if `me` dies half-way its own reaper finds them) and their running jobs back
 * to pending. Returns the ids of the actions to recover.
 */
export async function reapDeadWorkers(db: Db, me: string): Promise<{ workers: string[]; actionIds: string[]; jobs: number }> {
  const others = await db.selectFrom('workers').select('id').where('id', '!=', me).execute();
  const reaped: string[] = [];
  let jobs = 0;
  for (const { id } of others) {
    const took = await db.transaction().execute(async (trx) => {
      const lock = await sql<{ dead: boolean }>`select pg_try_advisory_xact_lock(${lockKey(id)}) as dead`.execute(trx);
      if (!lock.rows[0]?.dead) return false;
      await trx
        .updateTable('actions')
        .set({ claimed_by: reapMarker(me) })
        .where('state', '=', 'sending')
        .where('claimed_by', 'in', [id, reapMarker(id)])
        .execute();
      const back = await trx
        .updateTable('jobs')
        .set({ state: 'pending', last_error: 'its worker stopped; run again', claimed_by: null, queued_at: null })
        .where('state', '=', 'running')
        .where('claimed_by', '=', id)
        .executeTakeFirst();
      jobs += Number(back.numUpdatedRows);
      await trx.deleteFrom('workers').where('id', '=', id).execute();
      return true;
    });
    if (took) reaped.push(id);
  }
  const rows = await db.selectFrom('actions').select('id').where('state', '=', 'sending').where('claimed_by', '=', reapMarker(me)).execute();
  return { workers: reaped, actionIds: rows.map((r) => r.id), jobs };
}
