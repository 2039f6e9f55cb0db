import { createHash } from 'node:crypto';
import type { Message } from '../../platforms/message.js';
import { messageText } from '../../platforms/message.js';
import { buildMatcher, type Matcher } from './matcher.js';
import { normalise } from './normalise.js';
import { compileRegexSet, type RegexSet } from './safe-regex.js';
import {
  BehaviourConfigSchema,
  DEFAULT_POLICY,
  ReplyConfigSchema,
  WelcomeConfigSchema,
  type BehaviourConfig,
  type Exemption,
  type Hit,
  type Policy,
  type ReplyConfig,
  type Rule,
  type Scope,
  type WelcomeConfig,
  type WordCategory,
} from './schema.js';
import { DEFAULT_VARIANTS } from './variants.js';

// The rule book: a workspace's rules, word lists, policies and exemptions,
// compiled once per revision into matchers, so a message costs one scan for
// banned words and one for keyword patterns, however many rules there are.

export type GroupFacts = { id: string; name: string; type: string; tags: readonly string[]; connectorId: string; chatId: string; memberCount: number };

type Compiled<C> = { rule: Rule; config: C };
type ReplyEntry = Compiled<ReplyConfig> & { patternIds: number[]; exact: Set<string>; regexFrom: number; regexTo: number };

export type Book = {
  revision: number;
  /** Nothing configured: the guard step is a no-op. */
  empty: boolean;
  welcome: Compiled<WelcomeConfig>[];
  replies: ReplyEntry[];
  behaviours: Compiled<BehaviourConfig>[];
  words: Matcher | null;
  wordOwners: { listId: string; category: WordCategory }[];
  replyPatterns: Matcher | null;
  regexes: RegexSet | null;
  policies: Policy[];
  exemptions: Set<string>;
};

export type WordListSource = { id: string; category: WordCategory; words: string[] };

export function isInScope(scope: Scope, group: GroupFacts): boolean {
  if (scope.groupIds.length === 0 && scope.groupTypes.length === 0 && scope.groupTags.length === 0) return true;
  return scope.groupIds.includes(group.id) || scope.groupTypes.includes(group.type as Scope['groupTypes'][number]) || scope.groupTags.some((t) => group.tags.includes(t));
}

export function compileBook(revision: number, rules: Rule[], lists: WordListSource[], policies: Policy[], exemptions: Exemption[]): Book {
  const enabled = rules.filter((r) => r.enabled);
  const welcome = enabled.filter((r) => r.kind === 'welcome').map((rule) => ({ rule, config: WelcomeConfigSchema.parse(rule.config) }));
  const behaviours = enabled.filter((r) => r.kind === 'behaviour').map((rule) => ({ rule, config: BehaviourConfigSchema.parse(rule.config) }));

  // Banned words: the first list that names a word owns it.
  const owners = new Map<string, { listId: string; category: WordCategory }>();
  const input: string[] = [];
  for (const list of lists) {
    for (const word of list.words) {
      const key = normalise(word);
      if (key.length === 0 || owners.has(key)) continue;
      owners.set(key, { listId: list.id, category: list.category });
      input.push(key);
    }
  }
  const words = input.length > 0 ? buildMatcher(input, { variants: DEFAULT_VARIANTS }) : null;
  const wordOwners = words ? words.words.map((w) => owners.get(w)!) : [];

  // Keyword patterns of every reply rule in one automaton; regexes in one time-bounded set.
  const replyRules = enabled.filter((r) => r.kind === 'reply').map((rule) => ({ rule, config: ReplyConfigSchema.parse(rule.config) }));
  const patternTexts = [...new Set(replyRules.filter((r) => r.config.mode !== 'regex' && r.config.mode !== 'exact').flatMap((r) => r.config.patterns.map(normalise)).filter((p) => p.length > 0))];
  const replyPatterns = patternTexts.length > 0 ? buildMatcher(patternTexts) : null;
  const patternIndex = new Map((replyPatterns?.words ?? []).map((w, i) => [w, i]));
  const regexSources: string[] = [];
  const replies: ReplyEntry[] = replyRules.map(({ rule, config }) => {
    const regexFrom = regexSources.length;
    if (config.mode === 'regex') regexSources.push(...config.patterns);
    return {
      rule,
      config,
      patternIds: config.mode === 'regex' || config.mode === 'exact' ? [] : config.patterns.map((p) => patternIndex.get(normalise(p)) ?? -1),
      exact: new Set(config.mode === 'exact' ? config.patterns.map(normalise) : []),
      regexFrom,
      regexTo: regexSources.length,
    };
  });
  const regexes = regexSources.length > 0 ? compileRegexSet(regexSources) : null;

  return {
    revision,
    empty: enabled.length === 0 && words === null,
    welcome,
    replies,
    behaviours,
    words,
    wordOwners,
    replyPatterns,
    regexes,
    policies,
    exemptions: new Set(exemptions.map((e) => e.personId)),
  };
}

export function policyFor(book: Book, groupType: string): Policy {
  return book.policies.find((p) => p.groupType === groupType) ?? book.policies.find((p) => p.groupType === '*') ?? DEFAULT_POLICY;
}

/** Every banned word in the text, with its list and category. */
export function wordHits(book: Book, text: string): Hit[] {
  if (!book.words || text.length === 0) return [];
  const matcher = book.words;
  return matcher.scan(text).map((i) => ({ source: 'word' as const, category: book.wordOwners[i]!.category, what: matcher.words[i]!, listId: book.wordOwners[i]!.listId, ruleId: null }));
}

const URL_PATTERN = /(?:https?:\/\/|www\.)([^\s/?#，。]+)|\b([a-z0-9-]+\.(?:com|cn|net|org|top|xyz|cc|vip|shop|io|me)\b)/iu;
// Mainland mobile numbers (also written with spaces or dashes) and WeChat ids after a cue word.
const PHONE_PATTERN = /(?<!\d)1[3-9]\d(?:[\s-]?\d){8}(?!\d)/u;
const WECHAT_ID_PATTERN = /(?:微信|v信|vx|wx|weixin|wechat|加v)[号:：\s]*[a-z][-_a-z0-9]{5,19}/iu;

export function linkHost(message: Message, text: string): string | null {
  if (message.type === 'link') {
    try {
      return new URL(message.url).hostname;
    } catch {
      return 'link';
    }
  }
  const match = URL_PATTERN.exec(text);
  return match ? (match[1] ?? match[2] ?? 'link').toLowerCase() : null;
}

/** The stateless behaviour checks (links, cards, QR codes, contact details, @all). Flood and spam waves need history: see the handler. */
export function staticBehaviourHit(entry: Compiled<BehaviourConfig>, message: Message, text: string, ctx: { joinedAt: number | null; now: number }): Hit | null {
  const { rule, config } = entry;
  const hit = (what: string): Hit => ({ source: 'behaviour', category: config.check, what, listId: null, ruleId: rule.id });
  switch (config.check) {
    case 'link':
    case 'new_member_link': {
      if (config.check === 'new_member_link' && (ctx.joinedAt === null || ctx.now - ctx.joinedAt > config.newMemberMs)) return null;
      const host = linkHost(message, text);
      if (host === null || config.allowHosts.some((h) => host === h || host.endsWith(`.${h}`))) return null;
      return hit(host);
    }
    case 'miniprogram':
      return message.type === 'miniprogram' ? hit(message.appId) : null;
    case 'qrcode':
      return message.type === 'image' && message.isQrCode === true ? hit('qrcode') : null;
    case 'contact': {
      const folded = text.replace(/[\u3000\s]+/gu, ' ');
      const phone = PHONE_PATTERN.exec(folded);
      if (phone) return hit('phone');
      return WECHAT_ID_PATTERN.test(folded) ? hit('wechat_id') : null;
    }
    case 'mention_all':
      return message.mentionAll === true ? hit('mention_all') : null;
    case 'flood':
    case 'spam_wave':
      return null;
  }
}

/** A short digest of the normalised text: spam waves compare it across groups; the text itself is not kept. */
export function digestOf(text: string): string {
  return createHash('sha1').update(normalise(text)).digest('base64url').slice(0, 16);
}

/** The first reply rule (by priority) that matches, in scope. */
export function matchReply(book: Book, group: GroupFacts | null, text: string): ReplyEntry | null {
  if (book.replies.length === 0 || text.length === 0) return null;
  const found = new Set(book.replyPatterns ? book.replyPatterns.scan(text) : []);
  let regexResults: boolean[] | null | undefined;
  let normalised: string | undefined;
  for (const entry of book.replies) {
    if (group && !isInScope(entry.rule.scope, group)) continue;
    switch (entry.config.mode) {
      case 'exact':
        normalised ??= normalise(text);
        if (entry.exact.has(normalised)) return entry;
        break;
      case 'contains':
      case 'any':
        if (entry.patternIds.some((id) => found.has(id))) return entry;
        break;
      case 'all':
        if (entry.patternIds.every((id) => found.has(id))) return entry;
        break;
      case 'regex':
        if (regexResults === undefined) regexResults = book.regexes ? book.regexes.test(text) : null;
        // A pattern that ran out of time answers nothing (logged by the caller): never a stuck pipeline.
        if (regexResults && regexResults.slice(entry.regexFrom, entry.regexTo).some(Boolean)) return entry;
        break;
    }
  }
  return null;
}

export function pickAnswer(answers: readonly string[], seed: string): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return answers[(h >>> 0) % answers.length]!;
}

/** The text of a message for matching; cards count by their title and link. */
export const textOf = messageText;
