import type { Db } from '../../../database.js';
import type { Dialect } from '../db.js';

// The core tables. Portable types only: text ids, bigint epoch ms, 0/1
// integers, JSON as text. The one dialect branch is the transcript's
// auto-increment sequence.

export async function up(db: Db, dialect: Dialect): Promise<void> {
  const s = db.schema;

  await s.createTable('clock_state').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('now', 'bigint', (c) => c.notNull()).execute();

  await s
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('Asia/Shanghai'))
    .addColumn('quiet_start', 'text')
    .addColumn('quiet_end', 'text')
    .addColumn('message_retention_days', 'integer', (c) => c.notNull().defaultTo(180))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await s
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('users_workspace_login', ['workspace_id', 'login'])
    .execute();

  await s
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await s
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('audit_log_workspace_at').on('audit_log').columns(['workspace_id', 'at']).execute();

  await s
    .createTable('connectors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('profile', 'text')
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await s
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('accounts_connector_external', ['connector_id', 'external_id'])
    .execute();

  await s
    .createTable('people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await s.createIndex('people_workspace').on('people').columns(['workspace_id', 'created_at']).execute();

  await s
    .createTable('identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('link_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('identities_connector_external', ['connector_id', 'external_id'])
    .execute();
  await s.createIndex('identities_person').on('identities').columns(['person_id']).execute();
  await s.createIndex('identities_link').on('identities').columns(['workspace_id', 'link_key']).execute();

  await s
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id'))
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('owner_person_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('dismissed_at', 'bigint')
    .addUniqueConstraint('groups_connector_chat', ['connector_id', 'chat_id'])
    .execute();
  await s.createIndex('groups_workspace').on('groups').columns(['workspace_id', 'created_at']).execute();

  await s
    .createTable('memberships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('left_at', 'bigint')
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('inviter_person_id', 'text')
    .addColumn('left_reason', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('confidence', 'real', (c) => c.notNull())
    .addColumn('join_event_id', 'text')
    .addColumn('leave_event_id', 'text')
    .execute();
  await s.createIndex('memberships_group_person').on('memberships').columns(['group_id', 'person_id', 'joined_at']).execute();
  await s.createIndex('memberships_person').on('memberships').columns(['person_id']).execute();

  await s
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('handled_at', 'bigint')
    .addUniqueConstraint('events_workspace_dedupe', ['workspace_id', 'dedupe_key'])
    .execute();
  await s.createIndex('events_state').on('events').columns(['state', 'received_at']).execute();

  await s
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('redacted_at', 'bigint')
    .execute();
  await s.createIndex('messages_group_at').on('messages').columns(['group_id', 'at']).execute();
  await s.createIndex('messages_workspace_at').on('messages').columns(['workspace_id', 'at']).execute();
  await s.createIndex('messages_person').on('messages').columns(['person_id']).execute();

  await s
    .createTable('actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text')
    .addColumn('person_external_id', 'text')
    .addColumn('group_id', 'text')
    .addColumn('person_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint')
    .addColumn('sent_at', 'bigint')
    .addColumn('platform_ref', 'text')
    .addColumn('error', 'text')
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text')
    .addUniqueConstraint('actions_workspace_key', ['workspace_id', 'idempotency_key'])
    .execute();
  await s.createIndex('actions_due').on('actions').columns(['state', 'not_before', 'priority']).execute();
  await s.createIndex('actions_account_sent').on('actions').columns(['account_id', 'sent_at']).execute();
  await s.createIndex('actions_workspace_created').on('actions').columns(['workspace_id', 'created_at']).execute();

  await s
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addUniqueConstraint('jobs_workspace_dedupe', ['workspace_id', 'dedupe_key'])
    .execute();
  await s.createIndex('jobs_due').on('jobs').columns(['state', 'run_at']).execute();

  await s
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('cause_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    .addColumn('assignee_role', 'text', (c) => c.notNull())
    .addColumn('assignee_user_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('person_id', 'text')
    .addColumn('action_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .addColumn('done_by', 'text')
    .addUniqueConstraint('tasks_workspace_cause', ['workspace_id', 'cause_key'])
    .execute();
  await s.createIndex('tasks_workspace_state').on('tasks').columns(['workspace_id', 'state', 'created_at']).execute();

  await s
    .createTable('sim_chats')
    .addColumn('chat_id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('dismissed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await s
    .createTable('sim_members')
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('person_ext_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('present', 'integer', (c) => c.notNull())
    .addColumn('muted_until', 'bigint')
    .addPrimaryKeyConstraint('sim_members_pk', ['chat_id', 'person_ext_id'])
    .execute();

  const seq =
    dialect === 'postgres'
      ? s.createTable('sim_transcript').addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : s.createTable('sim_transcript').addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
  await seq
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text')
    .addColumn('dm_person_ext_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('sim_transcript_chat').on('sim_transcript').columns(['workspace_id', 'chat_id', 'seq']).execute();
  await s.createIndex('sim_transcript_dm').on('sim_transcript').columns(['workspace_id', 'dm_person_ext_id', 'seq']).execute();
}

export async function down(db: Db): Promise<void> {
  for (const table of [
    'sim_transcript', 'sim_members', 'sim_chats', 'tasks', 'jobs', 'actions', 'messages', 'events', 'memberships',
    'groups', 'identities', 'people', 'accounts', 'connectors', 'audit_log', 'api_tokens', 'users', 'workspaces', 'clock_state',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
