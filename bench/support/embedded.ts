import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { buildApp, type QunyunApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/kernel/config.js';
import type { Dialect } from '../../server/src/kernel/db/db.js';
import type { EventHandler } from '../../server/src/kernel/events/pipeline.js';
import { enqueueAction } from '../../server/src/kernel/outbox/outbox.js';
import { createPgDatabase, isPostgresUp } from '../../server/test/support/services.js';

// Shared pieces of the benchmarks: an embedded server on a fresh database of
// either dialect, a rule that answers every benchmark message with a send, and
// a helper that runs this same file once per dialect in child processes.

export const OWNER_TOKEN = 'bench-owner-token-0123456789abcdef';

/** The benchmark's rule: each message whose text starts with "bench " gets one send back into its chat. */
export const replyRule: EventHandler = {
  name: 'bench.reply',
  types: ['message'],
  async handle(ctx) {
    const body = ctx.event.body;
    if (body.type !== 'message' || !body.chatId || body.message.type !== 'text' || !body.message.text.startsWith('bench ')) return;
    await enqueueAction(ctx.db, ctx.workspaceId, {
      key: `bench:${ctx.event.id}`,
      lane: 'api',
      connectorId: ctx.event.connectorId,
      kind: 'send',
      chatId: body.chatId,
      groupId: ctx.refs.groupId ?? null,
      message: { type: 'text', text: `re: ${body.message.text}` },
      cause: 'bench',
    }, ctx.now);
  },
};

export type Embedded = {
  app: QunyunApp;
  api<T = unknown>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
};

export async function startEmbedded(dialect: Dialect, clock: 'virtual' | 'real'): Promise<Embedded> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-bench-'));
  const pgdb = dialect === 'postgres' ? await createPgDatabase() : null;
  const config = loadConfig({
    QUNYUN_DATA: dataDir,
    QUNYUN_CLOCK: clock,
    QUNYUN_BOOTSTRAP_TOKEN: OWNER_TOKEN,
    QUNYUN_LOG_LEVEL: 'silent',
    QUNYUN_DEMO: '0',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
  });
  const app = await buildApp(config, { logger: pino({ level: 'silent' }), handlers: [replyRule] });
  await app.start();
  return {
    app,
    async api<T>(method: string, url: string, body?: unknown) {
      const response = await app.http.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${OWNER_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      return { status: response.statusCode, body: (response.body ? JSON.parse(response.body) : null) as T };
    },
    async close() {
      await app.close();
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The dialects to measure: SQLite always, PostgreSQL when it is reachable. */
export async function benchDialects(): Promise<Dialect[]> {
  return (await isPostgresUp()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * Runs `file` again in a child process for one dialect (env BENCH_DIALECT) and
 * answers the JSON object the child printed on its last line.
 */
export function runChild<T>(file: string, dialect: Dialect, extraArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...extraArgs, '--import', 'tsx', fileURLToPath(file)], {
      env: { ...process.env, BENCH_DIALECT: dialect },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${dialect} child exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch (error) {
        reject(error);
      }
    });
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export const SHARED_MACHINE_NOTE = `Measured on ${cpus().length} cores; read machine.loadAverage1m in the result file first: a load far above the core count makes every figure pessimistic. Compare dialects within one run; compare absolute values across runs only when machine and load match.`;

