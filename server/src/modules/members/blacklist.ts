import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { BlacklistRow, Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import { defineErrors } from '../../kernel/errors.js';
import type { Principal } from '../../kernel/http/principal.js';
import { principalOf, typed } from '../../kernel/http/server.js';
import * as people from './store.js';

// The workspace blacklist (黑名单): a person on it is removed (or flagged to
// staff where the platform cannot remove) whenever they join any group of the
// workspace. The guard puts people here on a third offence; staff add and
// unban by hand. One row per person: unbanning keeps the row, with who and when.

export const BlacklistEntrySchema = z.object({
  personId: z.string(),
  personName: z.string().nullable(),
  reason: z.string(),
  source: z.string(),
  createdAt: z.number(),
  createdBy: z.string(),
  removedAt: z.number().nullable(),
  removedBy: z.string().nullable(),
});
export type BlacklistEntry = z.infer<typeof BlacklistEntrySchema>;

export const BlacklistAddSchema = z.object({ personId: z.string().min(1).max(64), reason: z.string().min(1).max(500) }).strict();
export const BlacklistQuerySchema = z.object({
  state: z.enum(['active', 'removed', 'all']).default('active'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const blacklistErrors = defineErrors({
  notBlacklisted: { code: 'not_blacklisted', status: 404, zh: '该客户不在黑名单中', en: 'This person is not on the blacklist' },
  personNotFound: { code: 'person_not_found', status: 404, zh: '找不到该客户', en: 'No such person' },
});

async function toEntries(db: Db, workspaceId: string, rows: BlacklistRow[]): Promise<BlacklistEntry[]> {
  const names = new Map<string, string | null>();
  for (const row of rows) names.set(row.person_id, (await people.findPerson(db, workspaceId, row.person_id))?.displayName ?? null);
  return rows.map((r) => ({
    personId: r.person_id,
    personName: names.get(r.person_id) ?? null,
    reason: r.reason,
    source: r.source,
    createdAt: r.created_at,
    createdBy: r.created_by,
    removedAt: r.removed_at,
    removedBy: r.removed_by,
  }));
}

export type BlacklistService = ReturnType<typeof createBlacklistService>;
type Audit = (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db) => Promise<void>;

export function createBlacklistService(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock } = deps;
  return {
    /** Inside the caller's transaction (an event handler): is this person banned now? */
    async isBlacklisted(on: Db, workspaceId: string, personId: string): Promise<boolean> {
      const row = await on
        .selectFrom('blacklist')
        .select('person_id')
        .where('workspace_id', '=', workspaceId)
        .where('person_id', '=', personId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Bans (or re-bans) a person; idempotent for one who is already banned. */
    async add(on: Db, workspaceId: string, entry: { personId: string; reason: string; source: string; actor: string }, now: number): Promise<void> {
      await on
        .insertInto('blacklist')
        .values({ workspace_id: workspaceId, person_id: entry.personId, reason: entry.reason, source: entry.source, created_at: now, created_by: entry.actor, removed_at: null, removed_by: null })
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'person_id']).doUpdateSet({ reason: entry.reason, source: entry.source, created_at: now, created_by: entry.actor, removed_at: null, removed_by: null }).where('blacklist.removed_at', 'is not', null),
        )
        .execute();
    },

    async countActive(workspaceId: string): Promise<number> {
      const row = await db
        .selectFrom('blacklist')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async list(workspaceId: string, query: z.infer<typeof BlacklistQuerySchema>): Promise<BlacklistEntry[]> {
      const rows = await db
        .selectFrom('blacklist')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .$if(query.state === 'active', (q) => q.where('removed_at', 'is', null))
        .$if(query.state === 'removed', (q) => q.where('removed_at', 'is not', null))
        .orderBy('created_at', 'desc')
        .limit(query.limit)
        .execute();
      return toEntries(db, workspaceId, rows);
    },

    async addByStaff(principal: Principal, input: z.infer<typeof BlacklistAddSchema>): Promise<BlacklistEntry> {
      return db.transaction().execute(async (trx) => {
        if (!(await people.findPerson(trx, principal.workspaceId, input.personId))) throw blacklistErrors.personNotFound();
        await this.add(trx, principal.workspaceId, { personId: input.personId, reason: input.reason, source: 'staff', actor: principal.actor }, clock.now());
        await deps.audit(principal.workspaceId, principal.actor, 'blacklist.add', input.personId, { reason: input.reason }, trx);
        const row = await trx.selectFrom('blacklist').selectAll().where('workspace_id', '=', principal.workspaceId).where('person_id', '=', input.personId).executeTakeFirstOrThrow();
        return (await toEntries(trx, principal.workspaceId, [row]))[0]!;
      });
    },

    /** Unban: the person may join again; the row stays as history. */
    async remove(on: Db, workspaceId: string, personId: string, actor: string, now: number): Promise<boolean> {
      const result = await on
        .updateTable('blacklist')
        .set({ removed_at: now, removed_by: actor })
        .where('workspace_id', '=', workspaceId)
        .where('person_id', '=', personId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async unban(principal: Principal, personId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (!(await this.remove(trx, principal.workspaceId, personId, principal.actor, clock.now()))) throw blacklistErrors.notBlacklisted();
        await deps.audit(principal.workspaceId, principal.actor, 'blacklist.remove', personId, {}, trx);
      });
    },
  };
}

const Params = z.object({ personId: z.string().min(1).max(64) });

export function blacklistRoutes(service: BlacklistService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);
    app.get('/api/v1/blacklist', {
      config: { role: 'viewer' },
      schema: { tags: ['members'], summary: 'The workspace blacklist (黑名单)', querystring: BlacklistQuerySchema, response: { 200: z.object({ items: z.array(BlacklistEntrySchema) }) } },
    }, async (request) => ({ items: await service.list(principalOf(request).workspaceId, request.query) }));

    app.post('/api/v1/blacklist', {
      config: { role: 'operator' },
      schema: { tags: ['members'], summary: 'Blacklist a person: removed from (or flagged in) every group they join', body: BlacklistAddSchema, response: { 201: BlacklistEntrySchema } },
    }, async (request, reply) => reply.status(201).send(await service.addByStaff(principalOf(request), request.body)));

    app.delete('/api/v1/blacklist/:personId', {
      config: { role: 'operator' },
      schema: { tags: ['members'], summary: 'Unban a person', params: Params, response: { 204: z.null() } },
    }, async (request, reply) => {
      await service.unban(principalOf(request), request.params.personId);
      return reply.status(204).send(null);
    });
  };
}
