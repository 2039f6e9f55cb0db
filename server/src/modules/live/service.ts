import type { Db } from '../../database.js';
import type { Bus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import type { EventRefs, StoredEvent } from '../../kernel/events/pipeline.js';
import type { Logger } from '../../kernel/logger.js';
import type { Action } from '../../kernel/outbox/outbox.js';
import { messageText } from '../../platforms/message.js';
import type { LiveItem } from './schema.js';
import * as store from './store.js';

export type LiveService = ReturnType<typeof createLiveService>;

const KEEP_MS = 3 * 86_400_000;
const PRUNE_EVERY = 500;
const TEXT_MAX = 500;

/**
 * Feeds the live stream from facts that are already committed: events the
 * pipeline handled and outcomes of outbox actions. Each becomes a row (for
 * /live/recent) and a bus message (for open streams), in the order they came.
 */
export function createLiveService(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  bus: Bus<LiveItem>;
  /** The group's current name (groups module), or null when it is unknown. */
  groupName(workspaceId: string, groupId: string): Promise<string | null>;
}) {
  const { db, bus, logger } = deps;
  const names = new Map<string, string>();
  const inserts = new Map<string, number>();
  let chain: Promise<void> = Promise.resolve();
  /** Items resolved and waiting for their row; written together, so a busy feed costs one insert per batch. */
  let pending: { workspaceId: string; item: LiveItem }[] = [];

  async function nameOf(workspaceId: string, groupId: string): Promise<string> {
    const key = `${workspaceId}:${groupId}`;
    const cached = names.get(key);
    if (cached !== undefined) return cached;
    const name = (await deps.groupName(workspaceId, groupId)) ?? groupId;
    if (names.size > 10_000) names.clear();
    names.set(key, name);
    return name;
  }

  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await store.insertItems(db, batch);
    for (const { workspaceId, item } of batch) {
      bus.publish(workspaceId, item);
      const count = (inserts.get(workspaceId) ?? 0) + 1;
      inserts.set(workspaceId, count % PRUNE_EVERY);
      if (count % PRUNE_EVERY === 0) await store.deleteOlderThan(db, workspaceId, deps.clock.now() - KEEP_MS);
    }
  }

  function record(workspaceId: string, item: LiveItem): void {
    pending.push({ workspaceId, item });
    if (pending.length === 1) enqueue(flush);
  }

  /** One at a time, in arrival order, so the stream shows what happened in the order it happened. */
  function enqueue(work: () => Promise<void>): void {
    chain = chain.then(work).catch((error: unknown) => logger.warn({ err: error }, 'live feed item dropped'));
  }

  return {
    /** From the pipeline's onIngested: after the event committed. */
    eventHandled(handled: { event: StoredEvent; refs: EventRefs }): void {
      const { event, refs } = handled;
      const body = event.body;
      if (body.type === 'group.renamed' && refs.groupId) {
        names.delete(`${event.workspaceId}:${refs.groupId}`);
        return;
      }
      if (body.type !== 'member.joined' && body.type !== 'member.left' && body.type !== 'message') return;
      const groupId = refs.groupId;
      if (!groupId) return; // a private message: not part of a group's stream
      enqueue(async () => {
        const item: LiveItem = { id: event.id, type: body.type, at: event.occurredAt, groupId, groupName: await nameOf(event.workspaceId, groupId) };
        if (refs.personId) item.personId = refs.personId;
        if (body.person.name) item.personName = body.person.name;
        if (body.type === 'message') item.text = messageText(body.message).slice(0, TEXT_MAX);
        record(event.workspaceId, item);
      });
    },

    /** From the dispatcher's onOutcome: after the action's state committed. */
    actionFinished(action: Action, state: 'sent' | 'failed' | 'unknown'): void {
      const groupId = action.groupId;
      if (!groupId) return;
      const at = deps.clock.now();
      enqueue(async () => {
        const item: LiveItem = { id: `${action.id}:${state}`, type: 'action', at, groupId, groupName: await nameOf(action.workspaceId, groupId), actionKind: action.kind, actionState: state };
        if (action.personId) item.personId = action.personId;
        const text = action.body.message ? messageText(action.body.message) : action.body.text;
        if (text) item.text = text.slice(0, TEXT_MAX);
        record(action.workspaceId, item);
      });
    },

    recent: (workspaceId: string, filter: { groupId?: string | undefined; limit: number }) => store.listRecent(db, workspaceId, filter),

    /** Live items of the workspace (optionally one group) as they are recorded; answers the unsubscribe. */
    subscribe(workspaceId: string, groupId: string | undefined, handler: (item: LiveItem) => void): () => void {
      return bus.subscribe(workspaceId, (item) => {
        if (groupId === undefined || item.groupId === groupId) handler(item);
      });
    },

    /** Resolves when every item received so far is recorded and published. */
    async settled(): Promise<void> {
      // A step may queue another (an item resolved → its batch write): wait until nothing new was queued.
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
  };
}
