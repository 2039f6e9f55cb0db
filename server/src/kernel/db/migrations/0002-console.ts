import type { Db } from '../../../database.js';
import type { Dialect } from '../db.js';

// The console: staff sessions, login throttling, staff invites, the live
// feed and the demo world. Portable types only (text ids, bigint epoch ms,
// 0/1 integers, JSON as text); no dialect branch.

export async function up(db: Db, _dialect: Dialect): Promise<void> {
  const s = db.schema;

  await s
    .createTable('sessions')
    // sha256 of the cookie's secret: a database leak does not hand out sessions.
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await s.createIndex('sessions_workspace_user').on('sessions').columns(['workspace_id', 'user_id']).execute();

  await s
    .createTable('login_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // `account:<slug>:<email>` or `ip:<address>`: failures happen before any workspace is known.
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('login_failures_scope_at').on('login_failures').columns(['scope', 'at']).execute();

  await s
    .createTable('user_logins')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('last_login_at', 'bigint', (c) => c.notNull())
    .execute();

  await s
    .createTable('staff_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('accepted_user_id', 'text')
    .execute();

  await s
    .createTable('live_items')
    // Sortable (time, then arrival order): items of one virtual millisecond keep their order.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('group_name', 'text')
    .addColumn('person_id', 'text')
    .addColumn('person_name', 'text')
    .addColumn('text', 'text')
    .addColumn('action_kind', 'text')
    .addColumn('action_state', 'text')
    .execute();
  await s.createIndex('live_items_workspace_item').on('live_items').columns(['workspace_id', 'item_id']).unique().execute();
  await s.createIndex('live_items_workspace_id').on('live_items').columns(['workspace_id', 'id']).execute();
  await s.createIndex('live_items_workspace_group_id').on('live_items').columns(['workspace_id', 'group_id', 'id']).execute();

  await s
    .createTable('demo_worlds')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id'))
    .addColumn('seed', 'integer', (c) => c.notNull())
    .addColumn('persona', 'text', (c) => c.notNull())
    .addColumn('plans', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await s
    .createTable('demo_people')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // joiner | chatter | lurker | spammer | leaver | buyer
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('present', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('demo_people_pk', ['workspace_id', 'person_id'])
    .execute();
  await s.createIndex('demo_people_workspace_present').on('demo_people').columns(['workspace_id', 'present']).execute();
}

export async function down(db: Db, _dialect: Dialect): Promise<void> {
  for (const table of ['demo_people', 'demo_worlds', 'live_items', 'staff_invites', 'user_logins', 'login_failures', 'sessions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
