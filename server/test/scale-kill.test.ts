import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgDatabase, redisKeyPrefix } from './support/services.js';
import { ensureBuilt, freePort, randomInt, serverEnv, ServerProcess, sleep, startPeer } from './support/processes.js';
import { dropRedisPrefix, scaleServicesUp, TEST_REDIS_URL } from './support/scale.js';

// Scale mode under SIGKILL: one API process and three worker processes on
// PostgreSQL + Redis. 10,000 sends go in through POST /api/v1/messages and out
// through a relay connector to a counting peer in its own process, while worker
// processes are SIGKILLed at random points and restarted. Under test: no message
// arrives twice; each ends `sent`, or `unknown` with an open staff task; and the
// per-chat and per-account limits hold across processes as the peer saw them.

const TOKEN = 'scale-kill-owner-token-0123456789';
/** 10,000 in CI; a loaded development machine may lower it (the figure is printed with the result). */
const SENDS = Number(process.env.QUNYUN_SCALE_KILL_SENDS ?? 10_000);
const CHATS = 20;
const PER_CHAT_PER_SECOND = 40;
const PER_ACCOUNT_PER_SECOND = 400;
const WORKERS = 3;
const CONCURRENCY = 32;
const MIN_KILLS = 10;

type Receipt = [id: string, chatId: string | null, accountId: string | null, at: number];

/** The most receipts any window of `windowMs` holds, per key. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const up = await scaleServicesUp('scale-mode kill test');

describe('scale mode under SIGKILL: 1 API + 3 workers on PostgreSQL and Redis', () => {
  it.skipIf(!up)(
    `${SENDS.toLocaleString('en')} sends with workers SIGKILLed at 10+ random points: none arrives twice, each is sent or unknown with a task, limits hold at the peer`,
    async () => {
      ensureBuilt();
      const workDir = mkdtempSync(join(tmpdir(), 'qunyun-scale-kill-'));
      cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
      const pgdb = await createPgDatabase();
      cleanups.push(() => pgdb.drop());
      const prefix = redisKeyPrefix().slice(0, -1);
      cleanups.push(() => dropRedisPrefix(prefix));
      const peer = await startPeer(join(workDir, 'received.log'));
      cleanups.push(() => peer.stop());

      const common = {
        DATABASE_URL: pgdb.url,
        REDIS_URL: TEST_REDIS_URL,
        QUNYUN_REDIS_PREFIX: prefix,
        QUNYUN_HOST: '127.0.0.1',
        QUNYUN_CLOCK: 'real',
        QUNYUN_BOOTSTRAP_TOKEN: TOKEN,
        QUNYUN_LOG_LEVEL: 'warn',
        QUNYUN_DEMO: '0',
        QUNYUN_SECRET_KEY: 'scale-kill-secret-key-0123456789abcdef',
      };
      const apiPort = await freePort();
      const apiProcess = new ServerProcess('api', `http://127.0.0.1:${apiPort}`, serverEnv({ ...common, QUNYUN_DATA: join(workDir, 'api'), QUNYUN_PORT: String(apiPort) }), ['--role', 'api']);
      cleanups.push(async () => void (await apiProcess.kill()));
      const workers: ServerProcess[] = [];
      for (let i = 0; i < WORKERS; i++) {
        const port = await freePort();
        const worker = new ServerProcess(`worker-${i}`, `http://127.0.0.1:${port}`, serverEnv({ ...common, QUNYUN_DATA: join(workDir, `worker-${i}`), QUNYUN_PORT: String(port) }), ['--role', 'worker']);
        workers.push(worker);
        cleanups.push(async () => void (await worker.kill()));
      }
      const db = new pg.Client({ connectionString: pgdb.url });
      const request = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${apiProcess.base}${path}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await response.text();
        return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
      };

      try {
        // The first start compiles the server when its sources changed; the others then find it fresh.
        await apiProcess.start(150_000);
        for (const worker of workers) await worker.start(120_000);
        await db.connect();
        cleanups.push(() => db.end());

        // --- the relay connector to the peer, and CHATS groups it sends to ---
        const connector = await request('POST', '/api/v1/connectors', {
          platform: 'relay',
          name: 'peer',
          config: { url: `${peer.base}/send`, perChatPerSecond: PER_CHAT_PER_SECOND, perAccountPerSecond: PER_ACCOUNT_PER_SECOND },
        });
        expect(connector.status, JSON.stringify(connector.body)).toBe(201);
        const connectorId = (connector.body as { id: string }).id;
        const workspace = await db.query<{ id: string }>(`select id from workspaces where slug = 'demo'`);
        for (let c = 0; c < CHATS; c++) {
          await db.query(
            `insert into groups (id, workspace_id, connector_id, chat_id, name, type, tags, owner_person_id, state, created_at, dismissed_at)
             values ($1, $2, $3, $4, $5, 'other', '[]', null, 'active', $6, null)`,
            [`grp_scale_${c}`, workspace.rows[0]!.id, connectorId, `room-${c}`, `scale room ${c}`, Date.now()],
          );
        }

        // --- the burst: 10,000 sends through the API, each retried with its key until answered ---
        let next = 0;
        let sendingDone = false;
        const started = Date.now();
        const sending = Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            for (let i = next++; i < SENDS; i = next++) {
              const body = { target: { groupId: `grp_scale_${i % CHATS}` }, message: { type: 'text', text: `msg ${i}` }, idempotencyKey: `scale-${i}` };
              for (let attempt = 0; ; attempt++) {
                const reply = await request('POST', '/api/v1/messages', body).catch(() => ({ status: 0, body: null }));
                if (reply.status === 202 || reply.status === 200) break;
                if (attempt > 50 || (reply.status >= 400 && reply.status < 500)) throw new Error(`send scale-${i} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
                await sleep(100);
              }
            }
          }),
        ).finally(() => {
          sendingDone = true;
        });
        sending.catch(() => undefined);

        // --- the killer: SIGKILL a random worker at random points, restart it ---
        let kills = 0;
        const killedWhile = { sending: 0, delivering: 0 };
        const outstanding = async () => Number((await db.query<{ n: string }>(`select count(*) as n from actions where state in ('pending', 'sending')`)).rows[0]!.n);
        while (kills < MIN_KILLS || (!sendingDone && kills < 40)) {
          await sleep(randomInt(300, 1_500));
          if (sendingDone && (await outstanding()) === 0 && kills >= MIN_KILLS) break;
          const victim = workers[randomInt(0, WORKERS - 1)]!;
          killedWhile[sendingDone ? 'delivering' : 'sending']++;
          await victim.kill('SIGKILL');
          kills++;
          console.log(`[scale kill test] kill ${kills} of ${victim.name} at ${Date.now() - started} ms, ${next} sends posted, ${await outstanding()} outstanding`);
          await victim.start(120_000);
        }
        await sending;
        const acceptedMs = Date.now() - started;

        // --- graceful stop: SIGTERM leaves nothing of its own in `sending` ---
        const graceful = workers[0]!;
        const health = (await (await fetch(`${graceful.base}/healthz`)).json()) as { worker: string };
        const exit = await graceful.kill('SIGTERM');
        expect(exit.code, 'a SIGTERMed worker exits cleanly').toBe(0);
        const leftBehind = await db.query(`select id from actions where state = 'sending' and claimed_by = $1`, [health.worker]);
        expect(leftBehind.rows, 'sends a gracefully stopped worker left in flight').toEqual([]);
        await graceful.start(120_000);

        // --- settle: nothing pending or in flight ---
        const deadline = Date.now() + 150_000;
        while ((await outstanding()) > 0) {
          if (Date.now() > deadline) throw new Error(`${await outstanding()} actions still pending or sending after the burst`);
          await sleep(500);
        }
        const settledMs = Date.now() - started;

        // --- metrics: queue depth by lane and queue, timer lag, outbox states, sends per account ---
        const apiMetrics = await (await fetch(`${apiProcess.base}/metrics`)).text();
        expect(apiMetrics).toMatch(/qunyun_queue_jobs\{queue="outbox.api",state="waiting"\} 0/);
        expect(apiMetrics).toMatch(/qunyun_outbox_due\{lane="api"\} 0/);
        expect(apiMetrics).toMatch(/qunyun_oldest_due_timer_lag_ms \d+/);
        expect(apiMetrics).toMatch(/qunyun_outbox_actions\{state="sent"\} \d+/);

        // --- what the peer received ---
        const stats = (await (await fetch(`${peer.base}/stats`)).json()) as { received: number; distinct: number; duplicates: string[] };
        const receipts = (await (await fetch(`${peer.base}/receipts`)).json()) as Receipt[];
        const rows = (await db.query<{ id: string; state: string; task_id: string | null; idempotency_key: string; claimed_at: string | null; chat_id: string }>(`select id, state, task_id, idempotency_key, claimed_at, chat_id from actions`)).rows;
        const sent = rows.filter((r) => r.state === 'sent');
        const unknown = rows.filter((r) => r.state === 'unknown');
        const peerIds = new Set(receipts.map((r) => r[0]));

        // The limiter's own record: claimed_at is the instant the slot was taken, for every send that may have arrived.
        const takes = rows.filter((r) => r.state === 'sent' || r.state === 'unknown').map((r) => ({ chatId: r.chat_id, at: Number(r.claimed_at) }));
        const peak = (items: { chatId: string | null; at: number }[], windowMs: number) => {
          const byChat = new Map<string, number[]>();
          for (const item of items) byChat.set(item.chatId ?? '-', [...(byChat.get(item.chatId ?? '-') ?? []), item.at]);
          return { chat: Math.max(...[...byChat.values()].map((times) => busiestWindow(times, windowMs))), account: busiestWindow(items.map((i) => i.at), windowMs) };
        };
        const takenPeak = peak(takes, 1_000);
        // At the peer: a send reaches it at most `transit` after its slot was taken, so any window of
        // 1,000 ms minus the longest transit observed holds no more than the limit.
        const takenAt = new Map(rows.map((r) => [r.id, Number(r.claimed_at)]));
        const transit = Math.max(0, ...receipts.map(([id, , , at]) => at - (takenAt.get(id) ?? at)));
        const peerWindow = Math.max(1, 1_000 - Math.ceil(transit));
        const peerPeak = peak(receipts.map(([, chatId, , at]) => ({ chatId, at })), peerWindow);
        const chatPeak = peerPeak.chat;
        const accountPeak = peerPeak.account;

        console.log(
          `[scale kill test] workers=${WORKERS} kills=${kills} (while sending ${killedWhile.sending}, while delivering ${killedWhile.delivering}) ` +
            `sent=${sent.length} unknown=${unknown.length} peerReceived=${stats.received} duplicates=${stats.duplicates.length} ` +
            `accepted in ${acceptedMs} ms, settled in ${settledMs} ms; limiter's busiest 1,000 ms: chat ${takenPeak.chat}/${PER_CHAT_PER_SECOND}, account ${takenPeak.account}/${PER_ACCOUNT_PER_SECOND}; ` +
            `longest transit ${Math.ceil(transit)} ms, so at the peer the busiest ${peerWindow} ms: chat ${chatPeak}, account ${accountPeak}`,
        );

        expect(stats.duplicates, 'action ids the peer received more than once').toEqual([]);
        expect(stats.received).toBe(stats.distinct);
        expect(rows).toHaveLength(SENDS);
        expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(SENDS);
        expect(rows.filter((r) => r.state !== 'sent' && r.state !== 'unknown').map((r) => `${r.id}:${r.state}`)).toEqual([]);
        const tasks = new Map((await db.query<{ id: string; state: string }>(`select id, state from tasks`)).rows.map((t) => [t.id, t.state]));
        for (const action of unknown) expect(tasks.get(action.task_id ?? ''), `open task of unknown action ${action.id}`).toBe('open');
        expect(sent.filter((r) => !peerIds.has(r.id)).map((r) => r.id), 'sent but never received').toEqual([]);
        const stateOf = new Map(rows.map((r) => [r.id, r.state]));
        expect([...peerIds].filter((id) => !['sent', 'unknown'].includes(stateOf.get(id) ?? 'missing')), 'received but neither sent nor unknown').toEqual([]);
        expect(takenPeak.chat, 'sends per chat in any second, by the limiter').toBeLessThanOrEqual(PER_CHAT_PER_SECOND);
        expect(takenPeak.account, 'sends per account in any second, by the limiter').toBeLessThanOrEqual(PER_ACCOUNT_PER_SECOND);
        expect(chatPeak).toBeLessThanOrEqual(PER_CHAT_PER_SECOND);
        expect(accountPeak).toBeLessThanOrEqual(PER_ACCOUNT_PER_SECOND);
        expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);

        // Sends per account, counted by the workers that delivered them (counters restart with a process: send a few more).
        for (let i = 0; i < 20; i++) {
          const reply = await request('POST', '/api/v1/messages', { target: { groupId: 'grp_scale_0' }, message: { type: 'text', text: `after ${i}` }, idempotencyKey: `after-${i}` });
          expect(reply.status).toBe(202);
        }
        const metricDeadline = Date.now() + 60_000;
        let counted = 0;
        while (counted < 20 && Date.now() < metricDeadline) {
          await sleep(500);
          const texts = await Promise.all(workers.map(async (w) => (await fetch(`${w.base}/metrics`)).text()));
          counted = texts.flatMap((t) => [...t.matchAll(/^qunyun_account_sends_total\{account="[^"]+"\} (\d+)/gm)].map((m) => Number(m[1]))).reduce((a, b) => a + b, 0);
        }
        expect(counted, 'sends per account counted by the workers').toBeGreaterThanOrEqual(20);
      } catch (error) {
        if (error instanceof Error) error.message += `\n${apiProcess.tail()}\n${workers.map((w) => w.tail()).join('\n')}`;
        throw error;
      }
    },
    600_000,
  );
});
