import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Principal } from '../../kernel/http/principal.js';
import { toJson } from '../../kernel/json.js';
import { groupErrors } from './errors.js';
import type { Group, GroupPatch, GroupQuery, GroupType } from './schema.js';
import * as store from './store.js';

export type GroupService = ReturnType<typeof createGroupService>;
type Audit = (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db) => Promise<void>;

export function createGroupService(deps: {
  db: Db;
  clock: Clock;
  audit: Audit;
  /** Asked through the members module (it owns people); `on` is the caller's transaction. */
  personExists: (on: Db, workspaceId: string, personId: string) => Promise<boolean>;
}) {
  const { db, clock } = deps;
  return {
    list: (workspaceId: string, query: GroupQuery) => store.listGroups(db, workspaceId, query),

    async getOrThrow(workspaceId: string, groupId: string): Promise<Group> {
      const group = await store.findGroup(db, workspaceId, groupId);
      if (!group) throw groupErrors.groupNotFound();
      return group;
    },

    findByChat: (workspaceId: string, connectorId: string, chatId: string) => store.findGroupRowByChat(db, workspaceId, connectorId, chatId),

    async update(principal: Principal | null, workspaceId: string, groupId: string, patch: GroupPatch): Promise<Group> {
      await db.transaction().execute(async (trx) => {
        const group = await store.findGroup(trx, workspaceId, groupId);
        if (!group) throw groupErrors.groupNotFound();
        if (patch.ownerPersonId && !(await deps.personExists(trx, workspaceId, patch.ownerPersonId))) throw groupErrors.ownerNotFound({ personId: patch.ownerPersonId });
        await store.updateGroup(trx, workspaceId, groupId, {
          ...(patch.type !== undefined && { type: patch.type }),
          ...(patch.tags !== undefined && { tags: toJson([...new Set(patch.tags)]) }),
          ...(patch.ownerPersonId !== undefined && { owner_person_id: patch.ownerPersonId }),
        });
        await deps.audit(workspaceId, principal?.actor ?? 'system', 'group.update', groupId, patch, trx);
      });
      return (await store.findGroup(db, workspaceId, groupId))!;
    },

    async setPlan(workspaceId: string, groupId: string, plan: { type?: GroupType | undefined; tags?: string[] | undefined }): Promise<void> {
      await store.updateGroup(db, workspaceId, groupId, {
        ...(plan.type !== undefined && { type: plan.type }),
        ...(plan.tags !== undefined && { tags: toJson([...new Set(plan.tags)]) }),
      });
    },

    async members(workspaceId: string, groupId: string, view: 'current' | 'history', limit: number) {
      await this.getOrThrow(workspaceId, groupId);
      return store.listMemberships(db, workspaceId, groupId, view, limit);
    },

    async messages(workspaceId: string, groupId: string, limit: number, before?: number) {
      await this.getOrThrow(workspaceId, groupId);
      return store.listMessages(db, workspaceId, groupId, limit, before);
    },

    /** Retention: erase message text older than the workspace's setting. */
    redactOlderThan: (workspaceId: string, olderThan: number) => store.redactMessages(db, workspaceId, { olderThan }, clock.now()),

    /** The delete-person path for what this module holds. */
    erasePerson: async (on: Db, workspaceId: string, personId: string, now: number) => {
      await store.redactMessages(on, workspaceId, { personId }, now);
    },
  };
}
