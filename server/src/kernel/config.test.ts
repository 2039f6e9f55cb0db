import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig, redactedConfig } from './config.js';

describe('configuration', () => {
  it('runs with nothing set: SQLite in ./data, port 8080, real clock, no demo', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ dataDir: './data', port: 8080, databaseUrl: undefined, demo: false, clock: { mode: 'real' } });
    expect(config.clock.start).toBe(Date.parse('2026-01-05T00:00:00+08:00'));
  });
  it('an error names the variable that is wrong', () => {
    expect(() => loadConfig({ QUNYUN_PORT: 'eighty' })).toThrow(/QUNYUN_PORT/);
    expect(() => loadConfig({ QUNYUN_CLOCK: 'sundial' })).toThrow(ConfigError);
    expect(() => loadConfig({ QUNYUN_BOOTSTRAP_TOKEN: 'short' })).toThrow(/QUNYUN_BOOTSTRAP_TOKEN/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
  it('scale mode needs PostgreSQL as well as Redis, and namespaces its Redis keys', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL: scale mode needs DATABASE_URL/);
    const config = loadConfig({ REDIS_URL: 'redis://:hush@127.0.0.1:6379', DATABASE_URL: 'postgres://u@h/db' });
    expect(config).toMatchObject({ redisUrl: 'redis://:hush@127.0.0.1:6379', redisPrefix: 'qunyun' });
    expect(JSON.stringify(redactedConfig(config))).not.toContain('hush');
    expect(() => loadConfig({ QUNYUN_REDIS_PREFIX: 'has space' })).toThrow(/QUNYUN_REDIS_PREFIX/);
  });
    it('secrets never reach the logs', () => {
    const config = loadConfig({ QUNYUN_BOOTSTRAP_TOKEN: 'a-very-secret-token-1234', DATABASE_URL: 'postgres://u:pw@h/db' });
    const text = JSON.stringify(redactedConfig(config));
    expect(text).not.toContain('a-very-secret-token-1234');
    expect(text).not.toContain(':pw@');
  });
  it('docs/configuration.md lists every variable the server reads, with its default and meaning', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1]!, { byDefault: m[2]!.trim(), meaning: m[3]!.trim() }]));
    expect(CONFIG_VARIABLES).toContain('QUNYUN_TRUST_PROXY');
    for (const name of CONFIG_VARIABLES) {
      expect(rows.get(name), `${name} is missing from docs/configuration.md`).toBeDefined();
      expect(rows.get(name)!.meaning.length, name).toBeGreaterThan(3);
    }
  });
  it('the demo password is a secret and must be at least 8 characters', () => {
    expect(() => loadConfig({ QUNYUN_DEMO_PASSWORD: 'short' })).toThrow(/QUNYUN_DEMO_PASSWORD/);
    expect(JSON.stringify(redactedConfig(loadConfig({ QUNYUN_DEMO_PASSWORD: 'demo-secret-pass' })))).not.toContain('demo-secret-pass');
  });
});
