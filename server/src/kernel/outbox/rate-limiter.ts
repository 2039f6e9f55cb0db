import type { RateLimit } from '../../platforms/platform.js';

// A sliding-window log per key (sending account, chat), on the Clock's time so
// that a virtual clock makes it deterministic. Seeded at boot from the delivery
// records, so a restart does not forget what was just sent. Scale mode
// replaces it with a Redis-backed limiter shared by every process.

export type LimitCheck = { key: string; limit: RateLimit };

export class SlidingWindowLimiter {
  readonly #log = new Map<string, number[]>();

  /** Takes one slot under every limit, or none and says when to retry. */
  tryTake(checks: readonly LimitCheck[], now: number): { ok: true } | { ok: false; retryAt: number } {
    let retryAt = 0;
    for (const { key, limit } of checks) {
      const times = this.#prune(key, now, limit.perMs);
      if (times.length >= limit.count) retryAt = Math.max(retryAt, times[times.length - limit.count]! + limit.perMs);
    }
    if (retryAt > 0) return { ok: false, retryAt };
    for (const { key } of checks) this.#times(key).push(now);
    return { ok: true };
  }

  /** Records a past send (boot-time seeding). */
  record(key: string, at: number): void {
    const times = this.#times(key);
    times.push(at);
    times.sort((a, b) => a - b);
  }

  #times(key: string): number[] {
    let times = this.#log.get(key);
    if (!times) this.#log.set(key, (times = []));
    return times;
  }

  #prune(key: string, now: number, windowMs: number): number[] {
    const times = this.#times(key);
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    return times;
  }
}
