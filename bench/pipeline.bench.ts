import { performance } from 'node:perf_hooks';
import type { Dialect } from '../server/src/kernel/db/db.js';
import { benchDialects, round, runChild, startEmbedded } from './support/embedded.js';
import { measureScale, scaleUp } from './support/scale.js';

// Pipeline throughput: simulator message events → ingest (validate, dedupe,
// event log, projections) → a rule puts one send per message in the outbox →
// dispatcher → simulator adapter → delivery record (action `sent` plus the
// group's transcript line). Embedded SQLite and embedded PostgreSQL, each in
// its own child process, on the virtual clock: the simulator's per-account
// limit (100 sends/s) is honoured in virtual time by moving the clock one
// second after each batch of 100, so the figure is the pipeline's own cost.

const EVENTS = Number(process.env.BENCH_PIPELINE_EVENTS ?? 6_000);
const SCALE_EVENTS = Number(process.env.BENCH_PIPELINE_SCALE_EVENTS ?? EVENTS);
const BATCH = 100;
const GROUPS = 20;

export type Figures = { events: number; seconds: number; eventsPerSecond: number; ingestOnlyEventsPerSecond: number; sent: number };

async function measure(dialect: Dialect): Promise<Figures> {
  const server = await startEmbedded(dialect, 'virtual');
  try {
    const chats: string[] = [];
    for (let g = 0; g < GROUPS; g++) {
      const people = Array.from({ length: 5 }, (_, i) => ({ id: `p-${g}-${i}`, name: `成员 ${g}-${i}` }));
      const group = await server.api<{ chatId: string }>('POST', '/api/v1/sim/groups', { name: `压测群 ${g}`, people });
      if (group.status !== 201) throw new Error(`sim group: ${group.status} ${JSON.stringify(group.body)}`);
      chats.push(group.body.chatId);
    }
    const batches = Math.ceil(EVENTS / BATCH);
    let ingestMs = 0;
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const events = Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        const g = n % GROUPS;
        return { type: 'message', chatId: chats[g], personId: `p-${g}-${n % 5}`, text: `bench ${n} 你好`, id: `m-${n}` };
      });
      const t0 = performance.now();
      const applied = await server.api<{ applied: number }>('POST', '/api/v1/sim/events', { events });
      ingestMs += performance.now() - t0;
      if (applied.status !== 200) throw new Error(`sim events: ${applied.status} ${JSON.stringify(applied.body)}`);
      await server.api('POST', '/api/v1/sim/clock', { advanceMs: 1_001 });
    }
    // Whatever a limit held back goes out as virtual time passes.
    await server.api('POST', '/api/v1/sim/clock', { advanceMs: 60_000 });
    const seconds = (performance.now() - started) / 1000;
    const sent = await server.app.dbHandle.db
      .selectFrom('actions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'sent')
      .where('cause', '=', 'bench')
      .executeTakeFirstOrThrow();
    const total = batches * BATCH;
    if (Number(sent.n) !== total) throw new Error(`only ${sent.n} of ${total} replies were sent`);
    return { events: total, seconds: round(seconds, 2), eventsPerSecond: round(total / seconds, 0), ingestOnlyEventsPerSecond: round(total / (ingestMs / 1000), 0), sent: Number(sent.n) };
  } finally {
    await server.close();
  }
}

const own = process.env.BENCH_DIALECT as Dialect | undefined;
if (own) {
  console.log(JSON.stringify(await measure(own)));
} else {
  const figures: Record<string, unknown> = {};
  for (const dialect of await benchDialects()) figures[`embedded-${dialect}`] = await runChild<Figures>(import.meta.url, dialect);
  const scale = await scaleUp();
  for (const workers of [1, 3]) {
    figures[`postgres-redis-${workers}-worker${workers === 1 ? '' : 's'}`] = scale ? await measureScale({ workers, events: SCALE_EVENTS, batch: BATCH, groups: GROUPS }) : 'PostgreSQL or Redis not reachable';
  }
  console.log(
    JSON.stringify({
      figures,
      notes: [
        `events/s from the first simulator event posted to the last reply recorded as sent (${EVENTS} message events in batches of ${BATCH} over ${GROUPS} groups, one reply each, virtual clock moved 1 s per batch so the simulator's 100 sends/s per account hold in virtual time). ingestOnlyEventsPerSecond: the POST /api/v1/sim/events calls alone (ingest plus the drain each call runs).`,
        `PostgreSQL + Redis, 1 and 3 workers (scale mode): 1 API process + N worker processes (bench/support/scale-role.ts: buildApp with role api|worker plus the benchmark rule), each its own Node process, on a fresh PostgreSQL database and a unique Redis prefix, real clock. The API process ingests ${SCALE_EVENTS} message events of the same shape (batches of ${BATCH}, one after another, over ${GROUPS} simulated groups) through app.pipeline.ingest, posted to a loopback port of its own as a platform webhook would (POST /api/v1/sim/events drains after every event, and in scale mode a drain waits for the workers, which would time the route, not the pipeline). Its rule puts one send per message in the outbox for a relay connector (limits 10,000/chat/s, 100,000/account/s) whose peer is the counting peer in its own process (with the real clock the simulator's 20/s per chat and 100/s per account would cap the figure); the workers claim the sends and deliver them. eventsPerSecond: first event posted to last reply recorded as sent (polled every 50 ms); ingestOnlyEventsPerSecond: the ingest calls alone. All processes share the machine's cores.`,
        'Goal for later work: 5,000 msgs/s sustained through the embedded pipeline on 2 cores.',
      ],
    }),
  );
}
