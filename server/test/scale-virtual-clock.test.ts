import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgDatabase, redisKeyPrefix } from './support/services.js';
import { ensureBuilt, freePort, serverEnv, ServerProcess } from './support/processes.js';
import { dropRedisPrefix, scaleServicesUp, TEST_REDIS_URL } from './support/scale.js';

// The control API in scale mode: an API process and a worker process under one
// virtual clock. Moving the clock answers only after the worker has done what
// became due, so a script sees the same transcript as against one process.

const TOKEN = 'scale-clock-owner-token-0123456789';
const HOUR = 3_600_000;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const up = await scaleServicesUp('scale-mode virtual clock test');

describe('the virtual clock across an API and a worker process', () => {
  it.skipIf(!up)('a send planned an hour ahead is in the transcript when POST /sim/clock answers, not before', async () => {
    ensureBuilt();
    const workDir = mkdtempSync(join(tmpdir(), 'qunyun-scale-clock-'));
    cleanups.push(async () => rmSync(workDir, { recursive: true, force: true }));
    const pgdb = await createPgDatabase();
    cleanups.push(() => pgdb.drop());
    const prefix = redisKeyPrefix().slice(0, -1);
    cleanups.push(() => dropRedisPrefix(prefix));
    const common = {
      DATABASE_URL: pgdb.url,
      REDIS_URL: TEST_REDIS_URL,
      QUNYUN_REDIS_PREFIX: prefix,
      QUNYUN_HOST: '127.0.0.1',
      QUNYUN_CLOCK: 'virtual',
      QUNYUN_BOOTSTRAP_TOKEN: TOKEN,
      QUNYUN_LOG_LEVEL: 'warn',
      QUNYUN_DEMO: '0',
      QUNYUN_SECRET_KEY: 'scale-clock-secret-key-0123456789abcdef',
    };
    const apiPort = await freePort();
    const workerPort = await freePort();
    const api = new ServerProcess('api', `http://127.0.0.1:${apiPort}`, serverEnv({ ...common, QUNYUN_DATA: join(workDir, 'api'), QUNYUN_PORT: String(apiPort) }), ['--role', 'api']);
    const worker = new ServerProcess('worker', `http://127.0.0.1:${workerPort}`, serverEnv({ ...common, QUNYUN_DATA: join(workDir, 'worker'), QUNYUN_PORT: String(workerPort) }), ['--role', 'worker']);
    cleanups.push(async () => void (await api.kill()), async () => void (await worker.kill()));
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${api.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(120_000),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    try {
      await api.start(120_000);
      await worker.start(120_000);
      const group = await call('POST', '/api/v1/sim/groups', { name: '早安群', people: [{ id: 'p-1', name: '小王' }] });
      expect(group.status, JSON.stringify(group.body)).toBe(201);
      const clock = await call('GET', '/api/v1/sim/clock');
      const now = clock.body.now as number;
      const send = await call('POST', '/api/v1/messages', { target: { groupId: group.body.id }, message: { type: 'text', text: '早上好' }, idempotencyKey: 'morning-1', notBefore: now + HOUR });
      expect(send.status, JSON.stringify(send.body)).toBe(202);

      const early = await call('POST', '/api/v1/sim/clock', { advanceMs: HOUR - 60_000 });
      expect(early.status).toBe(200);
      expect((await call('GET', `/api/v1/sim/transcript?chatId=${group.body.chatId as string}`)).body.items).toEqual([]);

      const onTime = await call('POST', '/api/v1/sim/clock', { advanceMs: 60_000 });
      expect(onTime.body.now).toBe(now + HOUR);
      const transcript = (await call('GET', `/api/v1/sim/transcript?chatId=${group.body.chatId as string}`)).body.items as { kind: string; text?: string; at: number }[];
      expect(transcript.map((i) => [i.kind, i.text, i.at])).toEqual([['send', '早上好', now + HOUR]]);
      const health = await fetch(`${worker.base}/healthz`);
      expect(((await health.json()) as { role: string }).role).toBe('worker');
    } catch (error) {
      if (error instanceof Error) error.message += `\n${api.tail()}\n${worker.tail()}`;
      throw error;
    }
  }, 300_000);
});
