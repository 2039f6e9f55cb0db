import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type DbHandle, type Dialect } from '../../src/kernel/db/db.js';
import { migrateToLatest } from '../../src/kernel/db/migrate.js';
import { createPgDatabase } from './services.js';

/** A migrated database of the dialect: a real SQLite file in a temp dir, or a fresh PostgreSQL database. */
export async function openTestDb(dialect: Dialect): Promise<{ handle: DbHandle; databaseUrl: string | undefined; dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-test-'));
  if (dialect === 'sqlite') {
    const handle = openDb({ dataDir });
    await migrateToLatest(handle.db, handle.dialect);
    return {
      handle,
      databaseUrl: undefined,
      dataDir,
      async cleanup() {
        await handle.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const pgdb = await createPgDatabase();
  const handle = openDb({ dataDir, databaseUrl: pgdb.url });
  await migrateToLatest(handle.db, handle.dialect);
  return {
    handle,
    databaseUrl: pgdb.url,
    dataDir,
    async cleanup() {
      await handle.close();
      await pgdb.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
