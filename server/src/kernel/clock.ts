// Every piece of business time goes through a Clock. This is the only file
// that reads the machine's time or arms timers; everything else asks clock.now()
// or uses the tickers below.

export type ClockMode = 'real' | 'virtual' | 'accelerated';

export interface Clock {
  readonly mode: ClockMode;
  now(): number;
}

export class RealClock implements Clock {
  readonly mode = 'real' as const;
  now(): number {
    return Date.now();
  }
}

/** Time that moves only when told to, and never backwards. */
export class VirtualClock implements Clock {
  readonly mode = 'virtual' as const;
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves to `to`; refuses to go back. */
  set(to: number): void {
    if (!Number.isFinite(to)) throw new RangeError('clock time must be finite');
    if (to < this.#now) throw new RangeError(`clock never goes back (${to} < ${this.#now})`);
    this.#now = to;
  }
}

/** Real time multiplied by `rate` from `start` (demo: a day in minutes). */
export class AcceleratedClock implements Clock {
  readonly mode = 'accelerated' as const;
  readonly #start: number;
  readonly #rate: number;
  readonly #anchor = performance.now();

  constructor(start: number, rate: number) {
    this.#start = start;
    this.#rate = rate;
  }

  now(): number {
    return Math.floor(this.#start + (performance.now() - this.#anchor) * this.#rate);
  }
}

/** Machine time for measuring durations (latency metrics, timeouts of I/O), never business time. */
export function monotonicMs(): number {
  return performance.now();
}

export type Ticker = { stop(): void };

/** Calls `fn` every `intervalMs` of real time; never overlaps itself. */
export function startTicker(intervalMs: number, fn: () => Promise<void> | void): Ticker {
  let running = false;
  const handle = setInterval(() => {
    if (running) return;
    running = true;
    Promise.resolve()
      .then(fn)
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  handle.unref();
  return { stop: () => clearInterval(handle) };
}

/** Waits `ms` of real time (I/O back-off, not business timing). */
export function sleepReal(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `fn` on the next turn of the event loop. */
export function onNextTurn(fn: () => void): void {
  setImmediate(fn);
}
