import type { Db } from '../../database.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { quietHoursEnd, type QuietHours } from '../time.js';
import { supportsAction, type PlatformAdapter, type PlatformAction } from '../../platforms/platform.js';
import { SlidingWindowLimiter, type LimitCheck } from './rate-limiter.js';
import { toAction, type Action, type Lane } from './outbox.js';

// The dispatcher drains the outbox: due actions in priority order, through
// capability checks, quiet hours and rate limits, to the adapter, with retries
// and a delivery record. Delivery states: pending → sending → sent | failed |
// unknown. A send caught in `sending` by a crash is resent only when the
// adapter proves it was not delivered; otherwise it is `unknown` and a staff
// task — never sent twice.

const MAX_ATTEMPTS = 5;
const BATCH = 200;
/** Moderation and welcomes go out in quiet hours; planned content waits. */
const QUIET_HOURS_LANES: ReadonlySet<Lane> = new Set(['sop', 'broadcast', 'api']);

export type StaffReason = 'capability_missing' | 'connector_unavailable' | 'delivery_unknown' | 'delivery_failed';

export type DispatcherOptions = {
  db: Db;
  clock: Clock;
  logger: Logger;
  adapterFor(connectorId: string): PlatformAdapter | undefined;
  quietHoursOf(workspaceId: string): Promise<QuietHours | null>;
  /** Makes a staff task for an action a person must finish; returns the task id. */
  raiseTask(db: Db, action: Action, reason: StaffReason, detail: string): Promise<string>;
  onOutcome?(action: Action, state: 'sent' | 'failed' | 'unknown' | 'deferred' | 'retry'): void;
  /** Shared limits (scale mode: Redis); the default is this process's own sliding window. */
  limiter?: SharedLimiter;
  /** Scale mode: a connector created by another process is loaded here before giving up on it. */
  loadAdapters?(): Promise<void>;
  /** The worker process that claims actions (scale mode); recovery after its death is keyed on it. */
  workerId?: string;
};

/** Per-account and per-chat limits that may live outside the process. */
export type SharedLimiter = {
  tryTake(checks: readonly LimitCheck[], now: number): Promise<{ ok: true } | { ok: false; retryAt: number }>;
};

export type DispatchOutcome = 'handled' | 'not_due' | 'not_pending';

export type RecoveryReport = { requeued: number; reconciled: number; unknown: number };

export type Dispatcher = {
  dispatchDue(): Promise<number>;
  /** Dispatches one action if it is still pending and due (scale mode: a queued job names it). */
  dispatchById(id: string): Promise<DispatchOutcome>;
  /** Recovers actions found in `sending` whose claimer is gone: requeue, reconcile or unknown + task. */
  recoverInFlight(actions: readonly Action[]): Promise<RecoveryReport>;
  nextDueAt(): Promise<number | null>;
  recover(): Promise<RecoveryReport>;
  seedLimiter(): Promise<void>;
};

export function backoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempt - 1), 30 * 60_000);
}

function accountKey(action: Pick<Action, 'connectorId' | 'accountId'>): string {
  return `acct:${action.accountId ?? `${action.connectorId}:default`}`;
}

function chatKey(action: Pick<Action, 'connectorId' | 'chatId' | 'personExternalId'>): string {
  return action.chatId ? `chat:${action.connectorId}:${action.chatId}` : `dm:${action.connectorId}:${action.personExternalId}`;
}

function toPlatformAction(action: Action, account: { id: string; externalId: string } | null): PlatformAction {
  return {
    actionId: action.id,
    idempotencyKey: action.idempotencyKey,
    kind: action.kind,
    accountId: account?.id ?? null,
    accountExternalId: account?.externalId ?? null,
    chatId: action.chatId,
    personExternalId: action.personExternalId,
    message: action.body.message,
    until: action.body.until,
    text: action.body.text,
    messageId: action.body.messageId,
  };
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, clock, logger } = options;
  const limiter = new SlidingWindowLimiter();
  const shared = options.limiter;
  const workerId = options.workerId ?? null;

  /** The action's sending account, or the connector's default one. */
  async function sendingAccount(action: Action): Promise<{ id: string; externalId: string } | null> {
    const row = await db
      .selectFrom('accounts')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', action.workspaceId)
      .where('connector_id', '=', action.connectorId)
      .$if(action.accountId !== null, (q) => q.where('id', '=', action.accountId!))
      .orderBy('is_default', 'desc')
      .orderBy('created_at')
      .executeTakeFirst();
    return row ? { id: row.id, externalId: row.external_id } : null;
  }

  async function finish(action: Action, state: 'failed' | 'unknown', reason: StaffReason, detail: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const taskId = await options.raiseTask(trx, action, reason, detail);
      await trx
        .updateTable('actions')
        .set({ state, error: detail.slice(0, 2000), task_id: taskId })
        .where('id', '=', action.id)
        .execute();
    });
    options.onOutcome?.(action, state);
  }

  async function defer(action: Action, until: number, why: string): Promise<void> {
    await db.updateTable('actions').set({ not_before: until, error: why, queued_at: null }).where('id', '=', action.id).where('state', '=', 'pending').execute();
    options.onOutcome?.(action, 'deferred');
  }

  async function dispatchOne(action: Action, now: number): Promise<void> {
    let adapter = options.adapterFor(action.connectorId);
    if (!adapter && options.loadAdapters) {
      await options.loadAdapters();
      adapter = options.adapterFor(action.connectorId);
    }
    if (!adapter) return finish(action, 'failed', 'connector_unavailable', `connector ${action.connectorId} is not running`);
    if (!supportsAction(adapter.capabilities, action.kind)) {
      return finish(action, 'failed', 'capability_missing', `${adapter.platform} cannot ${action.kind}`);
    }
    if (QUIET_HOURS_LANES.has(action.lane)) {
      const quiet = await options.quietHoursOf(action.workspaceId);
      const until = quiet ? quietHoursEnd(now, quiet) : null;
      if (until !== null) return defer(action, until, 'quiet hours');
    }
    const { perChat, perAccount } = adapter.capabilities.limits;
    const checks: LimitCheck[] = [
      { key: accountKey(action), limit: perAccount },
      { key: chatKey(action), limit: perChat },
    ];
    const taken = shared ? await shared.tryTake(checks, now) : limiter.tryTake(checks, now);
    if (!taken.ok) return defer(action, taken.retryAt, 'rate limited');

    const claimed = await db
      .updateTable('actions')
      .set({ state: 'sending', claimed_at: now, attempts: action.attempts + 1, claimed_by: workerId })
      .where('id', '=', action.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;

    let result: Awaited<ReturnType<PlatformAdapter['perform']>>;
    try {
      result = await adapter.perform(toPlatformAction(action, await sendingAccount(action)));
    } catch (error) {
      result = { ok: false, failure: 'retry', code: 'adapter_threw', message: error instanceof Error ? error.message : String(error) };
    }
    const at = clock.now();
    if (result.ok) {
      await db
        .updateTable('actions')
        .set({ state: 'sent', sent_at: at, platform_ref: result.platformRef ?? null, error: null })
        .where('id', '=', action.id)
        .execute();
      options.onOutcome?.(action, 'sent');
      return;
    }
    const attempts = action.attempts + 1;
    if (result.failure === 'ambiguous') {
      // It may have arrived: resend only where the platform proves it did not.
      let delivered: boolean | null = null;
      if (adapter.capabilities.idempotentSends) delivered = false;
      else if (adapter.capabilities.listSent && adapter.listSent) {
        delivered = await adapter.listSent([action.id]).then((ids) => ids.has(action.id), () => null);
      }
      if (delivered === true) {
        await db.updateTable('actions').set({ state: 'sent', sent_at: at, error: 'reconciled after no answer' }).where('id', '=', action.id).execute();
        options.onOutcome?.(action, 'sent');
        return;
      }
      if (delivered === null) {
        await finish({ ...action, attempts }, 'unknown', 'delivery_unknown', `${result.code}: ${result.message}`);
        return;
      }
    }
    if (result.failure !== 'permanent' && attempts < MAX_ATTEMPTS) {
      await db
        .updateTable('actions')
        .set({ state: 'pending', not_before: at + (result.retryAfterMs ?? backoffMs(attempts)), error: `${result.code}: ${result.message}`.slice(0, 2000), queued_at: null })
        .where('id', '=', action.id)
        .execute();
      options.onOutcome?.(action, 'retry');
      return;
    }
    logger.warn({ actionId: action.id, code: result.code }, 'action failed');
    await finish({ ...action, attempts }, 'failed', 'delivery_failed', `${result.code}: ${result.message}`);
  }

  async function recoverInFlight(inFlight: readonly Action[]): Promise<RecoveryReport> {
    const report: RecoveryReport = { requeued: 0, reconciled: 0, unknown: 0 };
    const byConnector = new Map<string, Action[]>();
    for (const action of inFlight) byConnector.set(action.connectorId, [...(byConnector.get(action.connectorId) ?? []), action]);
    for (const [connectorId, actions] of byConnector) {
      const adapter = options.adapterFor(connectorId);
      let delivered: Set<string> | null = null;
      if (adapter?.capabilities.listSent && adapter.listSent) {
        try {
          delivered = await adapter.listSent(actions.map((a) => a.id));
        } catch (error) {
          logger.warn({ err: error, connectorId }, 'could not list sent actions; marking them unknown');
        }
      }
      for (const action of actions) {
        if (adapter?.capabilities.idempotentSends || (delivered && !delivered.has(action.id))) {
          await db
            .updateTable('actions')
            .set({ state: 'pending', error: 'requeued after restart', claimed_by: null, queued_at: null })
            .where('id', '=', action.id)
            .where('state', '=', 'sending')
            .execute();
          report.requeued++;
        } else if (delivered?.has(action.id)) {
          await db
            .updateTable('actions')
            .set({ state: 'sent', sent_at: clock.now(), error: 'reconciled after restart' })
            .where('id', '=', action.id)
            .where('state', '=', 'sending')
            .execute();
          report.reconciled++;
        } else {
          await finish(action, 'unknown', 'delivery_unknown', 'the process stopped while sending; the platform cannot say whether it arrived');
          report.unknown++;
        }
      }
    }
    if (inFlight.length > 0) logger.warn(report, 'recovered actions caught mid-flight');
    return report;
  }

  return {
    async dispatchDue() {
      let handled = 0;
      for (;;) {
        const now = clock.now();
        const rows = await db
          .selectFrom('actions')
          .selectAll()
          .where('state', '=', 'pending')
          .where('not_before', '<=', now)
          .orderBy('priority')
          .orderBy('not_before')
          .orderBy('created_at')
          .orderBy('id')
          .limit(BATCH)
          .execute();
        if (rows.length === 0) return handled;
        for (const row of rows) {
          await dispatchOne(toAction(row), now);
          handled++;
        }
        if (rows.length < BATCH) return handled;
      }
    },

    async nextDueAt() {
      const row = await db
        .selectFrom('actions')
        .select((eb) => eb.fn.min<number>('not_before').as('at'))
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return row?.at === null || row?.at === undefined ? null : Number(row.at);
    },

    async dispatchById(id) {
      const row = await db.selectFrom('actions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || row.state !== 'pending') return 'not_pending';
      const now = clock.now();
      if (row.not_before > now) {
        // Queued early (the clock moved back in another process's view): hand it back to the timer scan.
        await db.updateTable('actions').set({ queued_at: null }).where('id', '=', id).where('state', '=', 'pending').execute();
        return 'not_due';
      }
      await dispatchOne(toAction(row), now);
      return 'handled';
    },

    recoverInFlight,

    async recover() {
      const inFlight = (await db.selectFrom('actions').selectAll().where('state', '=', 'sending').execute()).map(toAction);
      return recoverInFlight(inFlight);
    },

    async seedLimiter() {
      // The widest window any platform declares here is one hour.
      const since = clock.now() - 60 * 60_000;
      const rows = await db
        .selectFrom('actions')
        .select(['connector_id', 'account_id', 'chat_id', 'person_external_id', 'sent_at'])
        .where('state', '=', 'sent')
        .where('sent_at', '>', since)
        .execute();
      for (const row of rows) {
        const ref = { connectorId: row.connector_id, accountId: row.account_id, chatId: row.chat_id, personExternalId: row.person_external_id };
        limiter.record(accountKey(ref), row.sent_at!);
        limiter.record(chatKey(ref), row.sent_at!);
      }
    },
  };
}
