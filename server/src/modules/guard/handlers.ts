import { z } from 'zod';
import type { Db } from '../../database.js';
import type { EventContext, EventHandler } from '../../kernel/events/pipeline.js';
import { defineJob, type JobDefinition, type ScheduleFn } from '../../kernel/jobs/jobs.js';
import { enqueueAction } from '../../kernel/outbox/outbox.js';
import { DAY } from '../../kernel/time.js';
import type { Message } from '../../platforms/message.js';
import type { Capabilities, PersonRef } from '../../platforms/platform.js';
import type { NewTask } from '../tasks/schema.js';
import { digestOf, isInScope, matchReply, pickAnswer, policyFor, staticBehaviourHit, textOf, wordHits, type Book, type GroupFacts } from './book.js';
import { WelcomeConfigSchema, type Hit, type LadderAction, type Violation } from './schema.js';
import { renderWelcome, type GuardService } from './service.js';
import * as store from './store.js';

// The guard in the event pipeline. Every handler runs inside the event's
// transaction: what it records and every action it puts in the outbox commit
// with the event or not at all. A rule that throws is rolled back to its
// savepoint and skipped by the pipeline; it never stops the other handlers.
// Idempotency keys come from the cause, so a re-run never acts twice.

export type GuardHandlerDeps = {
  guard: GuardService;
  capabilitiesOf(connectorId: string): Capabilities | undefined;
  raiseTask(on: Db, workspaceId: string, task: NewTask): Promise<string>;
  isBlacklisted(on: Db, workspaceId: string, personId: string): Promise<boolean>;
  blacklist(on: Db, workspaceId: string, entry: { personId: string; reason: string; source: string; actor: string }, now: number): Promise<void>;
  schedule: ScheduleFn;
};

const STAFF_ROLES = new Set(['owner', 'admin', 'staff']);
const WELCOME_JOB = 'guard.welcome';

const LADDER_TITLES: Record<LadderAction, string> = {
  warn: '请私聊提醒违规成员 / Warn the member privately',
  notice: '请在群内发布违规公告 / Post a notice in the group',
  mute: '平台无法禁言：请人工禁言或提醒 / The platform cannot mute: do it by hand',
  kick: '平台无法移出成员：请人工移出 / The platform cannot remove members: remove by hand',
  blacklist: '请将该成员加入黑名单 / Blacklist this member',
};

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

export function guardHandlers(deps: GuardHandlerDeps): EventHandler[] {
  const { guard } = deps;

  async function offend(ctx: EventContext, book: Book, group: GroupFacts, person: PersonRef, message: Message, messageId: string, hits: Hit[]): Promise<void> {
    const { db, workspaceId, now } = ctx;
    const personId = ctx.refs.personId!;
    const policy = policyFor(book, group.type);
    const prior = await store.countOffences(db, workspaceId, personId, now - policy.decayDays * DAY);
    const offenceNo = prior + 1;
    const hit = hits[0]!;
    const text = textOf(message);
    const evidence = {
      text,
      messageId,
      message,
      personId,
      personExternalId: person.externalId,
      personName: person.name ?? null,
      groupId: group.id,
      groupName: group.name,
      chatId: group.chatId,
      offenceNo,
      hits: hits.map((h) => ({ source: h.source, category: h.category, what: h.what })),
    };
    const violationId = await store.insertViolation(db, workspaceId, { personId, groupId: group.id, eventId: ctx.event.id, hit, evidence, offenceNo, at: now });
    if (violationId === null) return; // this event was already counted
    const step = policy.steps[Math.min(offenceNo, policy.steps.length) - 1]!;
    const caps = deps.capabilitiesOf(group.connectorId);
    const reason = hits.map((h) => (h.source === 'word' ? h.category : h.what)).filter((v, i, all) => all.indexOf(v) === i).join('、');
    const values = { nickname: person.name ?? person.externalId, reason, offence: String(offenceNo), group: group.name };
    const outcomes: Violation['actions'] = [];
    const base = { lane: 'moderation' as const, connectorId: group.connectorId, groupId: group.id, personId, cause: `guard:violation:${violationId}` };

    if (policy.recall && caps?.recall) {
      await enqueueAction(db, workspaceId, { ...base, key: `guard:${violationId}:recall`, kind: 'recall', chatId: group.chatId, messageId }, now);
      outcomes.push({ action: 'recall', outcome: 'queued' });
    }
    for (const action of step.actions) {
      if (action === 'blacklist') {
        await deps.blacklist(db, workspaceId, { personId, reason: `guard offence ${offenceNo}: ${reason}`, source: `guard:${violationId}`, actor: 'guard' }, now);
        outcomes.push({ action, outcome: 'done' });
        continue;
      }
      if (!guard.ladderCapable(action, caps)) {
        await deps.raiseTask(db, workspaceId, {
          causeKey: `guard:${violationId}:${action}`,
          title: `${LADDER_TITLES[action]} — ${values.nickname} @ ${group.name}（第 ${offenceNo} 次 / offence ${offenceNo}）`,
          detail: `「${text.slice(0, 200)}」 (${reason})`,
          evidence: { ...evidence, violationId, action, ...(action === 'mute' ? { muteMs: step.muteMs } : {}) },
          source: 'guard',
          groupId: group.id,
          personId,
          assigneeRole: 'operator',
        });
        outcomes.push({ action, outcome: 'task' });
        continue;
      }
      const key = `guard:${violationId}:${action}`;
      switch (action) {
        case 'warn':
          await enqueueAction(db, workspaceId, { ...base, key, kind: 'send', chatId: null, personExternalId: person.externalId, message: { type: 'text', text: fill(policy.warnText, values) } }, now);
          break;
        case 'notice': {
          const mention = caps?.send?.mentions === true;
          const message: Message = { type: 'text', text: fill(policy.noticeText, values), ...(mention ? { mentions: [person.externalId] } : {}) };
          await enqueueAction(db, workspaceId, { ...base, key, kind: 'send', chatId: group.chatId, message }, now);
          break;
        }
        case 'mute':
          await enqueueAction(db, workspaceId, { ...base, key, kind: 'mute', chatId: group.chatId, personExternalId: person.externalId, until: now + Math.min(step.muteMs, caps!.mute!.maxMs) }, now);
          break;
        case 'kick':
          await enqueueAction(db, workspaceId, { ...base, key, kind: 'kick', chatId: group.chatId, personExternalId: person.externalId }, now);
          break;
      }
      outcomes.push({ action, outcome: 'queued' });
    }
    await store.setViolationActions(db, workspaceId, violationId, outcomes);
    if (hit.ruleId) await store.countHit(db, workspaceId, hit.ruleId, now);
    if (hit.listId) await store.countHit(db, workspaceId, hit.listId, now);
  }

  async function historyHits(ctx: EventContext, book: Book, group: GroupFacts, text: string): Promise<Hit[]> {
    const history = book.behaviours.filter((b) => (b.config.check === 'flood' || b.config.check === 'spam_wave') && isInScope(b.rule.scope, group));
    if (history.length === 0) return [];
    const { db, workspaceId, now } = ctx;
    const personId = ctx.refs.personId!;
    const keepMs = Math.max(...history.map((b) => b.config.windowMs));
    const digest = digestOf(text || ctx.event.id);
    await store.recordActivity(db, workspaceId, { personId, groupId: group.id, digest, at: now }, keepMs);
    const hits: Hit[] = [];
    for (const { rule, config } of history) {
      const since = now - config.windowMs;
      const n = config.check === 'flood' ? await store.countRecentMessages(db, workspaceId, personId, group.id, since) : text ? await store.countGroupsWithDigest(db, workspaceId, digest, since) : 0;
      if (n >= config.count) hits.push({ source: 'behaviour', category: config.check, what: `${n} in ${config.windowMs / 1000}s`, listId: null, ruleId: rule.id });
    }
    return hits;
  }

  async function reply(ctx: EventContext, book: Book, group: GroupFacts, person: PersonRef, text: string, messageId: string): Promise<void> {
    const entry = matchReply(book, group, text);
    if (!entry) return;
    const { db, workspaceId, now } = ctx;
    if (!(await store.claimReplySlot(db, workspaceId, entry.rule.id, group.id, now, entry.config.cooldownMs))) return;
    const answer = pickAnswer(entry.config.answers, ctx.event.id);
    const caps = deps.capabilitiesOf(group.connectorId);
    const base = { key: `guard:reply:${entry.rule.id}:${ctx.event.id}`, lane: 'welcome' as const, connectorId: group.connectorId, groupId: group.id, personId: ctx.refs.personId ?? null, cause: `guard:rule:${entry.rule.id}`, kind: 'send' as const };
    if (entry.config.replyIn === 'private' && caps?.send?.direct) {
      await enqueueAction(db, workspaceId, { ...base, chatId: null, personExternalId: person.externalId, message: { type: 'text', text: answer } }, now);
    } else {
      const message: Message = {
        type: 'text',
        text: answer,
        ...(entry.config.mention && caps?.send?.mentions ? { mentions: [person.externalId] } : {}),
        ...(entry.config.mention && caps?.send?.replyTo ? { replyTo: messageId } : {}),
      };
      await enqueueAction(db, workspaceId, { ...base, chatId: group.chatId, message }, now);
    }
    await store.countHit(db, workspaceId, entry.rule.id, now);
  }

  async function welcome(ctx: EventContext, book: Book, group: GroupFacts, rejoin: boolean): Promise<void> {
    const entry = book.welcome.find((w) => isInScope(w.rule.scope, group));
    if (!entry || (rejoin && entry.config.skipRejoin)) return;
    const { db, workspaceId, now } = ctx;
    const deadline = deps.capabilitiesOf(group.connectorId)?.welcomeDeadlineMs ?? null;
    const windowMs = deadline === null ? entry.config.windowMs : Math.min(entry.config.windowMs, deadline);
    let due = await store.openBurstDue(db, workspaceId, group.id, entry.rule.id, now);
    if (due === null) {
      due = now + windowMs;
      await deps.schedule(db, workspaceId, { name: WELCOME_JOB, payload: { groupId: group.id, ruleId: entry.rule.id, dueAt: due }, runAt: due, dedupeKey: `guard:welcome:${group.id}:${entry.rule.id}:${due}` });
    }
    await store.markWelcomePending(db, workspaceId, group.id, ctx.refs.personId!, entry.rule.id, due);
  }

  return [
    {
      name: 'guard.join',
      types: ['member.joined'],
      async handle(ctx) {
        const body = ctx.event.body;
        if (body.type !== 'member.joined' || !ctx.refs.groupId || !ctx.refs.personId) return;
        const { db, workspaceId, now } = ctx;
        const { rejoin } = await store.recordJoin(db, workspaceId, { groupId: ctx.refs.groupId, personId: ctx.refs.personId, externalId: body.person.externalId, name: body.person.name ?? null, role: body.role ?? 'member', at: now });
        if (STAFF_ROLES.has(body.role ?? 'member')) return;
        const group = await guard.groupFacts(db, workspaceId, ctx.refs.groupId);
        if (!group) return;
        if (await deps.isBlacklisted(db, workspaceId, ctx.refs.personId)) {
          // A blacklisted person is removed wherever they join; where the platform cannot remove, staff are told.
          const caps = deps.capabilitiesOf(group.connectorId);
          if (caps?.kick) {
            await enqueueAction(db, workspaceId, { key: `guard:blacklist:${ctx.event.id}`, lane: 'moderation', connectorId: group.connectorId, kind: 'kick', chatId: group.chatId, personExternalId: body.person.externalId, groupId: group.id, personId: ctx.refs.personId, cause: 'guard:blacklist' }, now);
          } else {
            await deps.raiseTask(db, workspaceId, {
              causeKey: `guard:blacklist:${ctx.event.id}`,
              title: `黑名单成员入群，请人工移出 / A blacklisted person joined: remove by hand — ${body.person.name ?? body.person.externalId} @ ${group.name}`,
              evidence: { personId: ctx.refs.personId, personExternalId: body.person.externalId, personName: body.person.name ?? null, groupId: group.id, groupName: group.name, chatId: group.chatId, reason: 'blacklisted' },
              source: 'guard',
              groupId: group.id,
              personId: ctx.refs.personId,
              assigneeRole: 'operator',
            });
          }
          return;
        }
        const book = await guard.loadBook(db, workspaceId);
        if (book.welcome.length > 0) await welcome(ctx, book, group, rejoin);
      },
    },
    {
      name: 'guard.leave',
      types: ['member.left'],
      async handle(ctx) {
        if (ctx.refs.groupId && ctx.refs.personId) await store.clearPendingWelcome(ctx.db, ctx.workspaceId, ctx.refs.groupId, ctx.refs.personId);
      },
    },
    {
      name: 'guard.message',
      types: ['message'],
      async handle(ctx) {
        const body = ctx.event.body;
        if (body.type !== 'message' || !body.chatId || !ctx.refs.groupId || !ctx.refs.personId) return;
        const { db, workspaceId, now } = ctx;
        const book = await guard.loadBook(db, workspaceId);
        if (book.empty) return;
        const group = await guard.chatFacts(db, workspaceId, ctx.event.connectorId, body.chatId);
        if (!group) return;
        const member = await store.findMember(db, workspaceId, group.id, ctx.refs.personId);
        const exempt = book.exemptions.has(ctx.refs.personId) || (member !== undefined && STAFF_ROLES.has(member.role));
        const text = textOf(body.message);
        if (!exempt) {
          const hits = wordHits(book, text);
          for (const entry of book.behaviours) {
            if (!isInScope(entry.rule.scope, group)) continue;
            const hit = staticBehaviourHit(entry, body.message, text, { joinedAt: member?.joined_at ?? null, now });
            if (hit) hits.push(hit);
          }
          hits.push(...(await historyHits(ctx, book, group, text)));
          if (hits.length > 0) {
            await offend(ctx, book, group, body.person, body.message, body.messageId, hits);
            return; // a violating message gets no keyword answer
          }
        }
        await reply(ctx, book, group, body.person, text, body.messageId);
      },
    },
  ];
}

/** The end of a welcome burst: one message for everyone who joined in the window. */
export function welcomeJob(deps: { guard: GuardService; capabilitiesOf(connectorId: string): Capabilities | undefined }): JobDefinition<unknown> {
  return defineJob({
    name: WELCOME_JOB,
    payload: z.object({ groupId: z.string(), ruleId: z.string(), dueAt: z.number() }),
    maxAttempts: 3,
    backoffMs: 1000,
    async run({ db, workspaceId, payload, now }) {
      await db.transaction().execute(async (trx) => {
        const joiners = await store.takeBurst(trx, workspaceId, payload.groupId, payload.ruleId, payload.dueAt);
        if (joiners.length === 0) return;
        const rule = await store.findRule(trx, workspaceId, payload.ruleId);
        const group = await deps.guard.groupFacts(trx, workspaceId, payload.groupId);
        if (!rule || rule.enabled !== 1 || !group) return;
        const caps = deps.capabilitiesOf(group.connectorId);
        const messages = renderWelcome(WelcomeConfigSchema.parse(JSON.parse(rule.config)), group, joiners.map((j) => ({ externalId: j.external_id, name: j.name })), caps?.send?.mentions === true);
        for (const [i, message] of messages.entries()) {
          await enqueueAction(trx, workspaceId, {
            key: `guard:welcome:${group.id}:${rule.id}:${payload.dueAt}:${i}`,
            lane: 'welcome',
            connectorId: group.connectorId,
            kind: 'send',
            chatId: group.chatId,
            groupId: group.id,
            message,
            cause: `guard:rule:${rule.id}`,
          }, now);
        }
        await store.countHit(trx, workspaceId, rule.id, now);
      });
    },
  });
}
