import type { Db } from '../../../database.js';

// The group guard (welcome, keyword replies, moderation and escalation) and
// the workspace blacklist it feeds (owned by the members module). Portable
// types only: text ids, bigint epoch ms, 0/1 integers, JSON as text.

export async function up(db: Db): Promise<void> {
  const s = db.schema;

  // Bumped by every edit of rules, lists, policies or exemptions: processes rebuild their compiled rules when it moves.
  await s
    .createTable('guard_revisions')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id'))
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();

  // Welcome, keyword-reply and behaviour rules: one table, the kind says how `config` reads.
  await s
    .createTable('guard_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('guard_rules_workspace_kind').on('guard_rules').columns(['workspace_id', 'kind', 'priority']).execute();

  await s
    .createTable('guard_word_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // The words as a JSON array: a list is read and written whole (import, edit), never word by word.
    .addColumn('words', 'text', (c) => c.notNull())
    .addColumn('word_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('guard_word_lists_workspace').on('guard_word_lists').columns(['workspace_id']).execute();

  // Hit counters of rules and word lists, apart from them: a hit must not rewrite a 20k-word list row.
  await s
    .createTable('guard_hits')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('hits', 'bigint', (c) => c.notNull())
    .addColumn('last_hit_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('guard_hits_pk', ['workspace_id', 'target_id'])
    .execute();

  // Escalation ladders: '*' is the workspace default, otherwise a group type.
  await s
    .createTable('guard_policies')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('group_type', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('decay_days', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('guard_policies_pk', ['workspace_id', 'group_type'])
    .execute();

  // Whitelisted people (KOLs, partners): never moderated.
  await s
    .createTable('guard_exemptions')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('guard_exemptions_pk', ['workspace_id', 'person_id'])
    .execute();

  await s
    .createTable('guard_violations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('offence_no', 'integer', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('pardoned_at', 'bigint')
    .addColumn('pardoned_by', 'text')
    // One violation per event: a re-delivered message never counts twice.
    .addUniqueConstraint('guard_violations_event', ['workspace_id', 'event_id'])
    .execute();
  await s.createIndex('guard_violations_person').on('guard_violations').columns(['workspace_id', 'person_id', 'at']).execute();
  await s.createIndex('guard_violations_at').on('guard_violations').columns(['workspace_id', 'at']).execute();

  await s
    .createTable('guard_reply_cooldowns')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('guard_reply_cooldowns_pk', ['workspace_id', 'rule_id', 'group_id'])
    .execute();

  // What the guard knows of each member of each group: role (exemptions), first
  // join (re-joins, new-member rules) and a pending welcome (the burst window).
  await s
    .createTable('guard_members')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('first_joined_at', 'bigint', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    // Sorts joins of the same millisecond in arrival order (names in a welcome).
    .addColumn('join_order', 'text', (c) => c.notNull())
    .addColumn('welcome_rule_id', 'text')
    .addColumn('welcome_due_at', 'bigint')
    .addPrimaryKeyConstraint('guard_members_pk', ['workspace_id', 'group_id', 'person_id'])
    .execute();
  await s.createIndex('guard_members_welcome').on('guard_members').columns(['workspace_id', 'group_id', 'welcome_rule_id', 'welcome_due_at']).execute();

  // Recent messages (a digest, never the text) for flood and spam-wave rules; pruned as it goes.
  await s
    .createTable('guard_activity')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('guard_activity_person').on('guard_activity').columns(['workspace_id', 'person_id', 'at']).execute();
  await s.createIndex('guard_activity_digest').on('guard_activity').columns(['workspace_id', 'digest', 'at']).execute();

  // members: the workspace blacklist (黑名单). One row per person; unban keeps the row with removed_at.
  await s
    .createTable('blacklist')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'bigint')
    .addColumn('removed_by', 'text')
    .addPrimaryKeyConstraint('blacklist_pk', ['workspace_id', 'person_id'])
    .execute();
}

export async function down(db: Db): Promise<void> {
  for (const table of ['blacklist', 'guard_activity', 'guard_members', 'guard_reply_cooldowns', 'guard_violations', 'guard_exemptions', 'guard_policies', 'guard_word_lists', 'guard_rules', 'guard_revisions', 'guard_hits']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
