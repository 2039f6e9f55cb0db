import type { Db, SimMemberRow } from '../../database.js';
import { fromJson, toJson } from '../../kernel/json.js';

// The platform side of the simulated world: chats, who is in them, and what
// our accounts did there (the transcript). It persists in the database.

export async function insertChat(db: Db, workspaceId: string, chat: { chatId: string; connectorId: string; name: string; now: number }): Promise<void> {
  await db.insertInto('sim_chats').values({ chat_id: chat.chatId, workspace_id: workspaceId, connector_id: chat.connectorId, name: chat.name, dismissed: 0, created_at: chat.now }).execute();
}

export async function findChat(db: Db, workspaceId: string, chatId: string) {
  return db.selectFrom('sim_chats').selectAll().where('workspace_id', '=', workspaceId).where('chat_id', '=', chatId).executeTakeFirst();
}

export async function findChats(db: Db, workspaceId: string, chatIds: string[]) {
  if (chatIds.length === 0) return [];
  return db.selectFrom('sim_chats').selectAll().where('workspace_id', '=', workspaceId).where('chat_id', 'in', chatIds).execute();
}

export async function renameChat(db: Db, workspaceId: string, chatId: string, name: string): Promise<void> {
  await db.updateTable('sim_chats').set({ name }).where('workspace_id', '=', workspaceId).where('chat_id', '=', chatId).execute();
}

export async function upsertMember(db: Db, workspaceId: string, member: { chatId: string; personExtId: string; name: string; role: string; present: boolean }): Promise<void> {
  await db
    .insertInto('sim_members')
    .values({ chat_id: member.chatId, person_ext_id: member.personExtId, workspace_id: workspaceId, name: member.name, role: member.role, present: member.present ? 1 : 0, muted_until: null })
    .onConflict((oc) => oc.columns(['chat_id', 'person_ext_id']).doUpdateSet({ present: member.present ? 1 : 0, name: member.name }))
    .execute();
}

export async function findMember(db: Db, workspaceId: string, chatId: string, personExtId: string): Promise<SimMemberRow | undefined> {
  return db
    .selectFrom('sim_members')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('chat_id', '=', chatId)
    .where('person_ext_id', '=', personExtId)
    .executeTakeFirst();
}

export async function setMember(db: Db, workspaceId: string, chatId: string, personExtId: string, set: Partial<SimMemberRow>): Promise<void> {
  await db.updateTable('sim_members').set(set).where('workspace_id', '=', workspaceId).where('chat_id', '=', chatId).where('person_ext_id', '=', personExtId).execute();
}

export type TranscriptEntry = {
  connectorId: string;
  chatId: string | null;
  dmPersonExtId: string | null;
  kind: string;
  accountId: string | null;
  body: Record<string, unknown>;
  actionId: string;
  at: number;
};

/** One line per action id: a resent action cannot appear twice. Answers whether it was new. */
export async function appendTranscript(db: Db, workspaceId: string, entry: TranscriptEntry): Promise<boolean> {
  const inserted = await db
    .insertInto('sim_transcript')
    .values({
      workspace_id: workspaceId,
      connector_id: entry.connectorId,
      chat_id: entry.chatId,
      dm_person_ext_id: entry.dmPersonExtId,
      kind: entry.kind,
      account_id: entry.accountId,
      body: toJson(entry.body),
      action_id: entry.actionId,
      at: entry.at,
    })
    .onConflict((oc) => oc.column('action_id').doNothing())
    .returning('seq')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function listTranscript(db: Db, workspaceId: string, filter: { chatId?: string; personExtId?: string; after?: number; limit: number }) {
  const rows = await db
    .selectFrom('sim_transcript')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(filter.chatId !== undefined, (q) => q.where('chat_id', '=', filter.chatId!))
    .$if(filter.personExtId !== undefined, (q) => q.where('dm_person_ext_id', '=', filter.personExtId!).where('chat_id', 'is', null))
    .$if(filter.after !== undefined, (q) => q.where('seq', '>', filter.after!))
    .orderBy('seq')
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), at: r.at, kind: r.kind, accountId: r.account_id, actionId: r.action_id, body: fromJson<Record<string, unknown>>(r.body, {}) }));
}

export async function sentAmong(db: Db, actionIds: string[]): Promise<Set<string>> {
  if (actionIds.length === 0) return new Set();
  const rows = await db.selectFrom('sim_transcript').select('action_id').where('action_id', 'in', actionIds).execute();
  return new Set(rows.map((r) => r.action_id));
}
