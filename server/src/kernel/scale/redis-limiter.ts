import type { Redis } from 'ioredis';
import type { LimitCheck } from '../outbox/rate-limiter.js';
import type { SharedLimiter } from '../outbox/dispatcher.js';

// Per-sending-account and per-chat limits shared by every worker process.
// BullMQ's open-source limiter is per queue, so the dispatcher owns these: a
// sliding-window log per key (a sorted set of send times) checked and taken in
// one Lua script, so two processes can never both take the last slot. The
// semantics are those of the embedded SlidingWindowLimiter: a slot taken at t
// frees at t + window; when any key is full, nothing is taken and the answer is
// the earliest time all keys have room. Times are the Clock's, so a virtual
// clock stays deterministic. Keys live under the run's prefix.

const SLIDING_WINDOW_TAKE = `
local now = tonumber(ARGV[1])
local member = ARGV[2]
local retryAt = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(ARGV[1 + i * 2])
  local window = tonumber(ARGV[2 + i * 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= count then
    local entry = redis.call('ZRANGE', key, n - count, n - count, 'WITHSCORES')
    local at = tonumber(entry[2]) + window
    if at > retryAt then retryAt = at end
  end
end
if retryAt > 0 then return retryAt end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 + i * 2]) + 1000)
end
return 0
`;

export function createRedisLimiter(redis: Redis, options: { prefix: string; workerId: string }): SharedLimiter {
  let seq = 0;
  return {
    async tryTake(checks: readonly LimitCheck[], now: number) {
      const keys = checks.map((c) => `${options.prefix}:rl:${c.key}`);
      const args: (string | number)[] = [now, `${now}:${options.workerId}:${++seq}`];
      for (const { limit } of checks) args.push(limit.count, limit.perMs);
      const answer = Number(await redis.eval(SLIDING_WINDOW_TAKE, keys.length, ...keys, ...args));
      return answer > 0 ? { ok: false as const, retryAt: answer } : { ok: true as const };
    },
  };
}
