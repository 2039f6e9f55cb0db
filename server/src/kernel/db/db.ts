import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database, Db } from '../../database.js';

export type Dialect = 'sqlite' | 'postgres';

export type DbHandle = {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
};

// pg returns int8 (bigint) columns as strings; our int8 columns are epoch ms
// and counters, all far below 2^53, so parse them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type OpenDbOptions = { databaseUrl?: string | undefined; dataDir: string; file?: string };

/** SQLite file under the data dir by default, PostgreSQL when a URL is given. */
export function openDb(options: OpenDbOptions): DbHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // A connection broken by a PostgreSQL restart must not crash the process:
    // the pool drops it, the next query opens a new one, /healthz reports the outage.
    pool.on('error', () => undefined);
    // The same for a connection that breaks while checked out between two queries: its
    // query (if any) fails, and the pool discards it on release instead of reusing it.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const sqlite = new SQLite(join(options.dataDir, options.file ?? 'qunyun.db'));
  // WAL lets readers run beside the writer; NORMAL sync survives a process crash
  // (the WAL is in the OS page cache) at a fraction of FULL's cost.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely's SQLite driver calls prepare() for every query and better-sqlite3
 * keeps no cache, so the same few dozen statements were compiled by SQLite
 * again on every event (about a fifth of the pipeline's CPU in a profile).
 * Statements are reusable until the connection closes; the cache is bounded
 * because ad-hoc SQL (IN lists of varying length) makes new texts.
 */
function withStatementCache(sqlite: SQLite.Database, limit = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver) as unknown;
        // Native methods check their receiver: call them on the real database.
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          statement = prepare(source);
          if (cache.size >= limit) cache.delete(cache.keys().next().value as string);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/** True when a unique constraint refused the row, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
