import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from './rate-limiter.js';

describe('sliding-window rate limiter', () => {
  const perChat = { key: 'chat:1', limit: { count: 2, perMs: 1000 } };
  it('lets the limit through, then says exactly when the next slot opens', () => {
    const limiter = new SlidingWindowLimiter();
    expect(limiter.tryTake([perChat], 0)).toEqual({ ok: true });
    expect(limiter.tryTake([perChat], 100)).toEqual({ ok: true });
    expect(limiter.tryTake([perChat], 200)).toEqual({ ok: false, retryAt: 1000 });
    expect(limiter.tryTake([perChat], 1000)).toEqual({ ok: true });
  });
  it('a refusal by one limit takes no slot from the others', () => {
    const limiter = new SlidingWindowLimiter();
    const account = { key: 'acct:a', limit: { count: 10, perMs: 1000 } };
    limiter.tryTake([account, perChat], 0);
    limiter.tryTake([account, perChat], 0);
    expect(limiter.tryTake([account, perChat], 0).ok).toBe(false);
    for (let i = 0; i < 8; i++) expect(limiter.tryTake([account], 0).ok).toBe(true);
    expect(limiter.tryTake([account], 0).ok).toBe(false);
  });
  it('remembers sends recorded at boot', () => {
    const limiter = new SlidingWindowLimiter();
    limiter.record('chat:1', 500);
    limiter.record('chat:1', 400);
    expect(limiter.tryTake([perChat], 600)).toEqual({ ok: false, retryAt: 1400 });
  });
});
