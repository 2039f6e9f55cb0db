import { isPostgresUp, isRedisUp, isRequired, REDIS_HOST, REDIS_PORT } from './services.js';

// Scale-mode suites need PostgreSQL and Redis together. Where CI requires them
// a missing one fails the run; elsewhere the suite is skipped with a notice.

export const TEST_REDIS_URL = process.env.QUNYUN_TEST_REDIS_URL ?? `redis://${REDIS_HOST}:${REDIS_PORT}`;

export async function scaleServicesUp(suite: string): Promise<boolean> {
  const [postgres, redis] = [await isPostgresUp(), await isRedisUp()];
  if (postgres && redis) return true;
  const missing = [!postgres && 'postgres', !redis && 'redis'].filter((s): s is string => typeof s === 'string');
  for (const service of missing) {
    if (isRequired(service as 'postgres' | 'redis')) throw new Error(`${suite}: ${service} is required (QUNYUN_REQUIRE_SERVICES) but not reachable`);
  }
  process.stderr.write(`\n!!! ${suite}: SKIPPED, ${missing.join(' and ')} not reachable (CI requires them).\n\n`);
  return false;
}

/** Removes every key a test run wrote under its prefix from the shared Redis. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
