import type { Db } from '../../../database.js';
import type { Dialect } from '../db.js';

// Scale mode: several worker processes share the outbox and the durable timers.
// - claimed_by: the worker process that took an action to `sending` (or a job to
//   `running`); only that worker's death lets another process recover it.
// - queued_at: when the row was handed to a BullMQ queue (PostgreSQL's wall time,
//   not the business clock); a row queued long ago and still pending was lost
//   with Redis and is queued again.
// - workers: the live worker processes; each holds a PostgreSQL advisory lock on
//   its id for as long as its connection lives, so death is seen at once.
// Embedded mode never writes these columns; the migration is portable anyway.

export async function up(db: Db, _dialect: Dialect): Promise<void> {
  const s = db.schema;
  await s.alterTable('actions').addColumn('claimed_by', 'text').execute();
  await s.alterTable('actions').addColumn('queued_at', 'bigint').execute();
  await s.alterTable('jobs').addColumn('claimed_by', 'text').execute();
  await s.alterTable('jobs').addColumn('queued_at', 'bigint').execute();
  await s.createIndex('actions_claimed_by').on('actions').columns(['claimed_by', 'state']).execute();
  await s
    .createTable('workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Db, _dialect: Dialect): Promise<void> {
  const s = db.schema;
  await s.dropTable('workers').execute();
  await s.dropIndex('actions_claimed_by').execute();
  await s.alterTable('jobs').dropColumn('queued_at').execute();
  await s.alterTable('jobs').dropColumn('claimed_by').execute();
  await s.alterTable('actions').dropColumn('queued_at').execute();
  await s.alterTable('actions').dropColumn('claimed_by').execute();
}
