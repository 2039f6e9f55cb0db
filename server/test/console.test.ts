import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';

// The server serves the built console at `/` with a fallback to index.html for
// client-side routes, keeps /api answers as JSON, and documents only /api.

describe('serving the console', () => {
  let built: TestApp;
  let missing: TestApp;
  const dist = mkdtempSync(join(tmpdir(), 'qunyun-dist-'));
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root">console</div>');
    writeFileSync(join(dist, 'assets', 'app-1a2b.js'), 'console.log("qunyun")');
    built = await startTestApp('sqlite', {}, { consoleRoot: dist });
    missing = await startTestApp('sqlite', {}, { consoleRoot: join(dist, 'nothing-here') });
  });
  afterAll(async () => {
    await built?.cleanup();
    await missing?.cleanup();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers index.html at / and at every console route, and files as they are', async () => {
    for (const url of ['/', '/login', '/live', '/groups/grp_123', '/settings/staff', '/invite/inv_abc?x=1']) {
      const response = await built.app.http.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('<div id="root">console</div>');
    }
    const asset = await built.app.http.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.body).toBe('console.log("qunyun")');
  });

  it('a missing file is a 404, and unknown /api paths stay JSON errors', async () => {
    expect((await built.app.http.inject({ method: 'GET', url: '/assets/gone-9z.js' })).statusCode).toBe(404);
    const api = await built.api('GET', '/api/v1/no-such-thing');
    expect(api.status).toBe(404);
    expect(api.body).toMatchObject({ code: 'not_found', message: { zh: expect.any(String), en: expect.any(String) } });
    const anonymous = await built.api('GET', '/api/v1/no-such-thing', undefined, null);
    expect(anonymous.status).toBe(401);
  });

  it('without a built console, / explains how to build it', async () => {
    const response = await missing.app.http.inject({ method: 'GET', url: '/groups' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build');
  });

  it('the OpenAPI document lists the console’s /api routes and none of the files', async () => {
    const doc = await built.api('GET', '/api/v1/openapi.json', undefined, null);
    const paths = Object.keys(doc.body.paths);
    expect(paths.every((p) => p.startsWith('/api/v1/'))).toBe(true);
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/session', '/api/v1/auth/logout', '/api/v1/auth/switch', '/api/v1/auth/password', '/api/v1/auth/accept-invite', '/api/v1/staff', '/api/v1/staff/invites', '/api/v1/staff/{id}', '/api/v1/live/stream', '/api/v1/live/recent', '/api/v1/groups', '/api/v1/tasks']) {
      expect(paths, path).toContain(path);
    }
    const documented = new Set(paths.flatMap((p) => Object.keys(doc.body.paths[p]).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`)));
    expect(documented.has('GET /api/v1/live/stream')).toBe(true);
    expect(documented.has('POST /api/v1/auth/login')).toBe(true);
  });
});
