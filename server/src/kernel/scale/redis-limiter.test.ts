import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisKeyPrefix } from '../../../test/support/services.js';
import { dropRedisPrefix, scaleServicesUp, TEST_REDIS_URL } from '../../../test/support/scale.js';
import { createRedisLimiter } from './redis-limiter.js';

// The Redis limiter must answer exactly like the embedded sliding window
// (rate-limiter.test.ts), and hold when several processes race for the last slot.

const up = await scaleServicesUp('Redis rate limiter');
const prefix = redisKeyPrefix().slice(0, -1);
const connections: Redis[] = [];
const connect = () => {
  const redis = new Redis(TEST_REDIS_URL);
  connections.push(redis);
  return redis;
};
afterAll(async () => {
  if (up) await dropRedisPrefix(prefix);
  for (const redis of connections) redis.disconnect();
});

describe('Redis sliding-window limiter', () => {
  const perChat = (id: string) => ({ key: `chat:${id}`, limit: { count: 2, perMs: 1000 } });

  it.skipIf(!up)('lets the limit through, then says exactly when the next slot opens', async () => {
    const limiter = createRedisLimiter(connect(), { prefix, workerId: 'w1' });
    const chat = perChat('exact');
    expect(await limiter.tryTake([chat], 0)).toEqual({ ok: true });
    expect(await limiter.tryTake([chat], 100)).toEqual({ ok: true });
    expect(await limiter.tryTake([chat], 200)).toEqual({ ok: false, retryAt: 1000 });
    expect(await limiter.tryTake([chat], 1000)).toEqual({ ok: true });
  });

  it.skipIf(!up)('a refusal by one limit takes no slot from the others', async () => {
    const limiter = createRedisLimiter(connect(), { prefix, workerId: 'w1' });
    const chat = perChat('all-or-none');
    const account = { key: 'acct:all-or-none', limit: { count: 10, perMs: 1000 } };
    await limiter.tryTake([account, chat], 0);
    await limiter.tryTake([account, chat], 0);
    expect((await limiter.tryTake([account, chat], 0)).ok).toBe(false);
    for (let i = 0; i < 8; i++) expect((await limiter.tryTake([account], 0)).ok).toBe(true);
    expect((await limiter.tryTake([account], 0)).ok).toBe(false);
  });

  it.skipIf(!up)('three processes racing for 50 slots get exactly 50 between them', async () => {
    const limiters = ['w1', 'w2', 'w3'].map((workerId) => createRedisLimiter(connect(), { prefix, workerId }));
    const account = { key: 'acct:race', limit: { count: 50, perMs: 60_000 } };
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => limiters[i % 3]!.tryTake([account], 5_000)));
    expect(answers.filter((a) => a.ok)).toHaveLength(50);
    expect(answers.filter((a) => !a.ok).every((a) => !a.ok && a.retryAt === 65_000)).toBe(true);
  });
});
