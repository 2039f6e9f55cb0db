import type { Db } from '../database.js';
import { startTicker, onNextTurn, VirtualClock, type Clock, type Ticker } from './clock.js';
import type { Logger } from './logger.js';
import type { Dispatcher } from './outbox/dispatcher.js';
import type { JobRunner } from './jobs/jobs.js';

// The engine owns the work loop: due jobs, then due actions, until nothing is
// due at the clock's "now". Under a virtual clock, advance(to) steps through
// every due instant in time order, so 21 days take milliseconds and produce
// the same result every run.

const CLOCK_ROW = 'main';
const MAX_STEPS = 1_000_000;

export type Engine = {
  drain(): Promise<void>;
  /** Coalesced: schedules one drain on the next turn. */
  kick(): void;
  advance(to: number): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export type EngineOptions = {
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobRunner;
  dispatcher: Dispatcher;
  tickMs?: number;
  onAfterRecover?: () => Promise<void>;
  /**
   * Scale mode: due work runs in worker processes, and draining means waiting
   * for their queues to empty. Replaces the in-process run of jobs and actions.
   */
  drainElsewhere?: () => Promise<void>;
};

/** Reads the persisted clock; a restart never moves a virtual or accelerated clock back. */
export async function loadPersistedNow(db: Db): Promise<number | null> {
  const row = await db.selectFrom('clock_state').select('now').where('id', '=', CLOCK_ROW).executeTakeFirst();
  return row ? Number(row.now) : null;
}

export async function persistNow(db: Db, now: number): Promise<void> {
  await db
    .insertInto('clock_state')
    .values({ id: CLOCK_ROW, now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ now }))
    .execute();
}

export function createEngine(options: EngineOptions): Engine {
  const { db, clock, logger, jobs, dispatcher } = options;
  let chain: Promise<unknown> = Promise.resolve();
  let kicked = false;
  let ticker: Ticker | null = null;
  let stopped = false;

  /** Runs `fn` after everything queued before it; one piece of work at a time. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  }

  async function drainNow(): Promise<void> {
    if (options.drainElsewhere) return options.drainElsewhere();
    for (let round = 0; round < 10_000; round++) {
      const ran = await jobs.runDue();
      const sent = await dispatcher.dispatchDue();
      if (ran === 0 && sent === 0) return;
    }
    logger.warn('drain stopped after 10,000 rounds: work keeps making due work');
  }

  return {
    drain: () => serial(drainNow),

    kick() {
      if (kicked || stopped) return;
      kicked = true;
      onNextTurn(() => {
        kicked = false;
        serial(drainNow).catch((error: unknown) => logger.error({ err: error }, 'drain failed'));
      });
    },

    advance(to) {
      return serial(async () => {
        if (!(clock instanceof VirtualClock)) throw new Error('advance needs the virtual clock');
        if (to < clock.now()) throw new RangeError('clock never goes back');
        for (let step = 0; step < MAX_STEPS; step++) {
          await drainNow();
          const candidates = [await jobs.nextDueAt(), await dispatcher.nextDueAt()].filter((t): t is number => t !== null);
          const next = candidates.length ? Math.min(...candidates) : null;
          if (next === null || next > to) break;
          if (next > clock.now()) {
            clock.set(next);
            await persistNow(db, next);
          } else {
            // Due now but nothing ran: only possible if work is stuck; stop rather than spin.
            break;
          }
        }
        clock.set(to);
        await persistNow(db, to);
        await drainNow();
        return clock.now();
      });
    },

    async start() {
      await serial(async () => {
        const jobsBack = await jobs.recover();
        const report = await dispatcher.recover();
        await dispatcher.seedLimiter();
        if (jobsBack > 0) logger.warn({ jobs: jobsBack }, 'jobs interrupted by a stop will run again');
        logger.info({ ...report }, 'engine recovered');
        await options.onAfterRecover?.();
      });
      const tickMs = options.tickMs ?? 200;
      ticker = startTicker(tickMs, async () => {
        await serial(async () => {
          if (clock.mode === 'accelerated') await persistNow(db, clock.now());
          await drainNow();
        });
      });
      this.kick();
    },

    async stop() {
      stopped = true;
      ticker?.stop();
      await serial(async () => undefined);
    },
  };
}
