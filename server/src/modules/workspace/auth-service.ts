import { timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import { sha256Hex } from '../../kernel/crypto.js';
import { commonErrors } from '../../kernel/errors.js';
import { roleAtLeast, type Principal, type Role } from '../../kernel/http/principal.js';
import { newSecret } from '../../kernel/ids.js';
import * as authStore from './auth-store.js';
import type { Login, SessionBody, Staff, StaffPatch } from './auth-schema.js';
import { authErrors, workspaceErrors } from './errors.js';
import * as store from './store.js';

export type AuthService = ReturnType<typeof createAuthService>;

// Staff login. Policy (docs/console.md):
// - sessions slide: 7 days after the last request, never more than 30 days after login;
// - 5 failures per workspace+email or 20 per IP within 15 minutes → 429 until the window frees;
// - every refusal is the same answer, and an unknown user costs the same argon2 verify.
// These durations protect real people from real attackers, so they run on
// `securityClock`: real elapsed time (a RealClock; tests inject a VirtualClock).
// The business clock may be accelerated (the demo runs a day in 24 minutes),
// and a 15-minute lock-out must not end after 15 real seconds, nor a 7-day
// session after under 3 real hours. Audit entries keep the business clock like
// every other record, so the audit log stays in one timeline.
export const SESSION_IDLE_MS = 7 * 86_400_000;
export const SESSION_MAX_MS = 30 * 86_400_000;
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const THROTTLE_PER_ACCOUNT = 5;
export const THROTTLE_PER_IP = 20;
export const INVITE_TTL_MS = 7 * 86_400_000;
/** Writing on every request would serialise reads behind writes; a minute is precise enough. */
const TOUCH_EVERY_MS = 60_000;

export type Session = {
  idHash: string;
  workspaceId: string;
  userId: string;
  login: string;
  role: Role;
  csrfToken: string;
};

export type Throttled = { retryAfterSeconds: number };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function principalOfSession(session: Session): Principal {
  return { workspaceId: session.workspaceId, role: session.role, actor: `user:${session.userId}` };
}

export function createAuthService(deps: {
  db: Db;
  /** Business time: users' creation time, like every other record. */
  clock: Clock;
  /** Real elapsed time: throttling windows, session and invite lifetimes, last login. */
  securityClock: Clock;
  audit(workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db): Promise<void>;
}) {
  const { db, clock, securityClock, audit } = deps;
  // Verified against when the user does not exist, so both refusals take as long.
  const dummyHash = argon2Hash(newSecret(16));

  async function throttledFor(scopes: { scope: string; limit: number }[], now: number): Promise<Throttled | null> {
    let wait = 0;
    for (const { scope, limit } of scopes) {
      const failures = await authStore.listFailures(db, scope, now - THROTTLE_WINDOW_MS);
      if (failures.length >= limit) wait = Math.max(wait, failures[failures.length - limit]! + THROTTLE_WINDOW_MS - now);
    }
    return wait > 0 ? { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) } : null;
  }

  async function openSession(workspaceId: string, userId: string, meta: { ip?: string | undefined; userAgent?: string | undefined }): Promise<{ secret: string; csrfToken: string }> {
    const now = securityClock.now();
    const secret = newSecret(32);
    const csrfToken = newSecret(24);
    await authStore.insertSession(db, workspaceId, {
      id_hash: sha256Hex(secret),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: now + SESSION_IDLE_MS,
      last_seen_at: now,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await authStore.touchLastLogin(db, workspaceId, userId, now);
    return { secret, csrfToken };
  }

  async function bodyOf(workspaceId: string, userId: string, csrfToken: string): Promise<SessionBody> {
    const user = await authStore.findUser(db, workspaceId, userId);
    const workspace = await store.findWorkspace(db, workspaceId);
    if (!user || !workspace) throw authErrors.unauthenticated();
    const workspaces = await authStore.listWorkspacesOfLogin(db, user.login);
    return {
      user: { id: user.id, email: user.login, name: user.name, role: user.role as Role },
      workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name, timeZone: workspace.timeZone },
      workspaces: workspaces.map((w) => ({ id: w.id, slug: w.slug, name: w.name, role: w.role as Role })),
      csrfToken,
    };
  }

  return {
    /** Answers a new session (secret for the cookie, body for the reply), or `throttled`. Ends `previous` (rotation). */
    async login(input: Login, meta: { ip: string; userAgent?: string | undefined; previous?: string | undefined }): Promise<{ secret: string; body: SessionBody } | { throttled: Throttled }> {
      const now = securityClock.now();
      const accountScope = `account:${input.workspace.toLowerCase()}:${input.email}`;
      const ipScope = `ip:${meta.ip}`;
      const throttled = await throttledFor([{ scope: accountScope, limit: THROTTLE_PER_ACCOUNT }, { scope: ipScope, limit: THROTTLE_PER_IP }], now);
      if (throttled) return { throttled };
      const workspace = await store.findWorkspaceBySlug(db, input.workspace.toLowerCase());
      const user = workspace ? await authStore.findUserByLogin(db, workspace.id, input.email) : undefined;
      const hash = user?.password_hash ?? (await dummyHash);
      const matches = await argon2Verify(hash, input.password).catch(() => false);
      if (!workspace || !user || !user.password_hash || user.disabled === 1 || !matches) {
        await authStore.insertFailure(db, accountScope, now);
        await authStore.insertFailure(db, ipScope, now);
        await authStore.clearFailures(db, accountScope, now - THROTTLE_WINDOW_MS);
        await authStore.clearFailures(db, ipScope, now - THROTTLE_WINDOW_MS);
        throw authErrors.invalidCredentials();
      }
      await authStore.clearFailures(db, accountScope);
      if (meta.previous) await this.endSession(meta.previous);
      const { secret, csrfToken } = await openSession(workspace.id, user.id, meta);
      await audit(workspace.id, `user:${user.id}`, 'auth.login', user.id, { ip: meta.ip });
      return { secret, body: await bodyOf(workspace.id, user.id, csrfToken) };
    },

    /** The live session behind a cookie secret, or null (unknown, expired, user disabled). Slides its expiry. */
    async sessionOf(secret: string): Promise<Session | null> {
      const idHash = sha256Hex(secret);
      const row = await authStore.findSessionByHash(db, idHash);
      const now = securityClock.now();
      if (!row || row.disabled === 1) return null;
      if (row.expires_at <= now) {
        await authStore.deleteSession(db, row.workspace_id, idHash);
        return null;
      }
      if (now - row.last_seen_at > TOUCH_EVERY_MS) {
        await authStore.touchSession(db, row.workspace_id, idHash, { last_seen_at: now, expires_at: Math.min(row.created_at + SESSION_MAX_MS, now + SESSION_IDLE_MS) });
      }
      return { idHash, workspaceId: row.workspace_id, userId: row.user_id, login: row.login, role: row.role as Role, csrfToken: row.csrf_token };
    },

    isCsrfValid: (session: Session, header: string | undefined) => header !== undefined && sameSecret(header, session.csrfToken),

    sessionBody: (session: Session) => bodyOf(session.workspaceId, session.userId, session.csrfToken),

    /** Ends a session by its cookie secret (logout, rotation); unknown secrets are ignored. */
    async endSession(secret: string): Promise<void> {
      const idHash = sha256Hex(secret);
      const row = await authStore.findSessionByHash(db, idHash);
      if (row) await authStore.deleteSession(db, row.workspace_id, idHash);
    },

    async logout(session: Session): Promise<void> {
      await authStore.deleteSession(db, session.workspaceId, session.idHash);
      await audit(session.workspaceId, `user:${session.userId}`, 'auth.logout', session.userId);
    },

    /** A new session in another workspace where the same email has an active account; the old one ends. */
    async switchWorkspace(session: Session, workspaceId: string, meta: { ip: string; userAgent?: string | undefined }): Promise<{ secret: string; body: SessionBody }> {
      const target = await authStore.findUserByLogin(db, workspaceId, session.login);
      if (!target || target.disabled === 1) throw authErrors.workspaceNotFound();
      await authStore.deleteSession(db, session.workspaceId, session.idHash);
      const { secret, csrfToken } = await openSession(workspaceId, target.id, meta);
      await audit(workspaceId, `user:${target.id}`, 'auth.switch', target.id, { from: session.workspaceId });
      return { secret, body: await bodyOf(workspaceId, target.id, csrfToken) };
    },

    async changePassword(session: Session, currentPassword: string, newPassword: string): Promise<void> {
      const user = await authStore.findUser(db, session.workspaceId, session.userId);
      if (!user?.password_hash || !(await argon2Verify(user.password_hash, currentPassword).catch(() => false))) throw authErrors.wrongPassword();
      const passwordHash = await argon2Hash(newPassword);
      await db.transaction().execute(async (trx) => {
        await authStore.updateUser(trx, session.workspaceId, session.userId, { password_hash: passwordHash });
        await authStore.deleteUserSessions(trx, session.workspaceId, session.userId, session.idHash);
        await audit(session.workspaceId, `user:${session.userId}`, 'auth.password_change', session.userId, {}, trx);
      });
    },

    /** Sets a password without the old one (demo bootstrap, CLI). Ends the user's sessions. */
    async setPassword(workspaceId: string, userId: string, password: string): Promise<void> {
      await authStore.updateUser(db, workspaceId, userId, { password_hash: await argon2Hash(password) });
      await authStore.deleteUserSessions(db, workspaceId, userId);
    },

    /** Makes `password` the user's password if it is not already (the demo owner on every start); sessions survive when unchanged. */
    async ensurePassword(workspaceId: string, userId: string, password: string): Promise<void> {
      const user = await authStore.findUser(db, workspaceId, userId);
      if (user?.password_hash && (await argon2Verify(user.password_hash, password).catch(() => false))) return;
      await this.setPassword(workspaceId, userId, password);
    },

    findUserByLogin: (workspaceId: string, login: string) => authStore.findUserByLogin(db, workspaceId, login),

    // ── staff ──
    async listStaff(workspaceId: string): Promise<Staff[]> {
      const rows = await authStore.listStaff(db, workspaceId);
      return rows.map((r) => ({ id: r.id, email: r.login, name: r.name, role: r.role as Role, disabled: r.disabled === 1, createdAt: r.created_at, lastLoginAt: r.last_login_at ?? null }));
    },

    async invite(principal: Principal, input: { email: string; role: Role }): Promise<{ token: string; expiresAt: number }> {
      if (!roleAtLeast(principal.role, input.role)) throw workspaceErrors.roleTooHigh({ role: input.role });
      if (await authStore.findUserByLogin(db, principal.workspaceId, input.email)) throw workspaceErrors.loginTaken({ login: input.email });
      const token = `inv_${newSecret(24)}`;
      const now = securityClock.now();
      const expiresAt = now + INVITE_TTL_MS;
      await db.transaction().execute(async (trx) => {
        const id = await authStore.insertInvite(trx, principal.workspaceId, { tokenHash: sha256Hex(token), email: input.email, role: input.role, createdBy: principal.actor, now, expiresAt });
        await audit(principal.workspaceId, principal.actor, 'staff.invite', id, { email: input.email, role: input.role }, trx);
      });
      return { token, expiresAt };
    },

    /** Creates the invited user and logs them in. The invite works once, within 7 days. */
    async acceptInvite(input: { token: string; name: string; password: string }, meta: { ip: string; userAgent?: string | undefined }): Promise<{ secret: string; body: SessionBody }> {
      const invite = await authStore.findInviteByHash(db, sha256Hex(input.token));
      const now = securityClock.now();
      if (!invite || invite.accepted_at !== null || invite.expires_at <= now) throw authErrors.inviteInvalid();
      const passwordHash = await argon2Hash(input.password);
      const userId = await db.transaction().execute(async (trx) => {
        if (!(await authStore.claimInvite(trx, invite.workspace_id, invite.id, now))) throw authErrors.inviteInvalid();
        const id = await store.insertUser(trx, invite.workspace_id, { login: invite.email, name: input.name, role: invite.role as Role, passwordHash, now: clock.now() });
        if (!id) throw workspaceErrors.loginTaken({ login: invite.email });
        await authStore.setInviteUser(trx, invite.workspace_id, invite.id, id);
        await audit(invite.workspace_id, `user:${id}`, 'staff.invite_accepted', id, { inviteId: invite.id, role: invite.role }, trx);
        return id;
      });
      const { secret, csrfToken } = await openSession(invite.workspace_id, userId, meta);
      await audit(invite.workspace_id, `user:${userId}`, 'auth.login', userId, { ip: meta.ip, via: 'invite' });
      return { secret, body: await bodyOf(invite.workspace_id, userId, csrfToken) };
    },

    async updateStaff(principal: Principal, userId: string, patch: StaffPatch): Promise<Staff> {
      const workspaceId = principal.workspaceId;
      const user = await authStore.findUser(db, workspaceId, userId);
      if (!user) throw authErrors.staffNotFound();
      if (!roleAtLeast(principal.role, user.role as Role)) throw authErrors.staffAboveYou();
      if (patch.role !== undefined && !roleAtLeast(principal.role, patch.role)) throw workspaceErrors.roleTooHigh({ role: patch.role });
      if (patch.disabled === true && principal.actor === `user:${userId}`) throw commonErrors.conflict({ reason: 'you cannot disable yourself' });
      await db.transaction().execute(async (trx) => {
        await authStore.updateUser(trx, workspaceId, userId, {
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
        });
        const losesOwner = user.role === 'owner' && user.disabled === 0 && ((patch.role !== undefined && patch.role !== 'owner') || patch.disabled === true);
        if (losesOwner && (await authStore.countActiveOwners(trx, workspaceId)) === 0) throw authErrors.lastOwner();
        if (patch.disabled === true) await authStore.deleteUserSessions(trx, workspaceId, userId);
        if (patch.role !== undefined && patch.role !== user.role) await audit(workspaceId, principal.actor, 'staff.role_change', userId, { from: user.role, to: patch.role }, trx);
        if (patch.disabled !== undefined && (patch.disabled ? 1 : 0) !== user.disabled) await audit(workspaceId, principal.actor, patch.disabled ? 'staff.disable' : 'staff.enable', userId, {}, trx);
      });
      return (await this.listStaff(workspaceId)).find((s) => s.id === userId)!;
    },
  };
}
