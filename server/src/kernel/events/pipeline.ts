import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../database.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import { toJson } from '../json.js';
import type { Logger } from '../logger.js';
import type { EventSource, PlatformEvent, PlatformEventBody, PlatformEventType } from '../../platforms/platform.js';

// adapter → ingest (validate, dedupe) → event log → handlers, in one
// transaction per event: the event row, every projection and every action the
// handlers put in the outbox commit together or not at all. A platform that
// retries an unacknowledged callback therefore never gets half an event.

export type StoredEvent = {
  id: string;
  workspaceId: string;
  connectorId: string;
  occurredAt: number;
  receivedAt: number;
  source: EventSource;
  body: PlatformEventBody;
};

/** Facts resolved by earlier handlers for later ones (members → person, groups → group). */
export type EventRefs = {
  personId?: string;
  inviterPersonId?: string;
  groupId?: string;
  membershipId?: string;
  accountId?: string;
  messageRowId?: string;
};

export type EventContext = {
  db: Db;
  workspaceId: string;
  event: StoredEvent;
  now: number;
  refs: EventRefs;
  logger: Logger;
};

export type EventHandler = {
  name: string;
  types: readonly PlatformEventType[] | 'all';
  /**
   * Core handlers (identity and membership projections) must succeed for the
   * event to count; any other handler that throws is rolled back to its
   * savepoint, logged and skipped, so one bad rule never stops the pipeline.
   */
  core?: boolean;
  handle(ctx: EventContext): Promise<void>;
};

export type IngestOutcome = { eventId: string; duplicate: boolean; failed?: string };

export type PipelineOptions = {
  db: Db;
  clock: Clock;
  logger: Logger;
  handlers: readonly EventHandler[];
  /** Called after the event's transaction committed; `handled` carries the event and what handlers resolved. */
  onIngested?: (type: PlatformEventType, outcome: 'handled' | 'duplicate' | 'failed', handled?: { event: StoredEvent; refs: EventRefs }) => void;
};

export type Pipeline = {
  ingest(workspaceId: string, events: readonly PlatformEvent[]): Promise<IngestOutcome[]>;
  /**
   * The same as ingest, in one transaction for the whole batch (seeding a
   * simulated world: one commit instead of thousands). If any event fails, the
   * batch rolls back and is ingested again one event at a time, so a bad event
   * is kept as failed exactly as ingest would keep it.
   */
  ingestBatch(workspaceId: string, events: readonly PlatformEvent[]): Promise<IngestOutcome[]>;
  /** Re-runs events whose handling failed (after a fix or a transient error). */
  retryFailed(limit?: number): Promise<number>;
};

/** The platform's id when it gives one; otherwise a hash of what happened, so a re-delivery dedupes. */
export function deriveDedupeKey(event: PlatformEvent): string {
  if (event.platformEventId) return `${event.connectorId}:${event.platformEventId}`;
  if (event.body.type === 'message') return `${event.connectorId}:msg:${event.body.messageId}`;
  const digest = createHash('sha256')
    .update(JSON.stringify([event.body, event.occurredAt]))
    .digest('base64url')
    .slice(0, 32);
  return `${event.connectorId}:d:${digest}`;
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const { db, clock, logger, handlers } = options;

  async function runHandlers(ctx: EventContext): Promise<void> {
    let savepoint = 0;
    for (const handler of handlers) {
      if (handler.types !== 'all' && !handler.types.includes(ctx.event.body.type)) continue;
      if (handler.core) {
        await handler.handle(ctx);
        continue;
      }
      const name = sql.raw(`qy_h${savepoint++}`);
      await sql`savepoint ${name}`.execute(ctx.db);
      try {
        await handler.handle(ctx);
        await sql`release savepoint ${name}`.execute(ctx.db);
      } catch (error) {
        await sql`rollback to savepoint ${name}`.execute(ctx.db);
        logger.error({ err: error, handler: handler.name, eventId: ctx.event.id }, 'event handler failed; skipped');
      }
    }
  }

  async function handleOne(workspaceId: string, event: PlatformEvent): Promise<IngestOutcome> {
    const receivedAt = clock.now();
    const stored: StoredEvent = {
      id: newId('evt'),
      workspaceId,
      connectorId: event.connectorId,
      occurredAt: event.occurredAt,
      receivedAt,
      source: event.source,
      body: event.body,
    };
    const row = {
      id: stored.id,
      workspace_id: workspaceId,
      connector_id: event.connectorId,
      type: event.body.type,
      dedupe_key: deriveDedupeKey(event),
      occurred_at: event.occurredAt,
      received_at: receivedAt,
      source: event.source,
      payload: toJson(event.body),
      attempts: 1,
      error: null,
    };
    const refs: EventRefs = {};
    try {
      const duplicate = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('events')
          .values({ ...row, state: 'handled', handled_at: receivedAt })
          .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return true;
        await runHandlers({ db: trx, workspaceId, event: stored, now: receivedAt, refs, logger });
        return false;
      });
      options.onIngested?.(event.body.type, duplicate ? 'duplicate' : 'handled', duplicate ? undefined : { event: stored, refs });
      if (duplicate) {
        const existing = await db
          .selectFrom('events')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('dedupe_key', '=', row.dedupe_key)
          .executeTakeFirstOrThrow();
        return { eventId: existing.id, duplicate: true };
      }
      return { eventId: stored.id, duplicate: false };
    } catch (error) {
      // A core projection failed: keep the event, marked failed, for a retry.
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, eventId: stored.id, type: event.body.type }, 'event handling failed');
      await db
        .insertInto('events')
        .values({ ...row, state: 'failed', handled_at: null, error: message.slice(0, 2000) })
        .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
        .execute();
      options.onIngested?.(event.body.type, 'failed');
      return { eventId: stored.id, duplicate: false, failed: message };
    }
  }

  return {
    async ingest(workspaceId, events) {
      const outcomes: IngestOutcome[] = [];
      for (const event of events) outcomes.push(await handleOne(workspaceId, event));
      return outcomes;
    },

    async ingestBatch(workspaceId, events) {
      const done: { type: PlatformEventType; handled?: { event: StoredEvent; refs: EventRefs }; outcome: IngestOutcome }[] = [];
      try {
        await db.transaction().execute(async (trx) => {
          for (const event of events) {
            const receivedAt = clock.now();
            const stored: StoredEvent = { id: newId('evt'), workspaceId, connectorId: event.connectorId, occurredAt: event.occurredAt, receivedAt, source: event.source, body: event.body };
            const dedupeKey = deriveDedupeKey(event);
            const inserted = await trx
              .insertInto('events')
              .values({ id: stored.id, workspace_id: workspaceId, connector_id: event.connectorId, type: event.body.type, dedupe_key: dedupeKey, occurred_at: event.occurredAt, received_at: receivedAt, source: event.source, payload: toJson(event.body), attempts: 1, error: null, state: 'handled', handled_at: receivedAt })
              .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
              .returning('id')
              .executeTakeFirst();
            if (!inserted) {
              const existing = await trx.selectFrom('events').select('id').where('workspace_id', '=', workspaceId).where('dedupe_key', '=', dedupeKey).executeTakeFirstOrThrow();
              done.push({ type: event.body.type, outcome: { eventId: existing.id, duplicate: true } });
              continue;
            }
            const refs: EventRefs = {};
            await runHandlers({ db: trx, workspaceId, event: stored, now: receivedAt, refs, logger });
            done.push({ type: event.body.type, handled: { event: stored, refs }, outcome: { eventId: stored.id, duplicate: false } });
          }
        });
      } catch (error) {
        logger.warn({ err: error, events: events.length }, 'batch ingest failed; ingesting one event at a time');
        return this.ingest(workspaceId, events);
      }
      for (const item of done) options.onIngested?.(item.type, item.handled ? 'handled' : 'duplicate', item.handled);
      return done.map((item) => item.outcome);
    },

    async retryFailed(limit = 100) {
      const failed = await db
        .selectFrom('events')
        .selectAll()
        .where('state', '=', 'failed')
        .orderBy('received_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      let handled = 0;
      for (const row of failed) {
        const stored: StoredEvent = {
          id: row.id,
          workspaceId: row.workspace_id,
          connectorId: row.connector_id,
          occurredAt: row.occurred_at,
          receivedAt: row.received_at,
          source: row.source as EventSource,
          body: JSON.parse(row.payload) as PlatformEventBody,
        };
        try {
          await db.transaction().execute(async (trx) => {
            const claimed = await trx
              .updateTable('events')
              .set({ state: 'handled', handled_at: clock.now(), error: null, attempts: row.attempts + 1 })
              .where('id', '=', row.id)
              .where('state', '=', 'failed')
              .executeTakeFirst();
            if (Number(claimed.numUpdatedRows) === 0) return;
            await runHandlers({ db: trx, workspaceId: row.workspace_id, event: stored, now: clock.now(), refs: {}, logger });
          });
          handled++;
        } catch (error) {
          await db
            .updateTable('events')
            .set({ attempts: row.attempts + 1, error: String(error).slice(0, 2000) })
            .where('id', '=', row.id)
            .execute();
        }
      }
      return handled;
    },
  };
}
