import type { Db, LiveItemRow } from '../../database.js';
import { newSortableId } from '../../kernel/ids.js';
import type { LiveItem } from './schema.js';

// The live feed's own record: what /live/recent shows when a page opens.
// Kept for a few days only; the durable history is in the groups module.

function toItem(row: LiveItemRow): LiveItem {
  const item: LiveItem = { id: row.item_id, type: row.type as LiveItem['type'], at: row.at, groupId: row.group_id ?? '', groupName: row.group_name ?? '' };
  if (row.person_id !== null) item.personId = row.person_id;
  if (row.person_name !== null) item.personName = row.person_name;
  if (row.text !== null) item.text = row.text;
  if (row.action_kind !== null) item.actionKind = row.action_kind;
  if (row.action_state !== null) item.actionState = row.action_state as NonNullable<LiveItem['actionState']>;
  return item;
}

/** Rows of several workspaces at once (the feed writes what arrived together); each row names its workspace. */
export async function insertItems(db: Db, rows: { workspaceId: string; item: LiveItem }[]): Promise<void> {
  if (rows.length === 0) return;
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('live_items')
      .values(
        rows.slice(i, i + 200).map(({ workspaceId, item }) => ({
          id: newSortableId('live', item.at),
          workspace_id: workspaceId,
          item_id: item.id,
          at: item.at,
          type: item.type,
          group_id: item.groupId,
          group_name: item.groupName,
          person_id: item.personId ?? null,
          person_name: item.personName ?? null,
          text: item.text ?? null,
          action_kind: item.actionKind ?? null,
          action_state: item.actionState ?? null,
        })),
      )
      .onConflict((oc) => oc.columns(['workspace_id', 'item_id']).doNothing())
      .execute();
  }
}

export async function listRecent(db: Db, workspaceId: string, filter: { groupId?: string | undefined; limit: number }): Promise<LiveItem[]> {
  const rows = await db
    .selectFrom('live_items')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(filter.groupId !== undefined, (q) => q.where('group_id', '=', filter.groupId!))
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(toItem);
}

export async function deleteOlderThan(db: Db, workspaceId: string, before: number): Promise<void> {
  await db.deleteFrom('live_items').where('workspace_id', '=', workspaceId).where('at', '<', before).execute();
}
