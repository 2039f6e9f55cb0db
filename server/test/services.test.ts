import { describe, expect, it } from 'vitest';
import { isPostgresUp, isRedisUp, isRequired } from './support/services.js';

// In CI both services are required: this suite proves they were there, so a
// green run can never mean "the PostgreSQL and Redis suites silently skipped".
describe('shared services', () => {
  it.runIf(isRequired('postgres'))('PostgreSQL is reachable when required', async () => {
    expect(await isPostgresUp()).toBe(true);
  });
  it.runIf(isRequired('redis'))('Redis is reachable when required', async () => {
    expect(await isRedisUp()).toBe(true);
  });
  it('reports which services this run has', async () => {
    const up = { postgres: await isPostgresUp(), redis: await isRedisUp() };
    if (isRequired('postgres')) expect(up.postgres).toBe(true);
    if (isRequired('redis')) expect(up.redis).toBe(true);
  });
});
