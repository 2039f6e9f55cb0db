import { isPostgresUp, isRedisUp, isRequired, PG_ADMIN_URL, REDIS_HOST, REDIS_PORT } from './services.js';

// Says loudly which service suites run; fails at once when a required one is missing.
export default async function setup(): Promise<void> {
  const status = { postgres: await isPostgresUp(), redis: await isRedisUp() };
  for (const service of ['postgres', 'redis'] as const) {
    if (status[service]) continue;
    const where = service === 'postgres' ? PG_ADMIN_URL : `${REDIS_HOST}:${REDIS_PORT}`;
    if (isRequired(service)) throw new Error(`${service} is required for this run (QUNYUN_REQUIRE_SERVICES) but is not reachable at ${where}`);
    process.stderr.write(`\n!!! ${service} is not reachable at ${where}: its suites are SKIPPED in this run (CI requires them).\n\n`);
  }
}
