import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Principal } from '../../kernel/http/principal.js';
import type { PersonRef } from '../../platforms/platform.js';
import { memberErrors } from './errors.js';
import type { Person } from './schema.js';
import * as store from './store.js';

export type MemberService = ReturnType<typeof createMemberService>;
type Audit = (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db) => Promise<void>;
/** Other modules erase what they hold about a person (messages, memberships stay as anonymous rows). */
export type PersonEraser = (db: Db, workspaceId: string, personId: string, now: number) => Promise<void>;

export function createMemberService(deps: { db: Db; clock: Clock; audit: Audit; erasers: PersonEraser[] }) {
  const { db, clock } = deps;
  return {
    /**
     * The person behind a platform identity, created on first sight. An
     * identity is unique per (connector, external id); a link key (WeChat
     * unionid, the simulator's person id) joins identities of one person
     * across connectors. A deleted person comes back as a new person.
     */
    async resolvePerson(on: Db, workspaceId: string, connectorId: string, ref: PersonRef, now: number): Promise<string> {
      const existing = await store.findIdentity(on, workspaceId, connectorId, ref.externalId);
      if (existing) {
        if (ref.name && ref.name !== existing.name) await store.updateIdentityName(on, workspaceId, existing.id, ref.name);
        return existing.person_id;
      }
      const linked = ref.linkKey ? await store.findPersonIdByLinkKey(on, workspaceId, ref.linkKey) : undefined;
      const personId = linked ?? (await store.insertPerson(on, workspaceId, ref.name ?? null, now));
      return store.insertIdentity(on, workspaceId, {
        personId,
        connectorId,
        externalId: ref.externalId,
        name: ref.name ?? null,
        linkKey: ref.linkKey ?? null,
        now,
      });
    },

    identityOf: (on: Db, workspaceId: string, connectorId: string, externalId: string) => store.findIdentity(on, workspaceId, connectorId, externalId),

    /** The external id of a person on a connector (for sending to them). */
    async externalIdOn(workspaceId: string, personId: string, connectorId?: string): Promise<{ connectorId: string; externalId: string } | undefined> {
      const person = await store.findPerson(db, workspaceId, personId);
      const identity = person?.identities.find((i) => connectorId === undefined || i.connectorId === connectorId);
      return identity ? { connectorId: identity.connectorId, externalId: identity.externalId } : undefined;
    },

    list: (workspaceId: string, query: { q?: string | undefined; limit: number; before?: string | undefined }) => store.listPeople(db, workspaceId, query),

    /** Whether a live (not erased) person of this workspace has this id; `on` may be a transaction. */
    async existsOn(on: Db, workspaceId: string, personId: string): Promise<boolean> {
      return (await store.findPerson(on, workspaceId, personId)) !== undefined && !(await store.isDeleted(on, workspaceId, personId));
    },

    async getOrThrow(workspaceId: string, personId: string): Promise<Person> {
      const person = await store.findPerson(db, workspaceId, personId);
      if (!person) throw memberErrors.personNotFound();
      return person;
    },

    async erase(principal: Principal, personId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const now = clock.now();
        const erased = await store.erasePerson(trx, principal.workspaceId, personId, now);
        if (!erased) throw memberErrors.personNotFound();
        for (const eraser of deps.erasers) await eraser(trx, principal.workspaceId, personId, now);
        await deps.audit(principal.workspaceId, principal.actor, 'person.delete', personId, {}, trx);
      });
    },
  };
}
