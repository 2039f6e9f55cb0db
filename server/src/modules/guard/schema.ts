import { z } from 'zod';
import { MessageSchema } from '../../platforms/message.js';
import { GroupTypeSchema } from '../groups/index.js';

// The guard's API: welcome rules (入群欢迎语), keyword replies (关键词回复),
// behaviour rules and word lists (违禁词), the escalation ladder (三次请出),
// exemptions, the violation log, statistics and the "try a message" preview.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Which groups a rule covers: every group when empty; otherwise any listed group, type or tag. */
export const ScopeSchema = z
  .object({
    groupIds: z.array(z.string().min(1).max(64)).max(500).default([]),
    groupTypes: z.array(GroupTypeSchema).max(10).default([]),
    groupTags: z.array(z.string().min(1).max(32)).max(50).default([]),
  })
  .strict();
export type Scope = z.infer<typeof ScopeSchema>;

const Attachment = z.union([MessageSchema.options[1], MessageSchema.options[2]]);

export const WelcomeConfigSchema = z
  .object({
    /** Variables: {nickname} (the joiners, @-mentioned where the platform can), {group}, {members}, {count}. */
    template: z.string().min(1).max(1000),
    attachments: z.array(Attachment).max(3).default([]),
    /** Joins within this window share one welcome; never longer than the platform's welcome deadline. */
    windowMs: z.number().int().min(0).max(10 * MINUTE).default(MINUTE),
    /** Names shown before "and N others". */
    maxNames: z.number().int().min(1).max(20).default(5),
    /** Not for people re-joining a group they were in before. */
    skipRejoin: z.boolean().default(false),
  })
  .strict();
export type WelcomeConfig = z.infer<typeof WelcomeConfigSchema>;

export const REGEX_MAX_LENGTH = 200;
export const ReplyModeSchema = z.enum(['exact', 'contains', 'any', 'all', 'regex']);
export const ReplyConfigSchema = z
  .object({
    /** exact: the whole message; contains: the one pattern; any / all: one or every pattern; regex: safe patterns only. */
    mode: ReplyModeSchema,
    patterns: z.array(z.string().min(1).max(REGEX_MAX_LENGTH)).min(1).max(50),
    /** One is picked at random per reply. */
    answers: z.array(z.string().min(1).max(2000)).min(1).max(10),
    replyIn: z.enum(['group', 'private']).default('group'),
    /** Quote the question and @ the asker (where the platform can). */
    mention: z.boolean().default(true),
    /** At most one reply per rule per group in this time (no reply storms). */
    cooldownMs: z.number().int().min(0).max(DAY).default(MINUTE),
  })
  .strict();
export type ReplyConfig = z.infer<typeof ReplyConfigSchema>;

export const BehaviourCheckSchema = z.enum(['link', 'miniprogram', 'qrcode', 'contact', 'mention_all', 'flood', 'spam_wave', 'new_member_link']);
export type BehaviourCheck = z.infer<typeof BehaviourCheckSchema>;
export const BehaviourConfigSchema = z
  .object({
    check: BehaviourCheckSchema,
    /** flood: messages within windowMs; spam_wave: groups the same text reached within windowMs. */
    count: z.number().int().min(2).max(1000).default(5),
    windowMs: z.number().int().min(SECOND).max(DAY).default(10 * SECOND),
    /** new_member_link: how long someone counts as new. */
    newMemberMs: z.number().int().min(MINUTE).max(30 * DAY).default(DAY),
    /** Link hosts that are always fine (the brand's own site). */
    allowHosts: z.array(z.string().min(1).max(255)).max(100).default([]),
  })
  .strict();
export type BehaviourConfig = z.infer<typeof BehaviourConfigSchema>;

const RuleBase = {
  name: z.string().min(1).max(100),
  enabled: z.boolean().default(true),
  /** Lower runs first; the first matching reply rule wins. */
  priority: z.number().int().min(0).max(1_000_000).default(100),
  scope: ScopeSchema.default({ groupIds: [], groupTypes: [], groupTags: [] }),
};

export const RuleInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('welcome'), ...RuleBase, config: WelcomeConfigSchema }).strict(),
  z.object({ kind: z.literal('reply'), ...RuleBase, config: ReplyConfigSchema }).strict(),
  z.object({ kind: z.literal('behaviour'), ...RuleBase, config: BehaviourConfigSchema }).strict(),
]);
export type RuleInput = z.infer<typeof RuleInputSchema>;
export type RuleKind = RuleInput['kind'];

export const RulePatchSchema = z
  .object({
    name: RuleBase.name.optional(),
    enabled: z.boolean().optional(),
    priority: RuleBase.priority.optional(),
    scope: ScopeSchema.optional(),
    /** The whole config of the rule's kind (checked against it). */
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type RulePatch = z.infer<typeof RulePatchSchema>;

export const RuleSchema = z.object({
  id: z.string(),
  kind: z.enum(['welcome', 'reply', 'behaviour']),
  name: z.string(),
  enabled: z.boolean(),
  priority: z.number().int(),
  scope: ScopeSchema,
  config: z.record(z.string(), z.unknown()),
  hits: z.number().int(),
  lastHitAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Rule = z.infer<typeof RuleSchema>;
export const RuleQuerySchema = z.object({ kind: z.enum(['welcome', 'reply', 'behaviour']).optional() });

export const WordCategorySchema = z.enum(['ads', 'abuse', 'porn', 'politics', 'fraud', 'custom']);
export type WordCategory = z.infer<typeof WordCategorySchema>;
export const WORD_MAX_LENGTH = 50;
export const WORDS_PER_LIST = 50_000;

export const WordListInputSchema = z
  .object({
    name: z.string().min(1).max(100),
    category: WordCategorySchema,
    enabled: z.boolean().default(true),
    words: z.array(z.string().min(1).max(WORD_MAX_LENGTH)).max(WORDS_PER_LIST).default([]),
  })
  .strict();
export type WordListInput = z.infer<typeof WordListInputSchema>;
export const WordListPatchSchema = z
  .object({ name: z.string().min(1).max(100).optional(), category: WordCategorySchema.optional(), enabled: z.boolean().optional(), words: WordListInputSchema.shape.words.optional() })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type WordListPatch = z.infer<typeof WordListPatchSchema>;

export const WordListSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: WordCategorySchema,
  enabled: z.boolean(),
  wordCount: z.number().int(),
  words: z.array(z.string()).optional(),
  hits: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type WordList = z.infer<typeof WordListSchema>;

/** Import: all or nothing. One bad line rejects the whole import with every bad line listed. */
export const WordImportSchema = z
  .object({
    content: z.string().min(1).max(2_000_000),
    /** text: one word per line; csv: the word in the first column, a header line `word,…` is skipped. */
    format: z.enum(['text', 'csv']).default('text'),
    mode: z.enum(['append', 'replace']).default('append'),
  })
  .strict();
export type WordImport = z.infer<typeof WordImportSchema>;

export const LadderActionSchema = z.enum(['warn', 'notice', 'mute', 'kick', 'blacklist']);
export type LadderAction = z.infer<typeof LadderActionSchema>;
export const LadderStepSchema = z
  .object({ actions: z.array(LadderActionSchema).min(1).max(5), muteMs: z.number().int().min(MINUTE).max(30 * DAY).default(DAY) })
  .strict();
export type LadderStep = z.infer<typeof LadderStepSchema>;

export const PolicySchema = z
  .object({
    /** '*' is the workspace default; a group type overrides it for groups of that type. */
    groupType: z.union([z.literal('*'), GroupTypeSchema]),
    /** Step n applies to the n-th offence; offences past the last step repeat the last step. */
    steps: z.array(LadderStepSchema).min(1).max(10),
    /** Offences older than this no longer count. */
    decayDays: z.number().int().min(1).max(365).default(30),
    /** Recall the offending message where the platform can. */
    recall: z.boolean().default(true),
    warnText: z.string().min(1).max(500).default('{nickname}，你的消息违反了群规（{reason}），请注意。这是第 {offence} 次提醒。'),
    noticeText: z.string().min(1).max(500).default('{nickname} 多次违反群规（{reason}），已被禁言。请大家文明交流。'),
  })
  .strict();
export type Policy = z.infer<typeof PolicySchema>;
export const PoliciesBodySchema = z.object({ items: z.array(PolicySchema).min(1).max(10) }).strict();

/** Seed 000: 1st offence → private warning; 2nd → public notice + 24 h mute; 3rd → removal + blacklist (三次请出). */
export const DEFAULT_POLICY: Policy = PolicySchema.parse({
  groupType: '*',
  steps: [{ actions: ['warn'] }, { actions: ['notice', 'mute'], muteMs: DAY }, { actions: ['kick', 'blacklist'] }],
});

export const ExemptionSchema = z.object({ personId: z.string().min(1).max(64), note: z.string().max(200).nullable().default(null) }).strict();
export type Exemption = z.infer<typeof ExemptionSchema>;
export const ExemptionsBodySchema = z.object({ items: z.array(ExemptionSchema).max(5000) }).strict();

export const ViolationSchema = z.object({
  id: z.string(),
  personId: z.string(),
  groupId: z.string().nullable(),
  source: z.enum(['word', 'behaviour']),
  ruleId: z.string().nullable(),
  category: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  offenceNo: z.number().int(),
  actions: z.array(z.object({ action: z.string(), outcome: z.enum(['queued', 'task', 'done']) })),
  at: z.number(),
  pardonedAt: z.number().nullable(),
  pardonedBy: z.string().nullable(),
});
export type Violation = z.infer<typeof ViolationSchema>;
export const ViolationQuerySchema = z.object({
  personId: z.string().max(64).optional(),
  groupId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().optional(),
});

export const TryInputSchema = z
  .object({
    text: z.string().min(1).max(4096).optional(),
    message: MessageSchema.optional(),
    /** The group it would be said in (scope, capabilities); any group when absent. */
    groupId: z.string().min(1).max(64).optional(),
    /** The person who would say it (exemptions, offence count). */
    personId: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((v) => (v.text === undefined) !== (v.message === undefined), 'give text or message, not both');
export type TryInput = z.infer<typeof TryInputSchema>;

export const HitSchema = z.object({
  source: z.enum(['word', 'behaviour']),
  category: z.string(),
  /** The banned word (normalised) or the behaviour check. */
  what: z.string(),
  listId: z.string().nullable(),
  ruleId: z.string().nullable(),
});
export type Hit = z.infer<typeof HitSchema>;

export const TryResultSchema = z.object({
  normalised: z.string(),
  exempt: z.boolean(),
  hits: z.array(HitSchema),
  /** What the ladder would do: the offence number and each action, with whether the platform can. */
  escalation: z
    .object({ offenceNo: z.number().int(), actions: z.array(z.object({ action: z.string(), capable: z.boolean() })) })
    .nullable(),
  reply: z.object({ ruleId: z.string(), name: z.string(), answers: z.array(z.string()), replyIn: z.enum(['group', 'private']), coolingDown: z.boolean() }).nullable(),
});
export type TryResult = z.infer<typeof TryResultSchema>;

export const WelcomePreviewSchema = z
  .object({ nicknames: z.array(z.string().min(1).max(64)).min(1).max(50).default(['新朋友']), groupId: z.string().min(1).max(64).optional() })
  .strict();
export const WelcomePreviewResultSchema = z.object({ messages: z.array(z.unknown()) });

export const StatsSchema = z.object({
  rules: z.array(z.object({ id: z.string(), kind: z.string(), name: z.string(), hits: z.number().int(), lastHitAt: z.number().nullable() })),
  wordLists: z.array(z.object({ id: z.string(), name: z.string(), category: z.string(), hits: z.number().int() })),
  violations: z.object({ total: z.number().int(), pardoned: z.number().int(), byCategory: z.record(z.string(), z.number().int()) }),
  blacklisted: z.number().int(),
});
