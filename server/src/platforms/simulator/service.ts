import type { Db } from '../../database.js';
import { VirtualClock, type Clock } from '../../kernel/clock.js';
import type { Engine } from '../../kernel/engine.js';
import type { Pipeline, IngestOutcome } from '../../kernel/events/pipeline.js';
import type { Principal } from '../../kernel/http/principal.js';
import { newId, newSecret } from '../../kernel/ids.js';
import type { GroupService } from '../../modules/groups/index.js';
import type { ConnectorService } from '../connectors/index.js';
import type { PersonRef, PlatformEvent } from '../platform.js';
import { simErrors } from './errors.js';
import { SimEventSchema, type SimEvent, type SimGroupCreate, type TranscriptItem } from './schema.js';
import * as store from './store.js';

export type SimulatorService = ReturnType<typeof createSimulatorService>;

/** A simulated person is the same human in every simulated group: the id links identities. */
const personRef = (id: string, name?: string): PersonRef => ({ externalId: id, ...(name ? { name } : {}), linkKey: `sim:${id}` });

export function createSimulatorService(deps: {
  db: Db;
  clock: Clock;
  connectors: ConnectorService;
  groups: GroupService;
  pipeline: Pipeline;
  engine: Engine;
}) {
  const { db, clock, connectors } = deps;

  async function assertOn(): Promise<void> {
    if (clock instanceof VirtualClock) return;
    if (!(await connectors.hasSimulator())) throw simErrors.simulatorOff();
  }

  async function ingestAndDrain(workspaceId: string, events: PlatformEvent[]): Promise<IngestOutcome[]> {
    const outcomes = await deps.pipeline.ingest(workspaceId, events);
    await deps.engine.drain();
    return outcomes;
  }

  /** Applies the platform side of one simulated happening and answers the event the platform would send. */
  async function prepare(workspaceId: string, event: SimEvent, chats: Map<string, { connector_id: string }>): Promise<PlatformEvent> {
    const now = clock.now();
    switch (event.type) {
      case 'join': {
        const chat = chats.get(event.chatId)!;
        await store.upsertMember(db, workspaceId, { chatId: event.chatId, personExtId: event.person.id, name: event.person.name, role: 'member', present: true });
        return {
          connectorId: chat.connector_id,
          platformEventId: newId('simjoin'),
          occurredAt: now,
          source: 'sim',
          body: {
            type: 'member.joined',
            chatId: event.chatId,
            person: personRef(event.person.id, event.person.name),
            ...(event.inviterId ? { inviter: personRef(event.inviterId) } : {}),
            via: event.via ?? (event.inviterId ? 'invite' : 'unknown'),
            ...(event.inviteCode ? { inviteCode: event.inviteCode } : {}),
          },
        };
      }
      case 'leave': {
        const chat = chats.get(event.chatId)!;
        const member = await store.findMember(db, workspaceId, event.chatId, event.personId);
        await store.setMember(db, workspaceId, event.chatId, event.personId, { present: 0 });
        return {
          connectorId: chat.connector_id,
          platformEventId: newId('simleave'),
          occurredAt: now,
          source: 'sim',
          body: { type: 'member.left', chatId: event.chatId, person: personRef(event.personId, member?.name), reason: 'quit' },
        };
      }
      case 'message': {
        const chat = chats.get(event.chatId)!;
        const member = await store.findMember(db, workspaceId, event.chatId, event.personId);
        const message = event.message ?? { type: 'text' as const, text: event.text! };
        return {
          connectorId: chat.connector_id,
          occurredAt: now,
          source: 'sim',
          body: { type: 'message', chatId: event.chatId, person: personRef(event.personId, member?.name), messageId: event.id ?? newId('m'), message },
        };
      }
      case 'dm': {
        const connector = await connectors.ensureSimulator(workspaceId, event.profile);
        const account = event.accountId ?? 'bot';
        return {
          connectorId: connector.id,
          occurredAt: now,
          source: 'sim',
          body: { type: 'message', accountExternalId: account, person: personRef(event.personId, event.name), messageId: event.id ?? newId('m'), message: { type: 'text', text: event.text } },
        };
      }
      case 'friend': {
        const connector = await connectors.ensureSimulator(workspaceId, event.profile);
        await connectors.ensureAccount(workspaceId, connector.id, event.accountId, event.accountId);
        return {
          connectorId: connector.id,
          platformEventId: newId('simfriend'),
          occurredAt: now,
          source: 'sim',
          body: { type: 'friend.added', accountExternalId: event.accountId, person: personRef(event.person.id, event.person.name), ...(event.state ? { state: event.state } : {}) },
        };
      }
    }
  }

  return {
    assertOn,

    async createGroup(principal: Principal, input: SimGroupCreate) {
      await assertOn();
      const workspaceId = principal.workspaceId;
      const connector = await connectors.ensureSimulator(workspaceId, input.profile);
      const chatId = `sim-${newSecret(9)}`;
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await store.insertChat(trx, workspaceId, { chatId, connectorId: connector.id, name: input.name, now });
        for (const person of input.people) {
          await store.upsertMember(trx, workspaceId, { chatId, personExtId: person.id, name: person.name, role: person.role, present: true });
        }
      });
      for (const person of input.people) {
        if (person.role === 'staff') await connectors.ensureAccount(workspaceId, connector.id, person.id, person.name);
      }
      const owner = input.people.find((p) => p.role === 'owner');
      const events: PlatformEvent[] = [
        { connectorId: connector.id, platformEventId: `create:${chatId}`, occurredAt: now, source: 'sim', body: { type: 'group.created', chatId, name: input.name, ...(owner ? { owner: personRef(owner.id, owner.name) } : {}) } },
        ...input.people
          .filter((p) => p !== owner)
          .map((p): PlatformEvent => ({
            connectorId: connector.id,
            platformEventId: `seed:${chatId}:${p.id}`,
            occurredAt: now,
            source: 'sim',
            body: { type: 'member.joined', chatId, person: personRef(p.id, p.name), role: p.role, via: 'invite' },
          })),
      ];
      await deps.pipeline.ingestBatch(workspaceId, events);
      const row = await deps.groups.findByChat(workspaceId, connector.id, chatId);
      await deps.groups.setPlan(workspaceId, row!.id, { type: input.type, tags: input.tags });
      await deps.engine.drain();
      const group = await deps.groups.getOrThrow(workspaceId, row!.id);
      return { id: group.id, chatId, connectorId: connector.id, profile: input.profile, name: group.name, type: group.type, tags: group.tags, memberCount: group.memberCount };
    },

    /** Validates the whole batch first (400, nothing applied), then runs it through the pipeline in order. */
    async applyEvents(principal: Principal, raw: unknown[]) {
      await assertOn();
      const workspaceId = principal.workspaceId;
      const events: SimEvent[] = [];
      const problems: { index: number; message: string }[] = [];
      raw.forEach((item, index) => {
        const parsed = SimEventSchema.safeParse(item);
        if (parsed.success) events.push(parsed.data);
        else problems.push({ index, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ') });
      });
      if (problems.length > 0) throw simErrors.badEvent(problems);
      const chatIds = [...new Set(events.flatMap((e) => ('chatId' in e ? [e.chatId] : [])))];
      const chats = new Map((await store.findChats(db, workspaceId, chatIds)).map((c) => [c.chat_id, c]));
      events.forEach((event, index) => {
        if ('chatId' in event && !chats.has(event.chatId)) problems.push({ index, message: `chatId ${event.chatId} is not a simulated group of this workspace` });
      });
      if (problems.length > 0) throw simErrors.badEvent(problems);

      const outcomes: IngestOutcome[] = [];
      for (const event of events) outcomes.push(...(await ingestAndDrain(workspaceId, [await prepare(workspaceId, event, chats)])));
      return { applied: events.length, results: outcomes.map((o) => ({ eventId: o.eventId, duplicate: o.duplicate, ...(o.failed ? { failed: o.failed } : {}) })) };
    },

    /**
     * Things happen in the simulated world on behalf of the system (the demo's
     * life job): validated like applyEvents, but without draining the engine,
     * because the caller already runs inside it; due sends go out on its next round.
     */
    async play(workspaceId: string, events: SimEvent[]): Promise<IngestOutcome[]> {
      const chatIds = [...new Set(events.flatMap((e) => ('chatId' in e ? [e.chatId] : [])))];
      const chats = new Map((await store.findChats(db, workspaceId, chatIds)).map((c) => [c.chat_id, c]));
      const outcomes: IngestOutcome[] = [];
      for (const event of events) {
        if ('chatId' in event && !chats.has(event.chatId)) continue;
        outcomes.push(...(await deps.pipeline.ingest(workspaceId, [await prepare(workspaceId, event, chats)])));
      }
      return outcomes;
    },

    async advanceClock(request: { advanceMs: number } | { to: number | string }): Promise<number> {
      if (!(clock instanceof VirtualClock)) throw simErrors.clockNotVirtual({ mode: clock.mode });
      const target = 'advanceMs' in request ? clock.now() + request.advanceMs : typeof request.to === 'number' ? request.to : Date.parse(request.to);
      if (target < clock.now()) throw simErrors.clockBackwards({ now: clock.now(), to: target });
      return deps.engine.advance(target);
    },

    async transcript(principal: Principal, filter: { chatId?: string; personId?: string; after?: number; limit: number }): Promise<TranscriptItem[]> {
      await assertOn();
      if (filter.chatId !== undefined && !(await store.findChat(db, principal.workspaceId, filter.chatId))) throw simErrors.chatNotFound();
      const rows = await store.listTranscript(db, principal.workspaceId, {
        ...(filter.chatId !== undefined ? { chatId: filter.chatId } : {}),
        ...(filter.personId !== undefined ? { personExtId: filter.personId } : {}),
        ...(filter.after !== undefined ? { after: filter.after } : {}),
        limit: filter.limit,
      });
      return rows.map((row) => {
        const b = row.body as Partial<Record<'text' | 'replyTo' | 'personId', string>> & { mentions?: string[]; mentionAll?: boolean; until?: number; message?: unknown };
        const item: TranscriptItem = { seq: row.seq, at: row.at, kind: row.kind as TranscriptItem['kind'], accountId: row.accountId, actionId: row.actionId };
        if (b.text !== undefined) item.text = b.text;
        if (b.mentions !== undefined) item.mentions = b.mentions;
        if (b.mentionAll !== undefined) item.mentionAll = b.mentionAll;
        if (b.replyTo !== undefined) item.replyTo = b.replyTo;
        if (b.personId !== undefined) item.personId = b.personId;
        if (b.until !== undefined) item.until = b.until;
        if (b.message !== undefined) item.message = b.message;
        return item;
      });
    },
  };
}
