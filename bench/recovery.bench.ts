import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Dialect } from '../server/src/kernel/db/db.js';
import { createPgDatabase } from '../server/test/support/services.js';
import { benchDialects, percentile, round, runChild, SHARED_MACHINE_NOTE } from './support/embedded.js';

// Recovery time of the kill test: the real server (bin/qunyun.js) sends a
// burst of POST /api/v1/messages to an out-of-process relay peer; mid-burst
// it is SIGKILLed and started again at once. Measured per round: from the
// kill to the first 200 of /healthz, and to the moment no action of the burst
// is still pending or sending (each is sent, or unknown with a staff task).

const ROUNDS = Number(process.env.BENCH_RECOVERY_ROUNDS ?? 5);
const BURST = 400;
const CONCURRENCY = 8;
const TOKEN = 'bench-recovery-owner-token-0123456789';
const GROUP_ID = 'grp_bench';
const CHAT_ID = 'room-bench';
const root = fileURLToPath(new URL('..', import.meta.url));
const LAUNCHER = join(root, 'server', 'bin', 'qunyun.js');
const PEER = join(root, 'server', 'test', 'support', 'counting-peer.mjs');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** What the benchmark reads of an answer: a created id, or a page of items. */
type Reply = { status: number; body: { id: string; items: unknown[] } };

async function call(base: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : { id: '', items: [] }) as Reply['body'] };
}

async function startPeer(): Promise<{ base: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [PEER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const { port } = JSON.parse(line) as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      child.stdin?.end();
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

async function insertGroup(dialect: Dialect, dataDir: string, url: string | null, connectorId: string): Promise<void> {
  const values = [GROUP_ID, connectorId, CHAT_ID, 'bench room', Date.now()];
  const sqlText = `insert into groups (id, workspace_id, connector_id, chat_id, name, type, tags, owner_person_id, state, created_at, dismissed_at)
    select ${dialect === 'sqlite' ? '?, id, ?, ?, ?' : '$1, id, $2, $3, $4'}, 'other', '[]', null, 'active', ${dialect === 'sqlite' ? '?' : '$5'}, null from workspaces where slug = 'demo'`;
  if (dialect === 'sqlite') {
    const sqlite = new Database(join(dataDir, 'qunyun.db'));
    sqlite.pragma('busy_timeout = 5000');
    sqlite.prepare(sqlText).run(...values);
    sqlite.close();
    return;
  }
  const client = new pg.Client({ connectionString: url! });
  await client.connect();
  await client.query(sqlText, values);
  await client.end();
}

type Round = { healthzMs: number; settledMs: number; acceptedBeforeKill: number };
type Figures = { rounds: number; burst: number; healthzMs: { median: number; max: number }; settledMs: { median: number; max: number }; unknownActions: number; duplicatesAtPeer: number; perRound: Round[] };

async function measure(dialect: Dialect): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-bench-recovery-'));
  const pgdb = dialect === 'postgres' ? await createPgDatabase() : null;
  const peer = await startPeer();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  Object.assign(env, {
    QUNYUN_DATA: dataDir, QUNYUN_PORT: String(port), QUNYUN_HOST: '127.0.0.1', QUNYUN_CLOCK: 'real', QUNYUN_BOOTSTRAP_TOKEN: TOKEN, QUNYUN_LOG_LEVEL: 'error', QUNYUN_DEMO: '0',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
  });
  let server: ChildProcess | null = null;
  const start = () => {
    server = spawn(process.execPath, [LAUNCHER, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  };
  const healthy = async (deadlineMs = 60_000) => {
    const until = now() + deadlineMs;
    while (now() < until) {
      try {
        const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1_000) });
        await response.text();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(5);
    }
    throw new Error('the server did not answer /healthz within 60 s');
  };
  const kill = async () => {
    const child = server!;
    child.kill('SIGKILL');
    await exited(child);
  };
  try {
    start();
    await healthy(180_000); // the first start may compile the server
    const connector = await call(base, 'POST', '/api/v1/connectors', { platform: 'relay', name: 'peer', config: { url: `${peer.base}/send`, perChatPerSecond: 10_000, perAccountPerSecond: 100_000 } });
    if (connector.status !== 201) throw new Error(`connector: ${connector.status} ${JSON.stringify(connector.body)}`);
    await insertGroup(dialect, dataDir, pgdb?.url ?? null, connector.body.id);

    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // The burst; the kill lands after 25–60 % of it was accepted.
      let accepted = 0;
      let next = 0;
      let stop = false;
      const killAfter = Math.floor(BURST * (0.25 + Math.random() * 0.35));
      const senders = Array.from({ length: CONCURRENCY }, async () => {
        while (!stop && next < BURST) {
          const i = next++;
          try {
            const reply = await call(base, 'POST', '/api/v1/messages', { target: { groupId: GROUP_ID }, message: { type: 'text', text: `burst ${r}-${i}` }, idempotencyKey: `bench-${r}-${i}` });
            if (reply.status === 202 || reply.status === 200) accepted++;
          } catch {
            return; // the server died under this request
          }
        }
      });
      while (accepted < killAfter) await sleep(1);
      stop = true;
      const killedAt = now();
      await kill();
      await Promise.all(senders);
      start();
      await healthy();
      const healthzAt = now();
      for (;;) {
        const pending = await call(base, 'GET', '/api/v1/messages?state=pending&limit=1');
        const sending = await call(base, 'GET', '/api/v1/messages?state=sending&limit=1');
        if (pending.body.items.length === 0 && sending.body.items.length === 0) break;
        await sleep(5);
      }
      const settledAt = now();
      rounds.push({ healthzMs: round(healthzAt - killedAt), settledMs: round(settledAt - killedAt), acceptedBeforeKill: accepted });
    }
    const unknown = await call(base, 'GET', '/api/v1/messages?state=unknown&limit=1000');
    const stats = (await (await fetch(`${peer.base}/stats`)).json()) as { duplicates: string[] };
    const summary = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { median: round(percentile(sorted, 50)), max: round(sorted[sorted.length - 1]!) };
    };
    return {
      rounds: ROUNDS,
      burst: BURST,
      healthzMs: summary(rounds.map((x) => x.healthzMs)),
      settledMs: summary(rounds.map((x) => x.settledMs)),
      unknownActions: unknown.body.items.length,
      duplicatesAtPeer: stats.duplicates.length,
      perRound: rounds,
    };
  } finally {
    if (server) await kill().catch(() => undefined);
    await peer.stop();
    await pgdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const own = process.env.BENCH_DIALECT as Dialect | undefined;
if (own) {
  console.log(JSON.stringify(await measure(own)));
} else {
  const figures: Record<string, unknown> = {};
  for (const dialect of await benchDialects()) figures[dialect] = await runChild<Figures>(import.meta.url, dialect);
  console.log(
    JSON.stringify({
      figures,
      notes: [
        `${ROUNDS} rounds per dialect: a burst of ${BURST} POST /api/v1/messages (${CONCURRENCY} at a time) to a relay peer in its own process; the server (node server/bin/qunyun.js start, real clock) is SIGKILLed after 25–60 % of the burst was accepted and started again at once. healthzMs: kill → first 200 from /healthz (includes Node start-up and loading the server). settledMs: kill → no action pending or sending (each sent, or unknown with a staff task). The client stops at the kill; a real client would retry with the same idempotency key.`,
        SHARED_MACHINE_NOTE,
      ],
    }),
  );
}
