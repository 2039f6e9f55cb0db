import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from '../../database.js';
import type { Dialect } from './db.js';
import * as m0001 from './migrations/0001-core.js';
import * as m0002 from './migrations/0002-console.js';
import * as m0003 from './migrations/0003-guard.js';
import * as m0004 from './migrations/0004-scale.js';

// One history for both dialects. A migration that must branch on the dialect
// receives it explicitly; both branches run in CI.
export type DialectMigration = {
  up(db: Db, dialect: Dialect): Promise<void>;
  down(db: Db, dialect: Dialect): Promise<void>;
};

const history: Record<string, DialectMigration> = {
  '0001-core': m0001,
  '0002-console': m0002,
  '0003-guard': m0003,
  '0004-scale': m0004,
};

class InCodeProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(history)) {
      out[name] = {
        up: (db) => migration.up(db as Db, this.dialect),
        down: (db) => migration.down(db as Db, this.dialect),
      };
    }
    return out;
  }
}

export async function migrateToLatest(db: Db, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeProvider(dialect), migrationTableName: 'qy_migrations', migrationLockTableName: 'qy_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
