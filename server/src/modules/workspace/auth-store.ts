import type { Db, SessionRow, UserRow } from '../../database.js';
import { newId } from '../../kernel/ids.js';
import type { Role } from '../../kernel/http/principal.js';

// SQL for staff login: users, sessions, failed-login counters and invites.

// ── users ──
export async function findUserByLogin(db: Db, workspaceId: string, login: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('login', '=', login).executeTakeFirst();
}

export async function findUser(db: Db, workspaceId: string, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', userId).executeTakeFirst();
}

export async function updateUser(db: Db, workspaceId: string, userId: string, set: Partial<Pick<UserRow, 'role' | 'disabled' | 'password_hash' | 'name'>>): Promise<void> {
  await db.updateTable('users').set(set).where('workspace_id', '=', workspaceId).where('id', '=', userId).execute();
}

export async function listStaff(db: Db, workspaceId: string) {
  return db
    .selectFrom('users')
    .leftJoin('user_logins', (j) => j.onRef('user_logins.user_id', '=', 'users.id').onRef('user_logins.workspace_id', '=', 'users.workspace_id'))
    .select(['users.id', 'users.login', 'users.name', 'users.role', 'users.disabled', 'users.created_at', 'user_logins.last_login_at'])
    .where('users.workspace_id', '=', workspaceId)
    .orderBy('users.created_at')
    .orderBy('users.id')
    .execute();
}

export async function countActiveOwners(db: Db, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .where('disabled', '=', 0)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * The workspaces where the same email has an active account. A login is the
 * person's identity across workspaces, so this one query is not scoped.
 */
export async function listWorkspacesOfLogin(db: Db, login: string) {
  return db
    .selectFrom('users')
    .innerJoin('workspaces', 'workspaces.id', 'users.workspace_id')
    .select(['workspaces.id', 'workspaces.slug', 'workspaces.name', 'users.role'])
    .where('users.login', '=', login)
    .where('users.disabled', '=', 0)
    .orderBy('workspaces.slug')
    .execute();
}

export async function touchLastLogin(db: Db, workspaceId: string, userId: string, at: number): Promise<void> {
  await db
    .insertInto('user_logins')
    .values({ user_id: userId, workspace_id: workspaceId, last_login_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ last_login_at: at }))
    .execute();
}

// ── sessions ──
export async function insertSession(db: Db, workspaceId: string, row: Omit<SessionRow, 'workspace_id'>): Promise<void> {
  await db.insertInto('sessions').values({ ...row, workspace_id: workspaceId }).execute();
}

/** The cookie names its session (by hash) before any workspace is known, so this lookup is by hash alone. */
export async function findSessionByHash(db: Db, idHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'sessions.user_id').onRef('users.workspace_id', '=', 'sessions.workspace_id'))
    .select([
      'sessions.id_hash',
      'sessions.workspace_id',
      'sessions.user_id',
      'sessions.csrf_token',
      'sessions.created_at',
      'sessions.expires_at',
      'sessions.last_seen_at',
      'users.login',
      'users.name',
      'users.role',
      'users.disabled',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
}

export async function touchSession(db: Db, workspaceId: string, idHash: string, set: { last_seen_at: number; expires_at: number }): Promise<void> {
  await db.updateTable('sessions').set(set).where('workspace_id', '=', workspaceId).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, workspaceId: string, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('workspace_id', '=', workspaceId).where('id_hash', '=', idHash).execute();
}

/** Ends every session of the user except `keep` (after a password change, a disable). */
export async function deleteUserSessions(db: Db, workspaceId: string, userId: string, keep?: string): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .$if(keep !== undefined, (q) => q.where('id_hash', '!=', keep!))
    .execute();
}

// ── failed logins ──
export async function insertFailure(db: Db, scope: string, at: number): Promise<void> {
  await db.insertInto('login_failures').values({ id: newId('lf'), scope, at }).execute();
}

/** Failures of the scope since `since`, oldest first. Scopes are pre-login keys, not workspace rows. */
export async function listFailures(db: Db, scope: string, since: number): Promise<number[]> {
  const rows = await db.selectFrom('login_failures').select('at').where('scope', '=', scope).where('at', '>', since).orderBy('at').execute();
  return rows.map((r) => r.at);
}

export async function clearFailures(db: Db, scope: string, before?: number): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where('scope', '=', scope)
    .$if(before !== undefined, (q) => q.where('at', '<=', before!))
    .execute();
}

// ── invites ──
export async function insertInvite(db: Db, workspaceId: string, invite: { tokenHash: string; email: string; role: Role; createdBy: string; now: number; expiresAt: number }): Promise<string> {
  const id = newId('inv');
  await db
    .insertInto('staff_invites')
    .values({ id, workspace_id: workspaceId, token_hash: invite.tokenHash, email: invite.email, role: invite.role, created_by: invite.createdBy, created_at: invite.now, expires_at: invite.expiresAt, accepted_at: null, accepted_user_id: null })
    .execute();
  return id;
}

/** The invite link carries only its token, so this lookup is by hash alone. */
export async function findInviteByHash(db: Db, tokenHash: string) {
  return db.selectFrom('staff_invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Single use: only one caller can move an open, unexpired invite to accepted. */
export async function claimInvite(db: Db, workspaceId: string, inviteId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('staff_invites')
    .set({ accepted_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', inviteId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setInviteUser(db: Db, workspaceId: string, inviteId: string, userId: string): Promise<void> {
  await db.updateTable('staff_invites').set({ accepted_user_id: userId }).where('workspace_id', '=', workspaceId).where('id', '=', inviteId).execute();
}
