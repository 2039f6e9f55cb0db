import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApp, type AppOptions, type QunyunApp } from '../../src/app.js';
import { loadConfig } from '../../src/kernel/config.js';
import type { Dialect } from '../../src/kernel/db/db.js';
import { createPgDatabase } from './services.js';

export const OWNER_TOKEN = 'test-owner-token-0123456789abcdef';

export type TestApp = {
  app: QunyunApp;
  /** Calls the API as the bootstrap owner (or with `token`); answers status and parsed body. */
  api<T = any>(method: string, url: string, body?: unknown, token?: string | null): Promise<{ status: number; body: T }>;
  cleanup(): Promise<void>;
};

/** A whole server in-process (no port), on a fresh database of the dialect, virtual clock by default. */
export async function startTestApp(dialect: Dialect, env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-app-'));
  const pgdb = dialect === 'postgres' ? await createPgDatabase() : null;
  const config = loadConfig({
    QUNYUN_DATA: dataDir,
    QUNYUN_CLOCK: 'virtual',
    QUNYUN_BOOTSTRAP_TOKEN: OWNER_TOKEN,
    QUNYUN_LOG_LEVEL: 'silent',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...env,
  });
  const app = await buildApp(config, { logger: pino({ level: process.env.QUNYUN_TEST_LOG ?? 'silent' }), ...options });
  await app.start();
  return {
    app,
    async api(method, url, body, token = OWNER_TOKEN) {
      const response = await app.http.inject({
        method: method as 'GET',
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      const text = response.body;
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON (metrics)
      }
      return { status: response.statusCode, body: parsed as any };
    },
    async cleanup() {
      await app.close();
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
