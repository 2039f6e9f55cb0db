import type { Db, IdentityRow, PersonRow } from '../../database.js';
import { newId } from '../../kernel/ids.js';
import type { Person } from './schema.js';

export async function findIdentity(db: Db, workspaceId: string, connectorId: string, externalId: string): Promise<IdentityRow | undefined> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('connector_id', '=', connectorId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function findPersonIdByLinkKey(db: Db, workspaceId: string, linkKey: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('identities')
    .innerJoin('people', 'people.id', 'identities.person_id')
    .select('identities.person_id')
    .where('identities.workspace_id', '=', workspaceId)
    .where('identities.link_key', '=', linkKey)
    .where('people.deleted_at', 'is', null)
    .orderBy('identities.created_at')
    .executeTakeFirst();
  return row?.person_id;
}

export async function insertPerson(db: Db, workspaceId: string, displayName: string | null, now: number): Promise<string> {
  const id = newId('per');
  await db.insertInto('people').values({ id, workspace_id: workspaceId, display_name: displayName, created_at: now, deleted_at: null }).execute();
  return id;
}

/** Inserts the identity unless (connector, external id) exists; answers the person it belongs to. */
export async function insertIdentity(
  db: Db,
  workspaceId: string,
  identity: { personId: string; connectorId: string; externalId: string; name: string | null; linkKey: string | null; now: number },
): Promise<string> {
  const inserted = await db
    .insertInto('identities')
    .values({
      id: newId('idt'),
      workspace_id: workspaceId,
      person_id: identity.personId,
      connector_id: identity.connectorId,
      external_id: identity.externalId,
      name: identity.name,
      link_key: identity.linkKey,
      created_at: identity.now,
    })
    .onConflict((oc) => oc.columns(['connector_id', 'external_id']).doNothing())
    .returning('person_id')
    .executeTakeFirst();
  if (inserted) return inserted.person_id;
  return (await findIdentity(db, workspaceId, identity.connectorId, identity.externalId))!.person_id;
}

export async function updateIdentityName(db: Db, workspaceId: string, identityId: string, name: string): Promise<void> {
  await db.updateTable('identities').set({ name }).where('workspace_id', '=', workspaceId).where('id', '=', identityId).execute();
}

export async function updatePersonName(db: Db, workspaceId: string, personId: string, name: string): Promise<void> {
  await db.updateTable('people').set({ display_name: name }).where('workspace_id', '=', workspaceId).where('id', '=', personId).where('deleted_at', 'is', null).execute();
}

function toPerson(row: PersonRow, identities: IdentityRow[]): Person {
  return {
    id: row.id,
    displayName: row.display_name,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    identities: identities
      .filter((i) => i.person_id === row.id)
      .map((i) => ({ id: i.id, connectorId: i.connector_id, externalId: i.external_id, name: i.name, linkKey: i.link_key })),
  };
}

export async function findPerson(db: Db, workspaceId: string, personId: string): Promise<Person | undefined> {
  const row = await db.selectFrom('people').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', personId).executeTakeFirst();
  if (!row) return undefined;
  const identities = await db.selectFrom('identities').selectAll().where('workspace_id', '=', workspaceId).where('person_id', '=', personId).execute();
  return toPerson(row, identities);
}

export async function listPeople(db: Db, workspaceId: string, query: { q?: string | undefined; limit: number; before?: string | undefined }): Promise<Person[]> {
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('deleted_at', 'is', null)
    .$if(query.q !== undefined, (q) => q.where('display_name', 'like', `%${query.q!.replace(/[%_\\]/g, '')}%`))
    .$if(query.before !== undefined, (q) => q.where('id', '<', query.before!))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .execute();
  if (rows.length === 0) return [];
  const identities = await db
    .selectFrom('identities')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('person_id', 'in', rows.map((r) => r.id))
    .execute();
  return rows.map((row) => toPerson(row, identities));
}

/** The delete-person path: the name and identities go; the id stays so counts still add up. */
export async function erasePerson(db: Db, workspaceId: string, personId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set({ display_name: null, deleted_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', personId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db.deleteFrom('identities').where('workspace_id', '=', workspaceId).where('person_id', '=', personId).execute();
  return true;
}

export async function isDeleted(db: Db, workspaceId: string, personId: string): Promise<boolean> {
  const row = await db.selectFrom('people').select('deleted_at').where('workspace_id', '=', workspaceId).where('id', '=', personId).executeTakeFirst();
  return row?.deleted_at !== null && row?.deleted_at !== undefined;
}
