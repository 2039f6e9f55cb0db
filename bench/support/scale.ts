import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPgDatabase, isPostgresUp, isRedisUp, redisKeyPrefix } from '../../server/test/support/services.js';
import { serverEnv, startPeer, waitForExit } from '../../server/test/support/processes.js';
import { dropRedisPrefix, TEST_REDIS_URL } from '../../server/test/support/scale.js';
import { OWNER_TOKEN, round } from './embedded.js';

// Scale mode for the pipeline benchmark: 1 API process and N worker processes
// (bench/support/scale-role.ts) on a fresh PostgreSQL database and a unique
// Redis prefix, a relay connector to the counting peer (its own process).
// Everything is stopped and dropped afterwards; the shared services stay up.

const ROLE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'scale-role.ts');

export type ScaleFigures = { workers: number; events: number; seconds: number; eventsPerSecond: number; ingestOnlyEventsPerSecond: number; sent: number; peerReceived: number };

export async function scaleUp(): Promise<boolean> {
  return (await isPostgresUp()) && (await isRedisUp());
}

type Role = { child: ChildProcess; base: string; ingestBase: string };

async function startRole(role: 'api' | 'worker', env: NodeJS.ProcessEnv): Promise<Role> {
  const child = spawn(process.execPath, ['--import', 'tsx', ROLE_SCRIPT, role], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const ports = await new Promise<{ port: number; ingestPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${role} exited during start (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { port: number; ingestPort: number });
    });
  });
  return { child, base: `http://127.0.0.1:${ports.port}`, ingestBase: `http://127.0.0.1:${ports.ingestPort}` };
}

async function stopRole(role: Role): Promise<void> {
  if (role.child.exitCode !== null || role.child.signalCode !== null) return;
  role.child.kill('SIGTERM');
  const killer = setTimeout(() => role.child.kill('SIGKILL'), 15_000);
  await waitForExit(role.child);
  clearTimeout(killer);
}

export async function measureScale(options: { workers: number; events: number; batch: number; groups: number }): Promise<ScaleFigures> {
  const workDir = mkdtempSync(join(tmpdir(), 'qunyun-bench-scale-'));
  const pgdb = await createPgDatabase();
  const prefix = redisKeyPrefix().slice(0, -1);
  const peer = await startPeer('');
  const roles: Role[] = [];
  const db = new pg.Client({ connectionString: pgdb.url });
  try {
    const common = {
      DATABASE_URL: pgdb.url,
      REDIS_URL: TEST_REDIS_URL,
      QUNYUN_REDIS_PREFIX: prefix,
      QUNYUN_HOST: '127.0.0.1',
      QUNYUN_CLOCK: 'real',
      QUNYUN_BOOTSTRAP_TOKEN: OWNER_TOKEN,
      QUNYUN_LOG_LEVEL: 'warn',
      QUNYUN_DEMO: '0',
      QUNYUN_SECRET_KEY: 'bench-scale-secret-key-0123456789abcdef',
    };
    const api = await startRole('api', serverEnv({ ...common, QUNYUN_DATA: join(workDir, 'api') }));
    roles.push(api);
    for (let i = 0; i < options.workers; i++) roles.push(await startRole('worker', serverEnv({ ...common, QUNYUN_DATA: join(workDir, `worker-${i}`) })));
    await db.connect();
    const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${api.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${OWNER_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    };
    const relay = await call('POST', '/api/v1/connectors', { platform: 'relay', name: 'bench-peer', config: { url: `${peer.base}/send`, perChatPerSecond: 10_000, perAccountPerSecond: 100_000 } });
    if (relay.status !== 201) throw new Error(`relay connector: ${relay.status} ${JSON.stringify(relay.body)}`);
    const simulator = await call('POST', '/api/v1/connectors', { platform: 'simulator', name: 'bench-sim' });
    if (simulator.status !== 201) throw new Error(`simulator connector: ${simulator.status} ${JSON.stringify(simulator.body)}`);
    const chats: { chatId: string; connectorId: string }[] = [];
    for (let g = 0; g < options.groups; g++) {
      const people = Array.from({ length: 5 }, (_, i) => ({ id: `p-${g}-${i}`, name: `成员 ${g}-${i}` }));
      const group = await call<{ chatId: string; connectorId: string }>('POST', '/api/v1/sim/groups', { name: `压测群 ${g}`, people });
      if (group.status !== 201) throw new Error(`sim group: ${group.status} ${JSON.stringify(group.body)}`);
      chats.push(group.body);
    }
    const workspaceId = (await call<{ id: string }>('GET', '/api/v1/workspace')).body.id;
    const batches = Math.ceil(options.events / options.batch);
    const total = batches * options.batch;
    const countSent = async () => Number((await db.query<{ n: string }>(`select count(*) as n from actions where state = 'sent' and cause = 'bench'`)).rows[0]!.n);
    let ingestMs = 0;
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const events = Array.from({ length: options.batch }, (_, i) => {
        const n = b * options.batch + i;
        const g = n % options.groups;
        const chat = chats[g]!;
        return {
          connectorId: chat.connectorId,
          occurredAt: Date.now(),
          source: 'sim',
          body: { type: 'message', chatId: chat.chatId, person: { externalId: `p-${g}-${n % 5}`, name: `成员 ${g}-${n % 5}` }, messageId: `m-${n}`, message: { type: 'text', text: `bench ${n} 你好` } },
        };
      });
      const t0 = performance.now();
      const response = await fetch(`${api.ingestBase}/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspaceId, events }) });
      const applied = (await response.json()) as { ingested: number; failed: number };
      ingestMs += performance.now() - t0;
      if (response.status !== 200 || applied.failed > 0) throw new Error(`ingest: ${response.status} ${JSON.stringify(applied)}`);
    }
    let sent = 0;
    const deadline = performance.now() + 300_000;
    while ((sent = await countSent()) < total) {
      if (performance.now() > deadline) throw new Error(`only ${sent} of ${total} replies were sent within 5 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const stats = (await (await fetch(`${peer.base}/stats`)).json()) as { received: number };
    return {
      workers: options.workers,
      events: total,
      seconds: round(seconds, 2),
      eventsPerSecond: round(total / seconds, 0),
      ingestOnlyEventsPerSecond: round(total / (ingestMs / 1000), 0),
      sent,
      peerReceived: stats.received,
    };
  } finally {
    await db.end().catch(() => undefined);
    for (const role of roles.reverse()) await stopRole(role);
    await peer.stop();
    await dropRedisPrefix(prefix).catch(() => undefined);
    await pgdb.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
