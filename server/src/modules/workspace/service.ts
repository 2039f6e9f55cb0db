import { hash as argon2Hash } from '@node-rs/argon2';
import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import { sha256Hex } from '../../kernel/crypto.js';
import { newId, newSecret } from '../../kernel/ids.js';
import { roleAtLeast, type Principal, type Role } from '../../kernel/http/principal.js';
import { isValidTimeZone, type QuietHours } from '../../kernel/time.js';
import { workspaceErrors } from './errors.js';
import type { Token, Workspace, WorkspacePatch } from './schema.js';
import * as store from './store.js';

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;

export function createWorkspaceService(deps: {
  db: Db;
  clock: Clock;
  /** Called once a workspace exists (created by the API, the CLI, bootstrap or the demo): schedules its daily jobs. */
  onCreated?: (workspace: Workspace) => Promise<void>;
}) {
  const { db, clock } = deps;

  async function audit(workspaceId: string, actor: string, action: string, target: string | null, detail: unknown = {}, on: Db = db): Promise<void> {
    await store.insertAudit(on, workspaceId, { at: clock.now(), actor, action, target, detail });
  }

  return {
    audit,

    async createWorkspace(input: { slug: string; name?: string; timeZone?: string }): Promise<Workspace> {
      const timeZone = input.timeZone ?? 'Asia/Shanghai';
      if (!isValidTimeZone(timeZone)) throw workspaceErrors.badTimeZone({ timeZone });
      const created = await store.insertWorkspace(db, {
        id: newId('ws'),
        slug: input.slug,
        name: input.name ?? input.slug,
        time_zone: timeZone,
        quiet_start: null,
        quiet_end: null,
        message_retention_days: 180,
        created_at: clock.now(),
      });
      if (!created) throw workspaceErrors.slugTaken({ slug: input.slug });
      const workspace = (await store.findWorkspaceBySlug(db, input.slug))!;
      await deps.onCreated?.(workspace);
      return workspace;
    },

    /** Finds or creates (used by bootstrap and the demo). */
    async ensureWorkspace(slug: string, name?: string): Promise<Workspace> {
      const existing = await store.findWorkspaceBySlug(db, slug);
      if (existing) return existing;
      await store.insertWorkspace(db, {
        id: newId('ws'),
        slug,
        name: name ?? slug,
        time_zone: 'Asia/Shanghai',
        quiet_start: null,
        quiet_end: null,
        message_retention_days: 180,
        created_at: clock.now(),
      });
      const workspace = (await store.findWorkspaceBySlug(db, slug))!;
      await deps.onCreated?.(workspace);
      return workspace;
    },

    findBySlug: (slug: string) => store.findWorkspaceBySlug(db, slug),

    async getOrThrow(workspaceId: string): Promise<Workspace> {
      const workspace = await store.findWorkspace(db, workspaceId);
      if (!workspace) throw workspaceErrors.workspaceNotFound();
      return workspace;
    },

    async update(principal: Principal, patch: WorkspacePatch): Promise<Workspace> {
      if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) throw workspaceErrors.badTimeZone({ timeZone: patch.timeZone });
      await db.transaction().execute(async (trx) => {
        await store.updateWorkspace(trx, principal.workspaceId, {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
          ...(patch.quietHours !== undefined && { quiet_start: patch.quietHours?.start ?? null, quiet_end: patch.quietHours?.end ?? null }),
          ...(patch.messageRetentionDays !== undefined && { message_retention_days: patch.messageRetentionDays }),
        });
        await audit(principal.workspaceId, principal.actor, 'workspace.update', principal.workspaceId, patch, trx);
      });
      return (await store.findWorkspace(db, principal.workspaceId))!;
    },

    async quietHoursOf(workspaceId: string): Promise<QuietHours | null> {
      const workspace = await store.findWorkspace(db, workspaceId);
      if (!workspace?.quietHours) return null;
      return { ...workspace.quietHours, timeZone: workspace.timeZone };
    },

    listWorkspaceIds: () => store.listAllWorkspaceIds(db),

    // ── tokens ──
    /** Creates a token; `value` lets bootstrap set an exact value. The plain value is returned once. */
    async createToken(workspaceId: string, input: { name: string; role: Role; value?: string; createdBy: Principal | null }): Promise<{ token: Token; value: string }> {
      if (input.createdBy && !roleAtLeast(input.createdBy.role, input.role)) throw workspaceErrors.roleTooHigh({ role: input.role });
      const value = input.value ?? `qy_${newSecret(24)}`;
      const token = await db.transaction().execute(async (trx) => {
        const created = await store.insertToken(trx, workspaceId, {
          name: input.name,
          role: input.role,
          hash: sha256Hex(value),
          createdBy: input.createdBy?.actor ?? null,
          now: clock.now(),
        });
        if (!created) throw workspaceErrors.tokenTaken();
        await audit(workspaceId, input.createdBy?.actor ?? 'system', 'token.create', created.id, { name: input.name, role: input.role }, trx);
        return created;
      });
      return { token, value };
    },

    /** The bootstrap token: created on first start with exactly the configured value, never twice. */
    async ensureBootstrapToken(workspaceId: string, value: string): Promise<void> {
      const existing = await store.findActiveTokenByHash(db, sha256Hex(value));
      if (existing) return;
      await store.insertToken(db, workspaceId, { name: 'bootstrap', role: 'owner', hash: sha256Hex(value), createdBy: null, now: clock.now() });
      await audit(workspaceId, 'system', 'token.bootstrap', null);
    },

    listTokens: (workspaceId: string) => store.listTokens(db, workspaceId),

    async revokeToken(principal: Principal, tokenId: string): Promise<void> {
      const revoked = await store.revokeToken(db, principal.workspaceId, tokenId, clock.now());
      if (!revoked) throw workspaceErrors.tokenNotFound();
      await audit(principal.workspaceId, principal.actor, 'token.revoke', tokenId);
    },

    async authenticateToken(value: string): Promise<Principal | null> {
      const row = await store.findActiveTokenByHash(db, sha256Hex(value));
      if (!row) return null;
      const now = clock.now();
      // Writing on every request would serialise reads behind writes; a minute is precise enough.
      if (row.last_used_at === null || now - row.last_used_at > 60_000) await store.touchToken(db, row.workspace_id, row.id, now);
      return { workspaceId: row.workspace_id, role: row.role as Role, actor: `token:${row.id}` };
    },

    // ── users ──
    async createUser(workspaceId: string, input: { login: string; name?: string; role: Role; password: string }): Promise<string> {
      const passwordHash = await argon2Hash(input.password);
      const id = await store.insertUser(db, workspaceId, { login: input.login, name: input.name ?? input.login, role: input.role, passwordHash, now: clock.now() });
      if (!id) throw workspaceErrors.loginTaken({ login: input.login });
      await audit(workspaceId, 'system', 'user.create', id, { login: input.login, role: input.role });
      return id;
    },

    listAudit: (workspaceId: string, limit: number, before?: number) => store.listAudit(db, workspaceId, limit, before),
  };
}
