import type { Selectable } from 'kysely';
import type { ActionRow, Db } from '../../database.js';
import { newSortableId } from '../ids.js';
import { fromJson, toJson } from '../json.js';
import type { Message } from '../../platforms/message.js';
import type { ActionKind } from '../../platforms/platform.js';

// The outbox: every outgoing action is a row with an idempotency key derived
// from its cause, unique per workspace. A second enqueue of the same cause is
// refused by the constraint (never check-then-insert) and answers the first.

/** Priority lanes: moderation > welcome > sop > api > broadcast. */
export const LANES = { moderation: 0, welcome: 1, sop: 2, api: 3, broadcast: 4 } as const;
export type Lane = keyof typeof LANES;

export type ActionState = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown';

export type ActionIntent = {
  /** Idempotency key derived from the cause, e.g. `sop:<run>:<step>:<group>`. */
  key: string;
  lane: Lane;
  connectorId: string;
  accountId?: string | null | undefined;
  kind: ActionKind;
  chatId?: string | null | undefined;
  personExternalId?: string | null | undefined;
  groupId?: string | null | undefined;
  personId?: string | null | undefined;
  message?: Message | undefined;
  until?: number | undefined;
  text?: string | undefined;
  messageId?: string | undefined;
  notBefore?: number | undefined;
  /** What caused it, for people reading the log ("api", "guard:rule_x", "sop:run_y"). */
  cause: string;
};

export type ActionBody = { message?: Message; until?: number; text?: string; messageId?: string };

export type Action = {
  id: string;
  workspaceId: string;
  idempotencyKey: string;
  connectorId: string;
  accountId: string | null;
  kind: ActionKind;
  chatId: string | null;
  personExternalId: string | null;
  groupId: string | null;
  personId: string | null;
  body: ActionBody;
  lane: Lane;
  state: ActionState;
  attempts: number;
  notBefore: number;
  createdAt: number;
  sentAt: number | null;
  platformRef: string | null;
  error: string | null;
  cause: string;
  taskId: string | null;
};

export function toAction(row: Selectable<ActionRow>): Action {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    idempotencyKey: row.idempotency_key,
    connectorId: row.connector_id,
    accountId: row.account_id,
    kind: row.kind as ActionKind,
    chatId: row.chat_id,
    personExternalId: row.person_external_id,
    groupId: row.group_id,
    personId: row.person_id,
    body: fromJson<ActionBody>(row.body, {}),
    lane: row.lane as Lane,
    state: row.state as ActionState,
    attempts: row.attempts,
    notBefore: row.not_before,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    platformRef: row.platform_ref,
    error: row.error,
    cause: row.cause,
    taskId: row.task_id,
  };
}

/** Puts an action in the outbox; the same key twice answers the first action. */
export async function enqueueAction(db: Db, workspaceId: string, intent: ActionIntent, now: number): Promise<{ action: Action; created: boolean }> {
  const body: ActionBody = {};
  if (intent.message) body.message = intent.message;
  if (intent.until !== undefined) body.until = intent.until;
  if (intent.text !== undefined) body.text = intent.text;
  if (intent.messageId !== undefined) body.messageId = intent.messageId;
  const inserted = await db
    .insertInto('actions')
    .values({
      id: newSortableId('act', now),
      workspace_id: workspaceId,
      idempotency_key: intent.key,
      connector_id: intent.connectorId,
      account_id: intent.accountId ?? null,
      kind: intent.kind,
      chat_id: intent.chatId ?? null,
      person_external_id: intent.personExternalId ?? null,
      group_id: intent.groupId ?? null,
      person_id: intent.personId ?? null,
      body: toJson(body),
      lane: intent.lane,
      priority: LANES[intent.lane],
      state: 'pending',
      attempts: 0,
      not_before: intent.notBefore ?? now,
      created_at: now,
      claimed_at: null,
      sent_at: null,
      platform_ref: null,
      error: null,
      cause: intent.cause,
      task_id: null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { action: toAction(inserted), created: true };
  const existing = await db
    .selectFrom('actions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', '=', intent.key)
    .executeTakeFirstOrThrow();
  return { action: toAction(existing), created: false };
}

export async function findAction(db: Db, workspaceId: string, id: string): Promise<Action | undefined> {
  const row = await db.selectFrom('actions').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? toAction(row) : undefined;
}

export type ActionFilter = { state?: ActionState | undefined; groupId?: string | undefined; before?: string | undefined; limit: number };

export async function listActions(db: Db, workspaceId: string, filter: ActionFilter): Promise<Action[]> {
  const rows = await db
    .selectFrom('actions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
    .$if(filter.groupId !== undefined, (q) => q.where('group_id', '=', filter.groupId!))
    .$if(filter.before !== undefined, (q) => q.where('id', '<', filter.before!))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(toAction);
}

export async function countActionsByState(db: Db): Promise<Record<string, number>> {
  const rows = await db.selectFrom('actions').select(['state', db.fn.countAll<number>().as('n')]).groupBy('state').execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
