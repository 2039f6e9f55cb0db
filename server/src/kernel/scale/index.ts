import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../../database.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { newId } from '../ids.js';
import type { JobRunner } from '../jobs/jobs.js';
import type { Logger } from '../logger.js';
import type { Dispatcher, SharedLimiter } from '../outbox/dispatcher.js';
import type { WorkerRole } from './liveness.js';
import { createRedisLimiter } from './redis-limiter.js';
import { connectRedis, createScaleRuntime, type ScaleRuntime } from './runtime.js';

export type { WorkerRole } from './liveness.js';
export type { ScaleRuntime } from './runtime.js';

/** What the composition root needs from scale mode, in the order it wires things. */
export type ScaleMode = {
  role: WorkerRole;
  /** This process, as the claimer of actions and jobs. */
  workerId: string;
  limiter: SharedLimiter;
  runtime(deps: { db: Db; clock: Clock; jobs: JobRunner; dispatcher: Dispatcher }): ScaleRuntime;
  /** A worker-only process answers /healthz and /metrics; the API lives in api processes. */
  restrictHttp(http: FastifyInstance): void;
  close(): Promise<void>;
};

const WORKER_PATHS = new Set(['/healthz', '/metrics']);

export function createScale(options: { config: Config; logger: Logger; role: WorkerRole }): ScaleMode {
  const { config, logger, role } = options;
  if (!config.redisUrl || !config.databaseUrl) throw new Error('scale mode needs REDIS_URL and DATABASE_URL');
  const redisUrl = config.redisUrl;
  const databaseUrl = config.databaseUrl;
  const workerId = newId(`wrk_${role}`);
  const limiterRedis: Redis = connectRedis(redisUrl, logger, `${workerId}:limiter`);
  return {
    role,
    workerId,
    limiter: createRedisLimiter(limiterRedis, { prefix: config.redisPrefix, workerId }),
    runtime: (deps) => createScaleRuntime({ ...deps, logger, databaseUrl, redisUrl, prefix: config.redisPrefix, role, workerId }),
    restrictHttp(http) {
      if (role !== 'worker') return;
      http.addHook('onRequest', async (request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        if (!WORKER_PATHS.has(path)) return reply.status(404).send({ code: 'not_found', message: { zh: '工作进程只提供 /healthz 和 /metrics', en: 'a worker process serves only /healthz and /metrics' } });
      });
    },
    async close() {
      limiterRedis.disconnect();
    },
  };
}

/** Due, unsent actions by lane: the depth of each priority lane. */
export async function countDueByLane(db: Db, now: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('actions')
    .select(['lane', db.fn.countAll<number>().as('n')])
    .where('state', '=', 'pending')
    .where('not_before', '<=', now)
    .groupBy('lane')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.lane, Number(r.n)]));
}
