import type { AccountRow, ConnectorRow, Db } from '../../database.js';
import { newId } from '../../kernel/ids.js';
import type { Account } from './schema.js';

export async function insertConnector(db: Db, workspaceId: string, row: Omit<ConnectorRow, 'id' | 'workspace_id'>): Promise<ConnectorRow> {
  return db.insertInto('connectors').values({ id: newId('con'), workspace_id: workspaceId, ...row }).returningAll().executeTakeFirstOrThrow();
}

export async function findConnector(db: Db, workspaceId: string, id: string): Promise<ConnectorRow | undefined> {
  return db.selectFrom('connectors').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function findSimConnector(db: Db, workspaceId: string, profile: string): Promise<ConnectorRow | undefined> {
  return db
    .selectFrom('connectors')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('platform', '=', 'simulator')
    .where('profile', '=', profile)
    .where('state', '=', 'active')
    .orderBy('created_at')
    .executeTakeFirst();
}

export async function listConnectors(db: Db, workspaceId: string): Promise<ConnectorRow[]> {
  return db.selectFrom('connectors').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
}

/** Boot loads every active connector of every workspace to start its adapter. */
export async function listAllActiveConnectors(db: Db): Promise<ConnectorRow[]> {
  return db.selectFrom('connectors').selectAll().where('state', '=', 'active').execute();
}

export async function countSimConnectors(db: Db): Promise<number> {
  const row = await db.selectFrom('connectors').select(db.fn.countAll<number>().as('n')).where('platform', '=', 'simulator').executeTakeFirst();
  return Number(row?.n ?? 0);
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    connectorId: row.connector_id,
    externalId: row.external_id,
    name: row.name,
    kind: row.kind as Account['kind'],
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
  };
}

export async function insertAccount(
  db: Db,
  workspaceId: string,
  account: { connectorId: string; externalId: string; name: string; kind: string; isDefault: boolean; now: number },
): Promise<Account | undefined> {
  const row = await db
    .insertInto('accounts')
    .values({
      id: newId('acc'),
      workspace_id: workspaceId,
      connector_id: account.connectorId,
      external_id: account.externalId,
      name: account.name,
      kind: account.kind,
      is_default: account.isDefault ? 1 : 0,
      created_at: account.now,
    })
    .onConflict((oc) => oc.columns(['connector_id', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function listAccounts(db: Db, workspaceId: string, connectorId: string): Promise<Account[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('connector_id', '=', connectorId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toAccount);
}

export async function findAccount(db: Db, workspaceId: string, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findAccountByExternalId(db: Db, workspaceId: string, connectorId: string, externalId: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('connector_id', '=', connectorId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findDefaultAccount(db: Db, workspaceId: string, connectorId: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('connector_id', '=', connectorId)
    .orderBy('is_default', 'desc')
    .orderBy('created_at')
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}
