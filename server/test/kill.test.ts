import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, LAUNCHER, randomInt, sleep, startPeer, waitForExit } from './support/processes.js';
import { createPgDatabase, testDialects } from './support/services.js';

// The kill test: the real server runs as a child process and is SIGKILLed at
// random points while 1,000 sends go in through the API and out through a
// relay connector to a peer process that counts what it receives. The outbox
// promise under test: no message ever arrives twice; each one ends `sent`, or
// `unknown` with an open staff task when a crash caught it mid-flight.


const TOKEN = 'kill-test-owner-token-0123456789';
const SENDS = 1_000;
const CONCURRENCY = 20;
const MIN_KILLS = 10;
/** While sends are still going in, killing goes on past MIN_KILLS up to this many. */
const MAX_KILLS = 20;
// Generous bounds: these catch a hang, not slowness. On a loaded 2-core machine a restart
// (migrations, recovery, connectors) takes seconds, and every kill costs one.
const HEALTHZ_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 180_000;
const SENDING_TIMEOUT_MS = 360_000;
const GROUP_ID = 'grp_kill';
const CHAT_ID = 'room-1';

type Dialect = 'sqlite' | 'postgres';
type Reply = { status: number; body: unknown };
type Delivery = { id: string; idempotencyKey: string; state: string; taskId: string | null };
type PeerStats = { received: number; distinct: number; duplicates: string[] };

async function request(base: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}


/** The real server as a child process, started and SIGKILLed again and again with the same environment. */
class ServerProcess {
  child: ChildProcess | null = null;
  starts = 0;
  private output = '';

  constructor(
    readonly base: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The last lines the server wrote (stdout and stderr of every start), for failure messages. */
  tail(): string {
    return this.output.slice(-6_000);
  }

  private record(chunk: Buffer): void {
    this.output = (this.output + chunk.toString('utf8')).slice(-50_000);
  }

  async start(): Promise<void> {
    this.starts++;
    this.output += `\n--- start ${this.starts} ---\n`;
    const child = spawn(process.execPath, [LAUNCHER, 'start'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.record(chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.record(chunk));
    const deadline = Date.now() + HEALTHZ_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the server exited during start ${this.starts} (${child.exitCode ?? child.signalCode})\n${this.tail()}`);
      }
      try {
        const response = await fetch(`${this.base}/healthz`, { signal: AbortSignal.timeout(2_000) });
        await response.text();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`the server did not answer /healthz within ${HEALTHZ_TIMEOUT_MS} ms (start ${this.starts})\n${this.tail()}`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await waitForExit(child);
    this.child = null;
  }
}

/** The environment of the server: the test's own, minus any Qunyun settings, plus the test's. */
function serverEnv(own: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('QUNYUN_') || key === 'DATABASE_URL' || key === 'REDIS_URL') continue;
    env[key] = value;
  }
  return { ...env, ...own };
}

/** The relay group row, written straight into the server's database (there is no API that creates one). */
async function insertGroup(dialect: Dialect, where: { dataDir: string; url: string | null }, connectorId: string): Promise<void> {
  const name = 'kill test room';
  const now = Date.now();
  if (dialect === 'sqlite') {
    const sqlite = new Database(join(where.dataDir, 'qunyun.db'));
    try {
      sqlite.pragma('busy_timeout = 5000');
      const workspace = sqlite.prepare(`select id from workspaces where slug = 'demo'`).get() as { id: string } | undefined;
      if (!workspace) throw new Error('no demo workspace in the SQLite database');
      sqlite
        .prepare(
          `insert into groups (id, workspace_id, connector_id, chat_id, name, type, tags, owner_person_id, state, created_at, dismissed_at)
           values (?, ?, ?, ?, ?, 'other', '[]', null, 'active', ?, null)`,
        )
        .run(GROUP_ID, workspace.id, connectorId, CHAT_ID, name, now);
    } finally {
      sqlite.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: where.url! });
  await client.connect();
  try {
    const workspace = await client.query<{ id: string }>(`select id from workspaces where slug = 'demo'`);
    if (!workspace.rows[0]) throw new Error('no demo workspace in the PostgreSQL database');
    await client.query(
      `insert into groups (id, workspace_id, connector_id, chat_id, name, type, tags, owner_person_id, state, created_at, dismissed_at)
       values ($1, $2, $3, $4, $5, 'other', '[]', null, 'active', $6, null)`,
      [GROUP_ID, workspace.rows[0].id, connectorId, CHAT_ID, name, now],
    );
  } finally {
    await client.end();
  }
}

/** Every delivery record of the workspace, newest first, paging with `before`. */
async function allDeliveries(base: string): Promise<Delivery[]> {
  const all: Delivery[] = [];
  let before: string | null = null;
  for (;;) {
    const reply = await request(base, 'GET', `/api/v1/messages?limit=1000${before ? `&before=${encodeURIComponent(before)}` : ''}`);
    if (reply.status !== 200) throw new Error(`GET /api/v1/messages answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    const items = (reply.body as { items: Delivery[] }).items;
    all.push(...items);
    if (items.length < 1000) return all;
    before = items[items.length - 1]!.id;
  }
}

async function peerStats(peerBase: string): Promise<PeerStats> {
  const response = await fetch(`${peerBase}/stats`);
  return (await response.json()) as PeerStats;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

for (const dialect of await testDialects()) {
  describe(`the outbox under SIGKILL on ${dialect}`, () => {
    it(
      '1,000 sends with the server SIGKILLed at 10 random points: none arrives twice, each is sent or unknown with a task',
      async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-kill-'));
        const peerDir = mkdtempSync(join(tmpdir(), 'qunyun-kill-peer-'));
        cleanups.push(async () => {
          rmSync(dataDir, { recursive: true, force: true });
          rmSync(peerDir, { recursive: true, force: true });
        });
        const pgdb = dialect === 'postgres' ? await createPgDatabase() : null;
        if (pgdb) cleanups.push(() => pgdb.drop());

        const peer = await startPeer(join(peerDir, 'received.log'));
        cleanups.push(() => peer.stop());

        const port = await freePort();
        const server = new ServerProcess(
          `http://127.0.0.1:${port}`,
          serverEnv({
            QUNYUN_DATA: dataDir,
            QUNYUN_PORT: String(port),
            QUNYUN_HOST: '127.0.0.1',
            QUNYUN_CLOCK: 'real',
            QUNYUN_BOOTSTRAP_TOKEN: TOKEN,
            QUNYUN_LOG_LEVEL: 'warn',
            QUNYUN_DEMO: '0',
            ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
          }),
        );
        cleanups.push(() => server.kill());
        const api = (method: string, path: string, body?: unknown) => request(server.base, method, path, body);

        try {
          await server.start();

          // --- the relay connector to the peer, and the group it sends to ---
          const connector = await api('POST', '/api/v1/connectors', {
            platform: 'relay',
            name: 'peer',
            config: { url: `${peer.base}/send`, perChatPerSecond: 10_000, perAccountPerSecond: 100_000 },
          });
          expect(connector.status, JSON.stringify(connector.body)).toBe(201);
          const connectorId = (connector.body as { id: string }).id;
          await insertGroup(dialect, { dataDir, url: pgdb?.url ?? null }, connectorId);
          const group = await api('GET', `/api/v1/groups/${GROUP_ID}`);
          expect(group.status, JSON.stringify(group.body)).toBe(200);

          // --- the client: 1,000 sends, each retried with the same key until the server answers ---
          const actionsByKey = new Map<string, Set<string>>();
          let nextIndex = 0;
          let clientRetries = 0;
          let answeredTwice = 0;
          let sendingDone = false;
          const sendingDeadline = Date.now() + SENDING_TIMEOUT_MS;

          async function sendOne(i: number): Promise<void> {
            const key = `kill-${i}`;
            const payload = { target: { groupId: GROUP_ID }, message: { type: 'text', text: `msg ${i}` }, idempotencyKey: key };
            for (;;) {
              if (Date.now() > sendingDeadline) throw new Error(`send ${key} was not accepted within ${SENDING_TIMEOUT_MS} ms`);
              let reply: Reply;
              try {
                reply = await api('POST', '/api/v1/messages', payload);
              } catch {
                // The server died under this request (or is not back yet): at-least-once, retry later with the same key.
                clientRetries++;
                await sleep(randomInt(20, 120));
                continue;
              }
              if (reply.status === 202 || reply.status === 200) {
                const id = (reply.body as { id: string }).id;
                const ids = actionsByKey.get(key) ?? new Set<string>();
                ids.add(id);
                actionsByKey.set(key, ids);
                if (reply.status === 200) answeredTwice++;
                return;
              }
              if (reply.status >= 500) {
                clientRetries++;
                await sleep(randomInt(20, 120));
                continue;
              }
              throw new Error(`send ${key} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
            }
          }

          const sending = Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              for (let i = nextIndex++; i < SENDS; i = nextIndex++) await sendOne(i);
            }),
          ).finally(() => {
            sendingDone = true;
          });
          // A failing sender must not leave an unhandled rejection while the killer runs.
          sending.catch(() => undefined);

          // --- the killer: SIGKILL at random points, restart with the same environment ---
          const killsIn = { sending: 0, delivery: 0, idle: 0 };
          let kills = 0;
          while (kills < MIN_KILLS || (!sendingDone && kills < MAX_KILLS)) {
            // Up long enough to take some sends each time, short enough to land mid-flight.
            await sleep(randomInt(100, 1_500));
            let phase: keyof typeof killsIn = 'sending';
            if (sendingDone) phase = (await peerStats(peer.base)).distinct < SENDS ? 'delivery' : 'idle';
            await server.kill();
            kills++;
            killsIn[phase]++;
            await server.start();
          }
          await sending;

          // --- after the last restart: wait until nothing is pending or in flight ---
          let deliveries: Delivery[] = [];
          const settleDeadline = Date.now() + SETTLE_TIMEOUT_MS;
          for (;;) {
            deliveries = await allDeliveries(server.base);
            const open = deliveries.filter((d) => d.state === 'pending' || d.state === 'sending');
            if (open.length === 0) break;
            if (Date.now() > settleDeadline) {
              throw new Error(`${open.length} actions still pending or sending after ${SETTLE_TIMEOUT_MS} ms, e.g. ${JSON.stringify(open.slice(0, 3))}\n${server.tail()}`);
            }
            await sleep(250);
          }

          const stats = await peerStats(peer.base);
          const peerIds = new Set((await (await fetch(`${peer.base}/ids`)).json()) as string[]);
          const byId = new Map(deliveries.map((d) => [d.id, d]));
          const sent = deliveries.filter((d) => d.state === 'sent');
          const unknown = deliveries.filter((d) => d.state === 'unknown');

          console.log(
            `[kill test, ${dialect}] kills=${kills} (during sending ${killsIn.sending}, during delivery ${killsIn.delivery}, idle ${killsIn.idle}) ` +
              `sent=${sent.length} unknown=${unknown.length} other=${deliveries.length - sent.length - unknown.length} ` +
              `peerReceived=${stats.received} peerDistinct=${stats.distinct} duplicates=${stats.duplicates.length} ` +
              `clientRetries=${clientRetries} answeredAsKnown=${answeredTwice}`,
          );

          // Nothing arrived twice.
          expect(stats.duplicates, 'action ids the peer received more than once').toEqual([]);
          expect(stats.received).toBe(stats.distinct);

          // Every key is exactly one action, however often the client had to post it.
          expect(actionsByKey.size).toBe(SENDS);
          const keysWithSeveralActions = [...actionsByKey].filter(([, ids]) => ids.size !== 1).map(([key]) => key);
          expect(keysWithSeveralActions).toEqual([]);
          const clientIds = new Set([...actionsByKey.values()].flatMap((ids) => [...ids]));
          expect(clientIds.size).toBe(SENDS);
          const ours = deliveries.filter((d) => d.idempotencyKey.startsWith('api:kill-'));
          expect(ours).toHaveLength(SENDS);
          expect(new Set(ours.map((d) => d.idempotencyKey)).size).toBe(SENDS);
          for (const [key, ids] of actionsByKey) {
            const delivery = byId.get([...ids][0]!);
            expect(delivery?.idempotencyKey, `the action answered for ${key}`).toBe(`api:${key}`);
          }

          // Each action ended sent or unknown; unknown ones carry an open staff task.
          expect(deliveries.filter((d) => d.state !== 'sent' && d.state !== 'unknown').map((d) => `${d.id}:${d.state}`)).toEqual([]);
          for (const action of unknown) {
            expect(action.taskId, `task of unknown action ${action.id}`).toBeTruthy();
            const task = await api('GET', `/api/v1/tasks/${action.taskId}`);
            expect(task.status, JSON.stringify(task.body)).toBe(200);
            expect((task.body as { state: string }).state).toBe('open');
          }
          // One send at a time is in flight, so a crash leaves at most one unknown.
          expect(unknown.length).toBeLessThanOrEqual(kills);

          // What the server calls sent, the peer has; what the peer has, the server calls sent or unknown.
          expect(sent.filter((d) => !peerIds.has(d.id)).map((d) => d.id)).toEqual([]);
          expect([...peerIds].filter((id) => !['sent', 'unknown'].includes(byId.get(id)?.state ?? 'missing'))).toEqual([]);

          expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
        } catch (error) {
          if (error instanceof Error && !error.message.includes('--- start')) error.message += `\n--- server output (tail) ---\n${server.tail()}`;
          throw error;
        } finally {
          for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
        }
      },
      720_000,
    );
  });
}
