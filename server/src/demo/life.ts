import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Db } from '../database.js';
import type { IngestOutcome } from '../kernel/events/pipeline.js';
import { defineJob, type JobDefinition, type ScheduleFn } from '../kernel/jobs/jobs.js';
import type { SimEvent } from '../platforms/simulator/schema.js';
import * as store from './store.js';
import { createRandom, lineFor, pickWeighted, SPEAK_WEIGHTS, type Model } from './world.js';

// Life in the demo world: a durable job that runs every simulated minute and,
// with a PRNG seeded by the world's seed and the tick's time, makes people
// join, leave and talk through the simulator, so the pipeline, the handlers
// and the live stream see ordinary traffic. It re-schedules itself at the next
// whole minute; the dedupe key is that minute, so two chains (a restart that
// schedules again) merge into one instead of doubling the traffic.

export const LIFE_JOB = 'demo.life';
export const TICK_MS = 60_000;

export type LifeDeps = {
  /** The simulator's world-side entry (no engine drain: the job runs inside the engine). */
  play(workspaceId: string, events: SimEvent[]): Promise<IngestOutcome[]>;
};

/** How busy the groups are at this local hour: quiet at night, busiest in the evening (DOMAIN §4 rhythm). */
export function activityAt(now: number, timeZone = 'Asia/Shanghai'): number {
  const hour = DateTime.fromMillis(now, { zone: timeZone }).hour;
  if (hour < 7) return 0.4;
  if (hour < 9) return 0.6;
  if (hour >= 19 && hour < 23) return 1.5;
  if (hour >= 23) return 0.4;
  return 1;
}

export function nextTickAt(now: number): number {
  return (Math.floor(now / TICK_MS) + 1) * TICK_MS;
}

export async function scheduleNextTick(schedule: ScheduleFn, db: Db, workspaceId: string, now: number): Promise<void> {
  const runAt = nextTickAt(now);
  await schedule(db, workspaceId, { name: LIFE_JOB, payload: {}, runAt, dedupeKey: `demo-life:${runAt}` });
}

/** What happens in one tick, decided by the PRNG and the world's current state. */
export async function planTick(db: Db, workspaceId: string, seed: number, at: number): Promise<SimEvent[]> {
  const random = createRandom((seed ^ Math.floor(at / TICK_MS)) >>> 0);
  const activity = activityAt(at);
  const events: SimEvent[] = [];
  const present = await store.countPeople(db, workspaceId, true);
  const absent = await store.countPeople(db, workspaceId, false);

  if (absent > 0 && random() < 0.6 * activity) {
    const person = await store.nthPerson(db, workspaceId, false, Math.floor(random() * absent));
    if (person && person.model !== 'spammer') {
      events.push({ type: 'join', chatId: person.chat_id, person: { id: person.person_id, name: person.name }, via: random() < 0.5 ? 'qr' : 'invite' });
      await store.setPresent(db, workspaceId, person.person_id, true);
      if (random() < 0.5) events.push({ type: 'message', chatId: person.chat_id, personId: person.person_id, text: lineFor(random, 'hello') });
    }
  }

  if (present > 0) {
    const byModel = await store.countPresentByModel(db, workspaceId);
    const weights = Object.fromEntries(Object.entries(SPEAK_WEIGHTS).filter(([model]) => (byModel.get(model) ?? 0) > 0)) as Record<Model, number>;
    const speakers = Object.keys(weights).length === 0 ? 0 : Math.round(4 * activity * (0.5 + random()));
    for (let i = 0; i < speakers; i++) {
      const model = pickWeighted(random, weights);
      const person = await store.nthPerson(db, workspaceId, true, Math.floor(random() * byModel.get(model)!), model);
      if (person) events.push({ type: 'message', chatId: person.chat_id, personId: person.person_id, text: lineFor(random, model) });
    }
    if (random() < 0.25 * activity) {
      const person = await store.nthPerson(db, workspaceId, true, Math.floor(random() * present));
      if (person && (person.model === 'leaver' || (person.model === 'lurker' && random() < 0.2))) {
        if (person.model === 'leaver' && random() < 0.5) events.push({ type: 'message', chatId: person.chat_id, personId: person.person_id, text: lineFor(random, 'leaver') });
        events.push({ type: 'leave', chatId: person.chat_id, personId: person.person_id });
        await store.setPresent(db, workspaceId, person.person_id, false);
      }
    }
  }
  return events;
}

export function demoLifeJob(deps: LifeDeps): JobDefinition<unknown> {
  return defineJob({
    name: LIFE_JOB,
    payload: z.object({}).strict(),
    maxAttempts: 3,
    backoffMs: TICK_MS,
    async run({ db, workspaceId, now, schedule }) {
      const world = await store.findWorld(db, workspaceId);
      if (!world) return; // the world was removed: the chain ends here
      // After downtime the tick plays once at `now`, not once per missed minute.
      const events = await planTick(db, workspaceId, world.seed, now);
      if (events.length > 0) await deps.play(workspaceId, events);
      await scheduleNextTick(schedule, db, workspaceId, now);
    },
  });
}
