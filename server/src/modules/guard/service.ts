import type { Db } from '../../database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Principal } from '../../kernel/http/principal.js';
import { DAY } from '../../kernel/time.js';
import type { Message } from '../../platforms/message.js';
import type { Capabilities } from '../../platforms/platform.js';
import { supportsAction } from '../../platforms/platform.js';
import { findGroupOn, findGroupRowOn } from '../groups/index.js';
import { compileBook, isInScope, matchReply, policyFor, staticBehaviourHit, textOf, wordHits, type Book, type GroupFacts } from './book.js';
import { guardErrors } from './errors.js';
import { normalise } from './normalise.js';
import { checkRegex } from './safe-regex.js';
import {
  BehaviourConfigSchema,
  ReplyConfigSchema,
  WelcomeConfigSchema,
  WORD_MAX_LENGTH,
  WORDS_PER_LIST,
  type Exemption,
  type Hit,
  type LadderAction,
  type Policy,
  type Rule,
  type RuleInput,
  type RulePatch,
  type TryInput,
  type TryResult,
  type Violation,
  type WelcomeConfig,
  type WordImport,
  type WordList,
  type WordListInput,
  type WordListPatch,
} from './schema.js';
import * as store from './store.js';

export type GuardService = ReturnType<typeof createGuardService>;
type Audit = (workspaceId: string, actor: string, action: string, target: string | null, detail?: unknown, on?: Db) => Promise<void>;

export type GuardDeps = {
  db: Db;
  clock: Clock;
  audit: Audit;
  capabilitiesOf(connectorId: string): Capabilities | undefined;
  blacklistedCount(workspaceId: string): Promise<number>;
};

/** A config checked against its kind; regex patterns must pass the safety check (400 with the reason). */
function parseConfig(kind: Rule['kind'], raw: unknown): Record<string, unknown> {
  const schema = kind === 'welcome' ? WelcomeConfigSchema : kind === 'reply' ? ReplyConfigSchema : BehaviourConfigSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw guardErrors.badConfig(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  if (kind === 'reply') {
    const config = parsed.data as { mode: string; patterns: string[] };
    if (config.mode === 'regex') {
      const problems = config.patterns.map((pattern) => ({ pattern, reason: checkRegex(pattern) })).filter((p) => p.reason !== null);
      if (problems.length > 0) throw guardErrors.unsafeRegex(problems);
    } else if (config.patterns.some((p) => normalise(p).length === 0)) {
      throw guardErrors.badConfig([{ path: 'patterns', message: 'a pattern is only spaces or symbols, which the normaliser drops' }]);
    }
  }
  return parsed.data as Record<string, unknown>;
}

/** Splits an import into words, reporting every bad line (1-based). */
export function parseWordImport(input: WordImport): { words: string[]; problems: { line: number; reason: string }[] } {
  const words: string[] = [];
  const problems: { line: number; reason: string }[] = [];
  input.content.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    let word = raw.trim();
    if (word === '' || word.startsWith('#')) return;
    if (input.format === 'csv') {
      if (line === 1 && /^"?word"?\s*(,|$)/i.test(word)) return;
      const match = /^"((?:[^"]|"")*)"\s*(?:,.*)?$/.exec(word);
      if (word.startsWith('"')) {
        if (!match) return void problems.push({ line, reason: 'unbalanced quotes' });
        word = match[1]!.replace(/""/g, '"').trim();
      } else word = word.split(',')[0]!.trim();
    }
    if (word.length > WORD_MAX_LENGTH) return void problems.push({ line, reason: `longer than ${WORD_MAX_LENGTH} characters` });
    if (normalise(word).length === 0) return void problems.push({ line, reason: 'only spaces or symbols: it would match nothing' });
    words.push(word);
  });
  return { words, problems };
}

export function createGuardService(deps: GuardDeps) {
  const { db, clock } = deps;
  const books = new Map<string, Book>();

  async function loadBook(on: Db, workspaceId: string): Promise<Book> {
    const revision = await store.readRevision(on, workspaceId);
    const cached = books.get(workspaceId);
    if (cached && cached.revision === revision) return cached;
    const [rules, lists, policies, exemptions] = await Promise.all([
      store.listRules(on, workspaceId),
      store.listWordLists(on, workspaceId),
      store.listPolicies(on, workspaceId),
      store.listExemptions(on, workspaceId),
    ]);
    const book = compileBook(
      revision,
      rules.map(store.toRule),
      lists.filter((l) => l.enabled === 1).map((l) => ({ id: l.id, category: l.category as WordList['category'], words: store.toWordList(l, true).words ?? [] })),
      policies,
      exemptions,
    );
    books.set(workspaceId, book);
    return book;
  }

  async function groupFacts(on: Db, workspaceId: string, groupId: string): Promise<GroupFacts | undefined> {
    const group = await findGroupOn(on, workspaceId, groupId);
    return group ? { id: group.id, name: group.name, type: group.type, tags: group.tags, connectorId: group.connectorId, chatId: group.chatId, memberCount: group.memberCount } : undefined;
  }

  /** The group a message was said in, without its member count (the hot path needs scope facts only). */
  async function chatFacts(on: Db, workspaceId: string, connectorId: string, chatId: string): Promise<GroupFacts | undefined> {
    const row = await findGroupRowOn(on, workspaceId, connectorId, chatId);
    return row ? { id: row.id, name: row.name, type: row.type, tags: JSON.parse(row.tags) as string[], connectorId: row.connector_id, chatId: row.chat_id, memberCount: 0 } : undefined;
  }

  /**
   * Every edit: in one transaction with the audit line and, when it changes
   * the rule book, the revision bump (every process recompiles on its next event).
   */
  async function edit<T>(principal: Principal, action: string, target: string | null, detail: unknown, work: (trx: Db, now: number) => Promise<T>, changesBook = true): Promise<T> {
    return db.transaction().execute(async (trx) => {
      const result = await work(trx, clock.now());
      if (changesBook) await store.bumpRevision(trx, principal.workspaceId);
      await deps.audit(principal.workspaceId, principal.actor, action, target, detail, trx);
      return result;
    });
  }

  /** A scope may only name groups of the workspace. */
  async function checkScope(on: Db, workspaceId: string, scope: { groupIds: string[] } | undefined): Promise<void> {
    for (const groupId of scope?.groupIds ?? []) {
      if (!(await findGroupOn(on, workspaceId, groupId))) throw guardErrors.badConfig([{ path: 'scope.groupIds', message: `no group ${groupId} in this workspace` }]);
    }
  }

  async function ruleOrThrow(on: Db, workspaceId: string, id: string) {
    const row = await store.findRule(on, workspaceId, id);
    if (!row) throw guardErrors.ruleNotFound();
    return row;
  }

  async function listOrThrow(on: Db, workspaceId: string, id: string) {
    const row = await store.findWordList(on, workspaceId, id);
    if (!row) throw guardErrors.wordListNotFound();
    return row;
  }

  function ladderCapable(action: LadderAction, caps: Capabilities | undefined): boolean {
    if (!caps) return false;
    switch (action) {
      case 'warn':
        return caps.send?.direct === true;
      case 'notice':
        return caps.send !== null;
      case 'mute':
        return supportsAction(caps, 'mute');
      case 'kick':
        return supportsAction(caps, 'kick');
      case 'blacklist':
        return true;
    }
  }

  return {
    loadBook,
    groupFacts,
    chatFacts,
    ladderCapable,

    // ── rules ──
    async listRules(workspaceId: string, kind?: Rule['kind']): Promise<Rule[]> {
      return (await store.listRules(db, workspaceId, kind)).map(store.toRule);
    },
    async getRule(workspaceId: string, id: string): Promise<Rule> {
      return store.toRule(await ruleOrThrow(db, workspaceId, id));
    },
    async createRule(principal: Principal, input: RuleInput): Promise<Rule> {
      const config = parseConfig(input.kind, input.config);
      return edit(principal, 'guard.rule.create', null, { kind: input.kind, name: input.name }, async (trx, now) => {
        await checkScope(trx, principal.workspaceId, input.scope);
        return store.toRule(await store.insertRule(trx, principal.workspaceId, { ...input, config }, now));
      });
    },
    async updateRule(principal: Principal, id: string, patch: RulePatch): Promise<Rule> {
      return edit(principal, 'guard.rule.update', id, patch, async (trx, now) => {
        const row = await ruleOrThrow(trx, principal.workspaceId, id);
        const config = patch.config !== undefined ? parseConfig(row.kind as Rule['kind'], patch.config) : undefined;
        await checkScope(trx, principal.workspaceId, patch.scope);
        await store.updateRule(trx, principal.workspaceId, id, {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
          ...(patch.priority !== undefined && { priority: patch.priority }),
          ...(patch.scope !== undefined && { scope: JSON.stringify(patch.scope) }),
          ...(config !== undefined && { config: JSON.stringify(config) }),
        }, now);
        return store.toRule((await store.findRule(trx, principal.workspaceId, id))!);
      });
    },
    async deleteRule(principal: Principal, id: string): Promise<void> {
      await edit(principal, 'guard.rule.delete', id, {}, async (trx) => {
        if (!(await store.deleteRule(trx, principal.workspaceId, id))) throw guardErrors.ruleNotFound();
      });
    },

    // ── word lists ──
    async listWordLists(workspaceId: string): Promise<WordList[]> {
      return (await store.listWordLists(db, workspaceId)).map((r) => store.toWordList(r, false));
    },
    async getWordList(workspaceId: string, id: string): Promise<WordList> {
      return store.toWordList(await listOrThrow(db, workspaceId, id), true);
    },
    async createWordList(principal: Principal, input: WordListInput): Promise<WordList> {
      const bad = input.words.filter((w) => normalise(w).length === 0);
      if (bad.length > 0) throw guardErrors.badConfig(bad.map((w) => ({ path: 'words', message: `"${w}" is only spaces or symbols` })));
      return edit(principal, 'guard.words.create', null, { name: input.name, category: input.category, count: input.words.length }, async (trx, now) =>
        store.toWordList(await store.insertWordList(trx, principal.workspaceId, { ...input, words: [...new Set(input.words)] }, now), false),
      );
    },
    async updateWordList(principal: Principal, id: string, patch: WordListPatch): Promise<WordList> {
      return edit(principal, 'guard.words.update', id, { ...patch, words: patch.words?.length }, async (trx, now) => {
        await listOrThrow(trx, principal.workspaceId, id);
        await store.updateWordList(trx, principal.workspaceId, id, { ...patch, ...(patch.words && { words: [...new Set(patch.words)] }) }, now);
        return store.toWordList((await store.findWordList(trx, principal.workspaceId, id))!, false);
      });
    },
    async deleteWordList(principal: Principal, id: string): Promise<void> {
      await edit(principal, 'guard.words.delete', id, {}, async (trx) => {
        if (!(await store.deleteWordList(trx, principal.workspaceId, id))) throw guardErrors.wordListNotFound();
      });
    },
    /** All or nothing: any bad line rejects the import and lists every bad line. */
    async importWords(principal: Principal, id: string, input: WordImport): Promise<{ imported: number; wordCount: number }> {
      await listOrThrow(db, principal.workspaceId, id);
      const { words, problems } = parseWordImport(input);
      if (problems.length > 0) throw guardErrors.badImport({ problems: problems.slice(0, 1000), badLines: problems.length });
      return edit(principal, 'guard.words.import', id, { mode: input.mode, lines: words.length }, async (trx, now) => {
        const row = await listOrThrow(trx, principal.workspaceId, id);
        const existing = input.mode === 'append' ? (store.toWordList(row, true).words ?? []) : [];
        const merged = [...new Set([...existing, ...words])];
        if (merged.length > WORDS_PER_LIST) throw guardErrors.badImport({ problems: [{ line: 0, reason: `a list holds at most ${WORDS_PER_LIST} words` }], badLines: 1 });
        await store.updateWordList(trx, principal.workspaceId, id, { words: merged }, now);
        return { imported: merged.length - existing.length, wordCount: merged.length };
      });
    },

    // ── escalation policies and exemptions ──
    async policies(workspaceId: string): Promise<{ items: Policy[]; isDefault: boolean }> {
      const items = await store.listPolicies(db, workspaceId);
      return items.length > 0 ? { items, isDefault: false } : { items: [policyFor(compileBook(0, [], [], [], []), '*')], isDefault: true };
    },
    async replacePolicies(principal: Principal, items: Policy[]): Promise<{ items: Policy[]; isDefault: boolean }> {
      const types = items.map((p) => p.groupType);
      if (new Set(types).size !== types.length) throw guardErrors.badConfig([{ path: 'items', message: 'one policy per group type' }]);
      await edit(principal, 'guard.policies.replace', null, { groupTypes: types }, (trx, now) => store.replacePolicies(trx, principal.workspaceId, items, now));
      return this.policies(principal.workspaceId);
    },
    exemptions: (workspaceId: string) => store.listExemptions(db, workspaceId),
    async replaceExemptions(principal: Principal, items: Exemption[]): Promise<Exemption[]> {
      await edit(principal, 'guard.exemptions.replace', null, { count: items.length }, (trx, now) => store.replaceExemptions(trx, principal.workspaceId, items, now));
      return store.listExemptions(db, principal.workspaceId);
    },

    // ── violation log ──
    async violations(workspaceId: string, query: { personId?: string | undefined; groupId?: string | undefined; limit: number; before?: number | undefined }): Promise<Violation[]> {
      return (await store.listViolations(db, workspaceId, query)).map(store.toViolation);
    },
    /** Pardon: the offence no longer counts toward the ladder (a ban it caused is lifted separately, on the blacklist). */
    async pardon(principal: Principal, id: string): Promise<Violation> {
      return edit(principal, 'guard.violation.pardon', id, {}, async (trx, now) => {
        const row = await store.findViolation(trx, principal.workspaceId, id);
        if (!row) throw guardErrors.violationNotFound();
        if (!(await store.pardonViolation(trx, principal.workspaceId, id, principal.actor, now))) throw guardErrors.alreadyPardoned();
        return store.toViolation((await store.findViolation(trx, principal.workspaceId, id))!);
      }, false);
    },

    // ── previews ──
    /** What would happen if this message were said (no side effects). */
    async tryMessage(workspaceId: string, input: TryInput): Promise<TryResult> {
      const message: Message = input.message ?? { type: 'text', text: input.text! };
      const text = textOf(message);
      const now = clock.now();
      const book = await loadBook(db, workspaceId);
      const group = input.groupId ? await groupFacts(db, workspaceId, input.groupId) : undefined;
      if (input.groupId && !group) throw guardErrors.groupNotFound();
      const member = group && input.personId ? await store.findMember(db, workspaceId, group.id, input.personId) : undefined;
      const exempt = (input.personId !== undefined && book.exemptions.has(input.personId)) || (member !== undefined && member.role !== 'member');
      const hits: Hit[] = [];
      hits.push(...wordHits(book, text));
      for (const entry of book.behaviours) {
        if (group && !isInScope(entry.rule.scope, group)) continue;
        const hit = staticBehaviourHit(entry, message, text, { joinedAt: member?.joined_at ?? (input.personId ? null : now), now });
        if (hit) hits.push(hit);
      }
      let escalation: TryResult['escalation'] = null;
      if (hits.length > 0 && !exempt) {
        const policy = policyFor(book, group?.type ?? '*');
        const prior = input.personId ? await store.countOffences(db, workspaceId, input.personId, now - policy.decayDays * DAY) : 0;
        const step = policy.steps[Math.min(prior + 1, policy.steps.length) - 1]!;
        const caps = group ? deps.capabilitiesOf(group.connectorId) : undefined;
        escalation = { offenceNo: prior + 1, actions: step.actions.map((action) => ({ action, capable: group ? ladderCapable(action, caps) : true })) };
      }
      const entry = hits.length > 0 && !exempt ? null : matchReply(book, group ?? null, text);
      return {
        normalised: normalise(text),
        exempt,
        hits,
        escalation,
        reply: entry
          ? {
              ruleId: entry.rule.id,
              name: entry.rule.name,
              answers: entry.config.answers,
              replyIn: entry.config.replyIn,
              coolingDown: group ? await store.isCoolingDown(db, workspaceId, entry.rule.id, group.id, now, entry.config.cooldownMs) : false,
            }
          : null,
      };
    },

    async previewWelcome(workspaceId: string, id: string, input: { nicknames: string[]; groupId?: string | undefined }): Promise<{ messages: Message[] }> {
      const rule = store.toRule(await ruleOrThrow(db, workspaceId, id));
      if (rule.kind !== 'welcome') throw guardErrors.notAWelcomeRule();
      const group = input.groupId ? await groupFacts(db, workspaceId, input.groupId) : undefined;
      if (input.groupId && !group) throw guardErrors.groupNotFound();
      const caps = group ? deps.capabilitiesOf(group.connectorId) : undefined;
      const joiners = input.nicknames.map((name, i) => ({ externalId: `sample-${i + 1}`, name }));
      return { messages: renderWelcome(WelcomeConfigSchema.parse(rule.config), group ?? { name: '示例群', memberCount: 100 }, joiners, caps?.send?.mentions ?? true) };
    },

    async stats(workspaceId: string, days: number) {
      const since = clock.now() - days * DAY;
      const [rules, lists, totals] = await Promise.all([store.listRules(db, workspaceId), store.listWordLists(db, workspaceId), store.violationTotals(db, workspaceId, since)]);
      return {
        rules: rules.map(store.toRule).map((r) => ({ id: r.id, kind: r.kind, name: r.name, hits: r.hits, lastHitAt: r.lastHitAt })),
        wordLists: lists.map((l) => store.toWordList(l, false)).map((l) => ({ id: l.id, name: l.name, category: l.category, hits: l.hits })),
        violations: {
          total: totals.reduce((s, t) => s + t.n, 0),
          pardoned: totals.reduce((s, t) => s + t.pardoned, 0),
          byCategory: Object.fromEntries(totals.map((t) => [t.category, t.n])),
        },
        blacklisted: await deps.blacklistedCount(workspaceId),
      };
    },
  };
}

/**
 * One welcome for a burst of joiners: {nickname} names them (as @-mentions
 * where the platform can), capped at maxNames with "and N others"; then the
 * attachments.
 */
export function renderWelcome(
  config: WelcomeConfig,
  group: { name: string; memberCount: number },
  joiners: readonly { externalId: string; name: string | null }[],
  canMention: boolean,
): Message[] {
  const shown = joiners.slice(0, config.maxNames);
  const rest = joiners.length - shown.length;
  const names = shown.map((j) => (canMention ? `@${j.name ?? j.externalId}` : (j.name ?? j.externalId)));
  const nickname = (canMention ? names.join(' ') : names.join('、')) + (rest > 0 ? ` 等 ${rest} 人` : '');
  const text = config.template
    .replaceAll('{nickname}', nickname)
    .replaceAll('{group}', group.name)
    .replaceAll('{members}', String(group.memberCount))
    .replaceAll('{count}', String(joiners.length));
  const first: Message = canMention && shown.length > 0 ? { type: 'text', text, mentions: shown.map((j) => j.externalId) } : { type: 'text', text };
  return [first, ...config.attachments];
}
