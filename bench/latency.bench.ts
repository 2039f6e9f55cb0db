import { performance } from 'node:perf_hooks';
import type { Dialect } from '../server/src/kernel/db/db.js';
import { benchDialects, percentile, round, runChild, SHARED_MACHINE_NOTE, startEmbedded } from './support/embedded.js';

// Decision latency at a fixed offered load, on the real clock: simulator
// message events arrive open-loop at RATE per second (each posted on its own
// schedule, whether or not the previous one is done); for each we take the
// moment it was posted, the moment its reply entered the outbox (the action's
// created_at) and the moment the delivery record says sent (sent_at). The
// load stays under the simulator's limits (20 sends/s per chat, 100/s per
// account), so no send waits for a rate-limit slot.

const RATE = Number(process.env.BENCH_LATENCY_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const GROUPS = 20;

type Figures = {
  offeredPerSecond: number;
  events: number;
  achievedPerSecond: number;
  toOutboxMs: { p50: number; p90: number; p99: number; max: number };
  toDeliveryMs: { p50: number; p90: number; p99: number; max: number };
};

const epochNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(dialect: Dialect): Promise<Figures> {
  const server = await startEmbedded(dialect, 'real');
  try {
    const connector = await server.api('POST', '/api/v1/connectors', { platform: 'simulator', name: 'bench' });
    if (connector.status !== 201) throw new Error(`connector: ${connector.status} ${JSON.stringify(connector.body)}`);
    const chats: string[] = [];
    for (let g = 0; g < GROUPS; g++) {
      const group = await server.api<{ chatId: string }>('POST', '/api/v1/sim/groups', { name: `延迟群 ${g}`, people: [{ id: `p-${g}`, name: `成员 ${g}` }] });
      if (group.status !== 201) throw new Error(`sim group: ${group.status} ${JSON.stringify(group.body)}`);
      chats.push(group.body.chatId);
    }
    // Warm-up, not measured: the first queries of each kind compile and plan.
    for (let i = 0; i < 50; i++) await server.api('POST', '/api/v1/sim/events', { events: [{ type: 'message', chatId: chats[i % GROUPS], personId: `p-${i % GROUPS}`, text: `warm ${i}` }] });

    const total = RATE * SECONDS;
    const postedAt = new Map<number, number>();
    const inFlight: Promise<unknown>[] = [];
    const start = epochNow();
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / RATE;
      const wait = due - epochNow();
      if (wait > 0) await sleep(wait);
      const g = n % GROUPS;
      postedAt.set(n, epochNow());
      inFlight.push(server.api('POST', '/api/v1/sim/events', { events: [{ type: 'message', chatId: chats[g], personId: `p-${g}`, text: `bench ${n}`, id: `m-${n}` }] }));
    }
    await Promise.all(inFlight);
    const elapsed = (epochNow() - start) / 1000;
    await server.app.engine.drain();

    const rows = await server.app.dbHandle.db.selectFrom('actions').select(['body', 'created_at', 'sent_at', 'state']).where('cause', '=', 'bench').execute();
    const toOutbox: number[] = [];
    const toDelivery: number[] = [];
    for (const row of rows) {
      const text = (JSON.parse(row.body) as { message?: { text?: string } }).message?.text ?? '';
      const n = Number(/bench (\d+)/.exec(text)?.[1]);
      const posted = postedAt.get(n);
      if (posted === undefined || row.state !== 'sent' || row.sent_at === null) continue;
      toOutbox.push(Math.max(0, Number(row.created_at) - posted));
      toDelivery.push(Math.max(0, Number(row.sent_at) - posted));
    }
    if (toDelivery.length !== total) throw new Error(`${toDelivery.length} of ${total} replies were sent`);
    const summary = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]!) };
    };
    return { offeredPerSecond: RATE, events: total, achievedPerSecond: round(total / elapsed), toOutboxMs: summary(toOutbox), toDeliveryMs: summary(toDelivery) };
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
  console.log(
    JSON.stringify({
      figures,
      notes: [
        `${RATE} simulator message events/s offered open-loop for ${SECONDS} s over ${GROUPS} groups, real clock; each event gets one reply from a rule. toOutboxMs: posted → reply action created in the outbox; toDeliveryMs: posted → delivery record sent. Action times are the server clock in whole milliseconds, so figures below ~1 ms are not resolved.`,
        SHARED_MACHINE_NOTE,
      ],
    }),
  );
}
