import type { Db, GroupRow, MembershipRow } from '../../database.js';
import { newId } from '../../kernel/ids.js';
import { fromJson, toJson } from '../../kernel/json.js';
import type { ChatMessage, Group, GroupQuery, Membership } from './schema.js';

function toGroup(row: GroupRow, memberCount: number): Group {
  return {
    id: row.id,
    connectorId: row.connector_id,
    chatId: row.chat_id,
    name: row.name,
    type: row.type as Group['type'],
    tags: fromJson<string[]>(row.tags, []),
    ownerPersonId: row.owner_person_id,
    state: row.state as Group['state'],
    memberCount,
    createdAt: row.created_at,
    dismissedAt: row.dismissed_at,
  };
}

export async function findGroupRowByChat(db: Db, workspaceId: string, connectorId: string, chatId: string): Promise<GroupRow | undefined> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('connector_id', '=', connectorId)
    .where('chat_id', '=', chatId)
    .executeTakeFirst();
}

/** Inserts the group unless (connector, chat) exists; answers its id either way. */
export async function insertGroup(db: Db, workspaceId: string, group: { connectorId: string; chatId: string; name: string; ownerPersonId: string | null; now: number }): Promise<string> {
  const inserted = await db
    .insertInto('groups')
    .values({
      id: newId('grp'),
      workspace_id: workspaceId,
      connector_id: group.connectorId,
      chat_id: group.chatId,
      name: group.name,
      type: 'other',
      tags: '[]',
      owner_person_id: group.ownerPersonId,
      state: 'active',
      created_at: group.now,
      dismissed_at: null,
    })
    .onConflict((oc) => oc.columns(['connector_id', 'chat_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  return (await findGroupRowByChat(db, workspaceId, group.connectorId, group.chatId))!.id;
}

export async function updateGroup(db: Db, workspaceId: string, groupId: string, set: Partial<GroupRow>): Promise<void> {
  if (Object.keys(set).length === 0) return;
  await db.updateTable('groups').set(set).where('workspace_id', '=', workspaceId).where('id', '=', groupId).execute();
}

async function memberCounts(db: Db, workspaceId: string, groupIds: string[]): Promise<Map<string, number>> {
  if (groupIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('memberships')
    .select(['group_id', db.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('group_id', 'in', groupIds)
    .where('left_at', 'is', null)
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
}

export async function findGroup(db: Db, workspaceId: string, groupId: string): Promise<Group | undefined> {
  const row = await db.selectFrom('groups').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', groupId).executeTakeFirst();
  if (!row) return undefined;
  return toGroup(row, (await memberCounts(db, workspaceId, [row.id])).get(row.id) ?? 0);
}

export async function listGroups(db: Db, workspaceId: string, query: GroupQuery): Promise<Group[]> {
  const rows = await db
    .selectFrom('groups')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(query.type !== undefined, (q) => q.where('type', '=', query.type!))
    .$if(query.state !== undefined, (q) => q.where('state', '=', query.state!))
    .$if(query.tag !== undefined, (q) => q.where('tags', 'like', `%${JSON.stringify(query.tag!).replace(/[%_]/g, '')}%`))
    .$if(query.before !== undefined, (q) => q.where('id', '<', query.before!))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  const counts = await memberCounts(db, workspaceId, rows.map((r) => r.id));
  return rows.map((row) => toGroup(row, counts.get(row.id) ?? 0));
}

// ── memberships ──
export async function findOpenMembership(db: Db, workspaceId: string, groupId: string, personId: string): Promise<MembershipRow | undefined> {
  return db
    .selectFrom('memberships')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
}

export async function insertMembership(db: Db, workspaceId: string, row: Omit<MembershipRow, 'id' | 'workspace_id'>): Promise<string> {
  const id = newId('mem');
  await db.insertInto('memberships').values({ id, workspace_id: workspaceId, ...row }).execute();
  return id;
}

export async function closeMembership(db: Db, workspaceId: string, membershipId: string, leave: { at: number; reason: string; eventId: string | null }): Promise<void> {
  await db
    .updateTable('memberships')
    .set({ left_at: leave.at, left_reason: leave.reason, leave_event_id: leave.eventId })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', membershipId)
    .execute();
}

export async function closeAllMemberships(db: Db, workspaceId: string, groupId: string, at: number, reason: string): Promise<void> {
  await db
    .updateTable('memberships')
    .set({ left_at: at, left_reason: reason })
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('left_at', 'is', null)
    .execute();
}

export async function listMemberships(db: Db, workspaceId: string, groupId: string, view: 'current' | 'history', limit: number): Promise<Membership[]> {
  const rows = await db
    .selectFrom('memberships')
    .leftJoin('people', 'people.id', 'memberships.person_id')
    .selectAll('memberships')
    .select('people.display_name')
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.group_id', '=', groupId)
    .$if(view === 'current', (q) => q.where('memberships.left_at', 'is', null))
    .orderBy('memberships.joined_at')
    .orderBy('memberships.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    personName: r.display_name ?? null,
    role: r.role,
    joinedAt: r.joined_at,
    leftAt: r.left_at,
    via: r.via,
    inviterPersonId: r.inviter_person_id,
    leftReason: r.left_reason,
    source: r.source,
    confidence: Number(r.confidence),
  }));
}

// ── chat log ──
export async function insertMessage(
  db: Db,
  workspaceId: string,
  message: { connectorId: string; groupId: string | null; personId: string; accountId: string | null; externalId: string; body: unknown; text: string; at: number },
): Promise<string> {
  const id = newId('msg');
  await db
    .insertInto('messages')
    .values({
      id,
      workspace_id: workspaceId,
      connector_id: message.connectorId,
      group_id: message.groupId,
      person_id: message.personId,
      account_id: message.accountId,
      external_id: message.externalId,
      body: toJson(message.body),
      text: message.text,
      at: message.at,
      redacted_at: null,
    })
    .execute();
  return id;
}

export async function listMessages(db: Db, workspaceId: string, groupId: string, limit: number, before?: number): Promise<ChatMessage[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .$if(before !== undefined, (q) => q.where('at', '<', before!))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, personId: r.person_id, externalId: r.external_id, at: r.at, message: fromJson(r.body, null), redacted: r.redacted_at !== null }));
}

/** Erases message content, keeping the row (who spoke when) for counts. */
export async function redactMessages(db: Db, workspaceId: string, filter: { olderThan?: number; personId?: string }, now: number): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ text: null, body: '{}', redacted_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('redacted_at', 'is', null)
    .$if(filter.olderThan !== undefined, (q) => q.where('at', '<', filter.olderThan!))
    .$if(filter.personId !== undefined, (q) => q.where('person_id', '=', filter.personId!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
