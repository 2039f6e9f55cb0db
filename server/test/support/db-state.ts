import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/database.js';

// The whole database as one comparable value: every table (found at run time,
// so a module's new table is covered), every row, sorted, hashed per table.
// Used to prove that an answer of 4xx wrote nothing.

export type DbState = {
  /** table → digest of its rows */
  digests: Record<string, string>;
  /** table → rows, for the id sets of each workspace */
  rows: Record<string, Record<string, unknown>[]>;
};

export type StateOptions = {
  /** Tables whose changes a refused request may cause (the audit log): not read at all. */
  ignoreTables?: readonly string[];
  /** `table.column` values that move on any authenticated request (a token's last use). */
  ignoreColumns?: readonly string[];
};

export async function listTables(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).filter((name) => !name.startsWith('kysely_') && !name.startsWith('sqlite_')).sort();
}

export async function readState(db: Db, tables: readonly string[], options: StateOptions = {}): Promise<DbState> {
  const digests: Record<string, string> = {};
  const rows: Record<string, Record<string, unknown>[]> = {};
  for (const table of tables) {
    if (options.ignoreTables?.includes(table)) continue;
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    rows[table] = result.rows;
    const lines = result.rows
      .map((row) => {
        const kept: Record<string, unknown> = {};
        for (const key of Object.keys(row).sort()) {
          if (options.ignoreColumns?.includes(`${table}.${key}`)) continue;
          const value = row[key];
          kept[key] = Buffer.isBuffer(value) ? value.toString('base64') : value;
        }
        return JSON.stringify(kept);
      })
      .sort();
    digests[table] = createHash('sha256').update(lines.join('\n')).digest('hex');
  }
  return { digests, rows };
}

/** The tables whose content differs between two states. */
export function changedTables(before: DbState, after: DbState): string[] {
  return Object.keys(after.digests).filter((table) => before.digests[table] !== after.digests[table]);
}

/** Every id of a workspace: its own id and the `id` of every row that carries its `workspace_id`. */
export function idsOfWorkspace(state: DbState, workspaceId: string): Set<string> {
  const ids = new Set<string>([workspaceId]);
  for (const rows of Object.values(state.rows)) {
    for (const row of rows) {
      if (row.workspace_id === workspaceId && typeof row.id === 'string') ids.add(row.id);
    }
  }
  return ids;
}
