import type { Db, WorkspaceRow } from '../../database.js';
import { newId } from '../../kernel/ids.js';
import { fromJson, toJson } from '../../kernel/json.js';
import type { AuditEntry, Token, Workspace } from './schema.js';
import type { Role } from '../../kernel/http/principal.js';

export function toWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timeZone: row.time_zone,
    quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
    messageRetentionDays: row.message_retention_days,
    createdAt: row.created_at,
  };
}

export async function insertWorkspace(db: Db, row: WorkspaceRow): Promise<boolean> {
  const inserted = await db.insertInto('workspaces').values(row).onConflict((oc) => oc.column('slug').doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

export async function findWorkspace(db: Db, workspaceId: string): Promise<Workspace | undefined> {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
  return row ? toWorkspace(row) : undefined;
}

/** Looking a workspace up by slug is how a workspace is first found (CLI, bootstrap), so it is not scoped. */
export async function findWorkspaceBySlug(db: Db, slug: string): Promise<Workspace | undefined> {
  const row = await db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? toWorkspace(row) : undefined;
}

export async function updateWorkspace(db: Db, workspaceId: string, set: Partial<WorkspaceRow>): Promise<void> {
  if (Object.keys(set).length === 0) return;
  await db.updateTable('workspaces').set(set).where('id', '=', workspaceId).execute();
}

export async function listAllWorkspaceIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('workspaces').select('id').execute()).map((r) => r.id);
}

// ── tokens ──
type TokenRowLite = { id: string; name: string; role: string; created_at: number; last_used_at: number | null; revoked_at: number | null };
const toToken = (row: TokenRowLite): Token => ({
  id: row.id,
  name: row.name,
  role: row.role as Role,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export async function insertToken(
  db: Db,
  workspaceId: string,
  token: { name: string; role: Role; hash: string; createdBy: string | null; now: number },
): Promise<Token | undefined> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      id: newId('tok'),
      workspace_id: workspaceId,
      name: token.name,
      role: token.role,
      token_hash: token.hash,
      created_at: token.now,
      created_by: token.createdBy,
      last_used_at: null,
      revoked_at: null,
    })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toToken(row) : undefined;
}

export async function listTokens(db: Db, workspaceId: string): Promise<Token[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toToken);
}

export async function revokeToken(db: Db, workspaceId: string, tokenId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Credentials name their workspace, so this lookup is by hash alone. */
export async function findActiveTokenByHash(db: Db, hash: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'workspace_id', 'role', 'last_used_at'])
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchToken(db: Db, workspaceId: string, tokenId: string, now: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', tokenId).execute();
}

// ── users ──
export async function insertUser(
  db: Db,
  workspaceId: string,
  user: { login: string; name: string; role: Role; passwordHash: string | null; now: number },
): Promise<string | undefined> {
  const row = await db
    .insertInto('users')
    .values({
      id: newId('usr'),
      workspace_id: workspaceId,
      login: user.login,
      name: user.name,
      role: user.role,
      password_hash: user.passwordHash,
      created_at: user.now,
      disabled: 0,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'login']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

// ── audit ──
export async function insertAudit(db: Db, workspaceId: string, entry: { at: number; actor: string; action: string; target: string | null; detail: unknown }): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ id: newId('aud'), workspace_id: workspaceId, at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, detail: toJson(entry.detail ?? {}) })
    .execute();
}

export async function listAudit(db: Db, workspaceId: string, limit: number, before?: number): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(before !== undefined, (q) => q.where('at', '<', before!))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, detail: fromJson(r.detail, {}) }));
}
