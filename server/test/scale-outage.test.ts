import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from './support/services.js';
import { ensureBuilt, freePort, serverEnv, ServerProcess, sleep, startPeer, waitForExit } from './support/processes.js';
import { scaleServicesUp } from './support/scale.js';

// Services going away under a running scale-mode deployment. The test starts
// its own redis-server on a spare port (never the machine's shared one), stops
// it in the middle of a burst and starts it again, empty: /healthz says 503
// and names Redis while it is gone, sends are still accepted (they wait in
// PostgreSQL), and once it is back every send goes out once. PostgreSQL is
// never stopped: the API reaches it through a TCP relay the test cuts.

const REDIS_SERVER = '/usr/bin/redis-server';
const TOKEN = 'scale-outage-owner-token-0123456789';
const SENDS = 1_000;

type Health = { status: number; body: { ok?: boolean; redis?: string; database?: string } };

async function health(base: string): Promise<Health> {
  try {
    const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Health['body'] };
  } catch {
    return { status: 0, body: {} };
  }
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Our own redis-server, no persistence: a restart comes back empty, the hardest case. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await until('redis-server answering', () => new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  }), Boolean, 10_000);
  return child;
}

/** A TCP relay to the shared PostgreSQL that the test can cut and restore. */
function pgRelay(targetPort: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect({ host: '127.0.0.1', port: targetPort });
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server!.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  const cut = async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = null;
  };
  return listen().then(() => ({ port, cut, restore: listen, close: cut }));
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const up = (await scaleServicesUp('scale-mode outage test')) && existsSync(REDIS_SERVER);

describe('scale mode when Redis or PostgreSQL goes away', () => {
  it.skipIf(!up)(
    'Redis stopped mid-burst and started again empty: healthz answers 503 naming redis, then every send goes out exactly once',
    async () => {
      ensureBuilt();
      const workDir = mkdtempSync(join(tmpdir(), 'qunyun-outage-'));
      cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
      const pgdb = await createPgDatabase();
      cleanups.push(() => pgdb.drop());
      const redisPort = await freePort();
      let redis: ChildProcess | null = await startRedis(redisPort);
      cleanups.push(async () => {
        redis?.kill('SIGTERM');
        if (redis) await waitForExit(redis);
      });
      const peer = await startPeer(join(workDir, 'received.log'));
      cleanups.push(() => peer.stop());
      const db = new pg.Client({ connectionString: pgdb.url });
      await db.connect();
      cleanups.push(() => db.end());

      const common = {
        DATABASE_URL: pgdb.url,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        QUNYUN_REDIS_PREFIX: 'outage',
        QUNYUN_HOST: '127.0.0.1',
        QUNYUN_CLOCK: 'real',
        QUNYUN_BOOTSTRAP_TOKEN: TOKEN,
        QUNYUN_LOG_LEVEL: 'warn',
        QUNYUN_DEMO: '0',
        QUNYUN_SECRET_KEY: 'scale-outage-secret-key-0123456789abcdef',
      };
      const apiPort = await freePort();
      const workerPort = await freePort();
      const api = new ServerProcess('api', `http://127.0.0.1:${apiPort}`, serverEnv({ ...common, QUNYUN_DATA: join(workDir, 'api'), QUNYUN_PORT: String(apiPort) }), ['--role', 'api']);
      const worker = new ServerProcess('worker', `http://127.0.0.1:${workerPort}`, serverEnv({ ...common, QUNYUN_DATA: join(workDir, 'worker'), QUNYUN_PORT: String(workerPort) }), ['--role', 'worker']);
      cleanups.push(async () => void (await api.kill()), async () => void (await worker.kill()));
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${api.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
        return { status: response.status, body: (await response.json()) as { id?: string } };
      };
      const states = async () => Object.fromEntries((await db.query<{ state: string; n: string }>(`select state, count(*) as n from actions group by state`)).rows.map((r) => [r.state, Number(r.n)]));

      try {
        await api.start(90_000);
        await worker.start(90_000);
        const connector = await post('/api/v1/connectors', { platform: 'relay', name: 'peer', config: { url: `${peer.base}/send`, perChatPerSecond: 1_000, perAccountPerSecond: 1_000 } });
        expect(connector.status).toBe(201);
        const workspace = await db.query<{ id: string }>(`select id from workspaces where slug = 'demo'`);
        await db.query(
          `insert into groups (id, workspace_id, connector_id, chat_id, name, type, tags, owner_person_id, state, created_at, dismissed_at)
           values ('grp_outage', $1, $2, 'room-outage', 'outage room', 'other', '[]', null, 'active', $3, null)`,
          [workspace.rows[0]!.id, connector.body.id, Date.now()],
        );
        const send = async (i: number) => {
          const reply = await post('/api/v1/messages', { target: { groupId: 'grp_outage' }, message: { type: 'text', text: `msg ${i}` }, idempotencyKey: `outage-${i}` });
          expect([200, 202], JSON.stringify(reply.body)).toContain(reply.status);
        };

        // First half with Redis up.
        for (let i = 0; i < SENDS / 2; i += 25) await Promise.all(Array.from({ length: 25 }, (_, k) => send(i + k)));

        // Redis goes away mid-burst.
        redis.kill('SIGKILL');
        await waitForExit(redis);
        redis = null;
        const apiDown = await until('API health while Redis is down', () => health(api.base), (h) => h.status === 503);
        expect(apiDown.body).toMatchObject({ ok: false, redis: 'unreachable' });
        const workerDown = await until('worker health while Redis is down', () => health(worker.base), (h) => h.status === 503);
        expect(workerDown.body.redis).toBe('unreachable');
        // Sends are still accepted: they wait in PostgreSQL.
        for (let i = SENDS / 2; i < SENDS; i += 25) await Promise.all(Array.from({ length: 25 }, (_, k) => send(i + k)));
        const whileDown = await states();
        await sleep(2_000);

        // Redis comes back, empty.
        redis = await startRedis(redisPort);
        await until('API health after Redis returned', () => health(api.base), (h) => h.status === 200);
        const settled = await until('every send settled', states, (s) => (s.pending ?? 0) === 0 && (s.sending ?? 0) === 0, 120_000);

        const stats = (await (await fetch(`${peer.base}/stats`)).json()) as { received: number; distinct: number; duplicates: string[] };
        console.log(`[outage test] states while Redis was down ${JSON.stringify(whileDown)}; after ${JSON.stringify(settled)}; peer received ${stats.received}, distinct ${stats.distinct}`);
        expect(stats.duplicates).toEqual([]);
        expect(settled).toEqual({ sent: SENDS });
        expect(stats.distinct).toBe(SENDS);
        expect(stats.received).toBe(SENDS);
      } catch (error) {
        if (error instanceof Error) error.message += `\n${api.tail()}\n${worker.tail()}`;
        throw error;
      }
    },
    280_000,
  );

  it.skipIf(!up)('PostgreSQL unreachable: healthz answers 503 naming the database, and 200 again once it is back', async () => {
    ensureBuilt();
    const pgdb = await createPgDatabase();
    cleanups.push(() => pgdb.drop());
    const target = new URL(pgdb.url);
    const relay = await pgRelay(Number(target.port || 5432));
    cleanups.push(() => relay.close());
    target.host = `127.0.0.1:${relay.port}`;
    const workDir = mkdtempSync(join(tmpdir(), 'qunyun-pg-outage-'));
    cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
    const port = await freePort();
    const server = new ServerProcess('all', `http://127.0.0.1:${port}`, serverEnv({ DATABASE_URL: target.toString(), QUNYUN_DATA: workDir, QUNYUN_PORT: String(port), QUNYUN_HOST: '127.0.0.1', QUNYUN_LOG_LEVEL: 'fatal', QUNYUN_DEMO: '0' }));
    cleanups.push(async () => void (await server.kill()));
    try {
      await server.start(90_000);
      await relay.cut();
      const down = await until('health while PostgreSQL is unreachable', () => health(server.base), (h) => h.status === 503);
      expect(down.body).toMatchObject({ ok: false, database: 'unreachable' });
      await relay.restore();
      await until('health after PostgreSQL is reachable again', () => health(server.base), (h) => h.status === 200);
    } catch (error) {
      if (error instanceof Error) error.message += `\n${server.tail()}`;
      throw error;
    }
  }, 150_000);
});
