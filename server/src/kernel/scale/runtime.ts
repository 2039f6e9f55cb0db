import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db } from '../../database.js';
import { sleepReal, startTicker, VirtualClock, monotonicMs, type Clock, type Ticker } from '../clock.js';
import { loadPersistedNow } from '../engine.js';
import type { JobRunner } from '../jobs/jobs.js';
import type { Logger } from '../logger.js';
import type { Dispatcher } from '../outbox/dispatcher.js';
import { LANES, toAction, type Lane } from '../outbox/outbox.js';
import { dbWallMs, reapDeadWorkers, registerWorker, type Liveness, type WorkerRole } from './liveness.js';

// Scale mode: PostgreSQL keeps every durable timer and the outbox; BullMQ on
// Redis carries the work that is due. One loop per worker process scans for due
// rows, claims them with FOR UPDATE SKIP LOCKED (so two scanners never hand out
// the same row) and adds one BullMQ job per row to the queue of its lane; the
// workers' BullMQ consumers run the job or dispatch the action. PostgreSQL stays
// the truth: a BullMQ job only names a row, and the row's conditional state
// change (pending → sending / running) decides who acts, so a job delivered
// twice (a stalled consumer, a queue lost with Redis) is harmless.

export const OUTBOX_QUEUES = Object.keys(LANES).map((lane) => `outbox.${lane}`) as `outbox.${Lane}`[];
export const JOBS_QUEUE = 'jobs';
const ALL_QUEUES = [...OUTBOX_QUEUES, JOBS_QUEUE];
const SCAN_BATCH = 500;
/** A row queued this long ago and still pending lost its BullMQ job (Redis restarted empty): queue it again. */
const REQUEUE_AFTER_MS = 30_000;

type QueuedRef = { id: string };

export type ScaleRuntimeOptions = {
  db: Db;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  role: WorkerRole;
  workerId: string;
  clock: Clock;
  logger: Logger;
  jobs: JobRunner;
  dispatcher: Dispatcher;
  /** Concurrent BullMQ jobs per queue in this process. */
  concurrency?: number;
  scanEveryMs?: number;
};

export type ScaleRuntime = {
  start(): Promise<void>;
  /** Waits until nothing is due, queued or in flight anywhere (the control API under a virtual clock). */
  drainAll(timeoutMs?: number): Promise<void>;
  redisUp(): Promise<boolean>;
  queueCounts(): Promise<Record<string, Record<string, number>>>;
  /** Graceful stop: no new work; in-flight jobs and sends finish; claims are released. */
  stop(): Promise<void>;
};

/** A Redis connection that reconnects forever with capped backoff (BullMQ requires maxRetriesPerRequest null). */
export function connectRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error, connection: name }, 'Redis unreachable; retrying with backoff');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ connection: name }, 'Redis is back');
    down = false;
  });
  return redis;
}

export function createScaleRuntime(options: ScaleRuntimeOptions): ScaleRuntime {
  const { db, clock, logger, jobs, dispatcher, workerId } = options;
  const isWorker = options.role !== 'api';
  const bullPrefix = `${options.prefix}:bull`;
  const producer = connectRedis(options.redisUrl, logger, `${workerId}:producer`);
  // Health and queue counts must answer fast when Redis is gone: their own connection, no offline queue.
  const probe = new Redis(options.redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 500, lazyConnect: false });
  probe.on('error', () => undefined);
  const queues = new Map(ALL_QUEUES.map((name) => [name, new Queue<QueuedRef>(name, { connection: producer, prefix: bullPrefix, skipWaitingForReady: true })]));
  for (const queue of queues.values()) queue.on('error', (error) => logger.debug({ err: error }, 'queue error'));
  const consumers: Worker<QueuedRef>[] = [];
  const consumerConnections: Redis[] = [];
  const tickers: Ticker[] = [];
  let liveness: Liveness | null = null;
  let redisEpoch: string | null = null;
  let stopping = false;

  async function refreshClock(): Promise<void> {
    // Under a virtual clock the API process moves time and persists it; workers follow.
    if (!(clock instanceof VirtualClock)) return;
    const persisted = await loadPersistedNow(db);
    if (persisted !== null && persisted > clock.now()) clock.set(persisted);
  }

  /** Claims due, unqueued rows with SKIP LOCKED and marks them queued, in one statement. */
  async function claimDueActions(now: number): Promise<{ id: string; lane: string }[]> {
    const result = await sql<{ id: string; lane: string }>`
      with due as (
        select id from actions
        where state = 'pending' and not_before <= ${now}
          and (queued_at is null or queued_at < ${dbWallMs} - ${REQUEUE_AFTER_MS})
        order by priority, not_before, created_at, id
        limit ${SCAN_BATCH}
        for update skip locked
      )
      update actions set queued_at = ${dbWallMs} from due where actions.id = due.id
      returning actions.id, actions.lane`.execute(db);
    return result.rows;
  }

  async function claimDueJobs(now: number): Promise<{ id: string }[]> {
    const result = await sql<{ id: string }>`
      with due as (
        select id from jobs
        where state = 'pending' and run_at <= ${now}
          and (queued_at is null or queued_at < ${dbWallMs} - ${REQUEUE_AFTER_MS})
        order by run_at, created_at, id
        limit ${SCAN_BATCH}
        for update skip locked
      )
      update jobs set queued_at = ${dbWallMs} from due where jobs.id = due.id
      returning jobs.id`.execute(db);
    return result.rows;
  }

  /** Gives rows back to the next scan when Redis refused them. */
  async function unqueue(table: 'actions' | 'jobs', ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable(table).set({ queued_at: null }).where('id', 'in', ids).where('state', '=', 'pending').execute().catch(() => undefined);
  }

  async function addAll(queueName: string, ids: string[]): Promise<void> {
    const queue = queues.get(queueName)!;
    // A fresh job id per hand-over: a row queued again after a loss must not be swallowed by BullMQ's dedupe.
    const stamp = Math.floor(monotonicMs() * 1000).toString(36);
    await queue.addBulk(ids.map((id) => ({ name: 'run', data: { id }, opts: { jobId: `${id}.${stamp}`, removeOnComplete: true, removeOnFail: 1000, attempts: 8, backoff: { type: 'exponential', delay: 250 } } })));
  }

  /**
   * Notices a Redis that came back empty (restarted without persistence, or
   * flushed): its marker key is gone. Every row handed to the lost queues goes
   * back to the scan at once instead of waiting out REQUEUE_AFTER_MS.
   */
  async function checkRedisEpoch(): Promise<void> {
    const key = `${options.prefix}:epoch`;
    const fresh = `${workerId}:${Math.floor(monotonicMs())}`;
    await producer.set(key, fresh, 'NX');
    const epoch = await producer.get(key);
    if (epoch === redisEpoch) return;
    if (epoch === fresh || redisEpoch !== null) {
      const actions = await db.updateTable('actions').set({ queued_at: null }).where('state', '=', 'pending').where('queued_at', 'is not', null).executeTakeFirst();
      const timers = await db.updateTable('jobs').set({ queued_at: null }).where('state', '=', 'pending').where('queued_at', 'is not', null).executeTakeFirst();
      const back = Number(actions.numUpdatedRows) + Number(timers.numUpdatedRows);
      if (back > 0) logger.warn({ rows: back }, 'Redis came back without its queues: queued rows go out again');
    }
    redisEpoch = epoch;
  }

  /** One scan: every due row goes to its queue. Returns how many rows were handed over. */
  async function scanOnce(): Promise<number> {
    await checkRedisEpoch();
    await refreshClock();
    const now = clock.now();
    let handed = 0;
    for (;;) {
      const actions = await claimDueActions(now);
      const byLane = new Map<string, string[]>();
      for (const row of actions) byLane.set(`outbox.${row.lane}`, [...(byLane.get(`outbox.${row.lane}`) ?? []), row.id]);
      for (const [queueName, ids] of byLane) {
        try {
          await addAll(queueName, ids);
        } catch (error) {
          await unqueue('actions', ids);
          throw error;
        }
      }
      const due = await claimDueJobs(now);
      try {
        await addAll(JOBS_QUEUE, due.map((r) => r.id));
      } catch (error) {
        await unqueue('jobs', due.map((r) => r.id));
        throw error;
      }
      handed += actions.length + due.length;
      if (actions.length < SCAN_BATCH && due.length < SCAN_BATCH) return handed;
    }
  }

  async function reap(): Promise<void> {
    const found = await reapDeadWorkers(db, workerId);
    if (found.actionIds.length === 0 && found.workers.length === 0) return;
    const rows = await db.selectFrom('actions').selectAll().where('id', 'in', found.actionIds.length ? found.actionIds : ['']).execute();
    const report = await dispatcher.recoverInFlight(rows.map(toAction));
    logger.warn({ deadWorkers: found.workers, jobsBack: found.jobs, ...report }, 'recovered the work of stopped workers');
  }

  function startConsumers(): void {
    const concurrency = options.concurrency ?? 16;
    for (const name of ALL_QUEUES) {
      const connection = connectRedis(options.redisUrl, logger, `${workerId}:${name}`);
      consumerConnections.push(connection);
      const consumer = new Worker<QueuedRef>(
        name,
        async (job: Job<QueuedRef>) => {
          await refreshClock();
          if (name === JOBS_QUEUE) await jobs.runById(job.data.id);
          else await dispatcher.dispatchById(job.data.id);
        },
        {
          connection,
          prefix: bullPrefix,
          concurrency,
          // A killed worker's jobs come back quickly; the row's state change keeps them from acting twice.
          lockDuration: 10_000,
          stalledInterval: 5_000,
          maxStalledCount: 100,
        },
      );
      consumer.on('error', (error) => logger.debug({ err: error, queue: name }, 'consumer error'));
      consumer.on('failed', (job, error) => logger.warn({ err: error, queue: name, ref: job?.data.id }, 'queued work failed; BullMQ retries it'));
      consumers.push(consumer);
    }
  }

  async function queueCounts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, queue] of queues) out[name] = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    return out;
  }

  async function redisUp(): Promise<boolean> {
    try {
      const answer = await Promise.race([probe.ping(), sleepReal(1_000).then(() => 'timeout')]);
      return answer === 'PONG';
    } catch {
      return false;
    }
  }

  return {
    async start() {
      if (!isWorker) return;
      liveness = await registerWorker({ db, databaseUrl: options.databaseUrl, workerId, role: options.role, logger });
      await reap().catch((error: unknown) => logger.warn({ err: error }, 'reaping stopped workers failed'));
      startConsumers();
      const every = options.scanEveryMs ?? 100;
      tickers.push(
        startTicker(every, async () => {
          if (stopping) return;
          await scanOnce().catch((error: unknown) => logger.warn({ err: error }, 'due-work scan failed; next tick retries'));
        }),
      );
      tickers.push(
        startTicker(1_000, async () => {
          if (stopping) return;
          await reap().catch((error: unknown) => logger.warn({ err: error }, 'reaping stopped workers failed'));
        }),
      );
    },

    async drainAll(timeoutMs = 120_000) {
      const deadline = monotonicMs() + timeoutMs;
      let quiet = 0;
      for (;;) {
        const now = clock.now();
        const dueActions = await db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').where('not_before', '<=', now).executeTakeFirstOrThrow();
        const inFlight = await db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'sending').executeTakeFirstOrThrow();
        const dueJobs = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where((eb) => eb.or([eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', now)]), eb('state', '=', 'running')])).executeTakeFirstOrThrow();
        const counts = await queueCounts();
        const queued = Object.values(counts).reduce((sum, c) => sum + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), 0);
        const busy = Number(dueActions.n) + Number(inFlight.n) + Number(dueJobs.n) + queued;
        // Twice quiet in a row: a consumer may be between finishing one job and its scan finding the next.
        quiet = busy === 0 ? quiet + 1 : 0;
        if (quiet >= 2) return;
        if (monotonicMs() > deadline) throw new Error(`queues did not drain within ${timeoutMs} ms (${busy} due, queued or in flight); are workers running?`);
        await sleepReal(busy === 0 ? 30 : 15);
      }
    },

    redisUp,
    queueCounts,

    async stop() {
      stopping = true;
      for (const ticker of tickers) ticker.stop();
      // close() waits for the jobs in progress: a send under way finishes and is recorded.
      await Promise.all(consumers.map((c) => c.close()));
      for (const connection of consumerConnections) connection.disconnect();
      await liveness?.close();
      for (const queue of queues.values()) await queue.close().catch(() => undefined);
      producer.disconnect();
      probe.disconnect();
    },
  };
}
