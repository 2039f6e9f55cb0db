import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

// The shared PostgreSQL and Redis of the machine. Tests never stop them and
// never touch each other's data: every test file makes its own database and
// its own Redis key prefix. When QUNYUN_REQUIRE_SERVICES names a service (CI
// does), a missing one fails the run; elsewhere its suites skip with a notice.

export const PG_ADMIN_URL = process.env.QUNYUN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_HOST = process.env.QUNYUN_TEST_REDIS_HOST ?? '127.0.0.1';
export const REDIS_PORT = Number(process.env.QUNYUN_TEST_REDIS_PORT ?? 6379);

export function isRequired(service: 'postgres' | 'redis'): boolean {
  return (process.env.QUNYUN_REQUIRE_SERVICES ?? '').split(',').map((s) => s.trim()).includes(service);
}

export async function isPostgresUp(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function isRedisUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: REDIS_HOST, port: REDIS_PORT });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(3000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** A fresh database on the shared server; drop() removes it. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `qy_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export function redisKeyPrefix(): string {
  return `qy_test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** The dialects this run covers: SQLite always; PostgreSQL when it is up (or required). */
export async function testDialects(): Promise<('sqlite' | 'postgres')[]> {
  if (await isPostgresUp()) return ['sqlite', 'postgres'];
  if (isRequired('postgres')) throw new Error('PostgreSQL is required (QUNYUN_REQUIRE_SERVICES) but not reachable at ' + PG_ADMIN_URL);
  return ['sqlite'];
}
