import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, del, get, patch, post } from './client';
import type { GroupType } from './groups';

// The guard (群守护): welcome rules, keyword replies, behaviour rules, word
// lists, the escalation ladder, the violation log, the blacklist, statistics
// and "try a message". Mirrors server/src/modules/guard/schema.ts.

export type RuleKind = 'welcome' | 'reply' | 'behaviour';
export type Scope = { groupIds: string[]; groupTypes: GroupType[]; groupTags: string[] };

export type WelcomeConfig = { template: string; attachments?: unknown[]; windowMs: number; maxNames: number; skipRejoin: boolean };
export type ReplyMode = 'exact' | 'contains' | 'any' | 'all' | 'regex';
export const REPLY_MODES: ReplyMode[] = ['exact', 'contains', 'any', 'all', 'regex'];
export type ReplyConfig = { mode: ReplyMode; patterns: string[]; answers: string[]; replyIn: 'group' | 'private'; mention: boolean; cooldownMs: number };
export type BehaviourCheck = 'link' | 'miniprogram' | 'qrcode' | 'contact' | 'mention_all' | 'flood' | 'spam_wave' | 'new_member_link';
export const BEHAVIOUR_CHECKS: BehaviourCheck[] = ['link', 'new_member_link', 'miniprogram', 'qrcode', 'contact', 'mention_all', 'flood', 'spam_wave'];
export type BehaviourConfig = { check: BehaviourCheck; count: number; windowMs: number; newMemberMs: number; allowHosts: string[] };

export type ConfigOf<K extends RuleKind> = K extends 'welcome' ? WelcomeConfig : K extends 'reply' ? ReplyConfig : BehaviourConfig;

export type Rule = {
  id: string;
  kind: RuleKind;
  name: string;
  enabled: boolean;
  priority: number;
  scope: Scope;
  config: Record<string, unknown>;
  hits: number;
  lastHitAt: number | null;
  createdAt: number;
  updatedAt: number;
};

export type RuleInput<K extends RuleKind = RuleKind> = { kind: K; name: string; enabled: boolean; priority: number; scope: Scope; config: ConfigOf<K> };
export type RulePatch = { name?: string; enabled?: boolean; priority?: number; scope?: Scope; config?: Record<string, unknown> };

export type WordCategory = 'ads' | 'abuse' | 'porn' | 'politics' | 'fraud' | 'custom';
export const WORD_CATEGORIES: WordCategory[] = ['ads', 'abuse', 'porn', 'politics', 'fraud', 'custom'];
export type WordList = { id: string; name: string; category: WordCategory; enabled: boolean; wordCount: number; words?: string[]; hits: number; createdAt: number; updatedAt: number };
export type WordImport = { content: string; format: 'text' | 'csv'; mode: 'append' | 'replace' };
/** One bad line of a refused import (the error's details). */
export type ImportProblem = { line: number; reason: string; text?: string };

export type LadderAction = 'warn' | 'notice' | 'mute' | 'kick' | 'blacklist';
export const LADDER_ACTIONS: LadderAction[] = ['warn', 'notice', 'mute', 'kick', 'blacklist'];
export type LadderStep = { actions: LadderAction[]; muteMs: number };
export type Policy = { groupType: '*' | GroupType; steps: LadderStep[]; decayDays: number; recall: boolean; warnText: string; noticeText: string };

export type Violation = {
  id: string;
  personId: string;
  groupId: string | null;
  source: 'word' | 'behaviour';
  ruleId: string | null;
  category: string;
  evidence: Record<string, unknown>;
  offenceNo: number;
  actions: { action: string; outcome: 'queued' | 'task' | 'done' }[];
  at: number;
  pardonedAt: number | null;
  pardonedBy: string | null;
};

export type BlacklistEntry = {
  personId: string;
  personName: string | null;
  reason: string;
  source: string;
  createdAt: number;
  createdBy: string;
  removedAt: number | null;
  removedBy: string | null;
};
export type BlacklistState = 'active' | 'removed' | 'all';

export type TryInput = { text: string; groupId?: string; personId?: string };
export type TryResult = {
  normalised: string;
  exempt: boolean;
  hits: { source: 'word' | 'behaviour'; category: string; what: string; listId: string | null; ruleId: string | null }[];
  escalation: { offenceNo: number; actions: { action: string; capable: boolean }[] } | null;
  reply: { ruleId: string; name: string; answers: string[]; replyIn: 'group' | 'private'; coolingDown: boolean } | null;
};

export type PreviewMessage = { type: string; text?: string; url?: string; title?: string; mentions?: string[] };

export type GuardStats = {
  rules: { id: string; kind: string; name: string; hits: number; lastHitAt: number | null }[];
  wordLists: { id: string; name: string; category: string; hits: number }[];
  violations: { total: number; pardoned: number; byCategory: Record<string, number> };
  blacklisted: number;
};

const id = (value: string) => encodeURIComponent(value);

export const guardKeys = {
  all: ['guard'] as const,
  rules: (kind: RuleKind) => [...guardKeys.all, 'rules', kind] as const,
  wordLists: () => [...guardKeys.all, 'word-lists'] as const,
  wordList: (listId: string) => [...guardKeys.all, 'word-lists', listId] as const,
  policies: () => [...guardKeys.all, 'policies'] as const,
  violations: (filter: ViolationFilter) => [...guardKeys.all, 'violations', filter] as const,
  stats: (days: number) => [...guardKeys.all, 'stats', days] as const,
  blacklist: (state: BlacklistState) => ['blacklist', state] as const,
};

export function useRules(kind: RuleKind) {
  return useQuery({
    queryKey: guardKeys.rules(kind),
    queryFn: async () => (await get<{ items: Rule[] }>('/guard/rules', { kind })).items,
    refetchInterval: 30_000,
  });
}

/** Rules, lists and statistics move together: any edit refreshes all of the guard's reads. */
function useGuardMutation<I, O>(call: (input: I) => Promise<O>, meta?: Record<string, unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    meta,
    onSuccess: () => client.invalidateQueries({ queryKey: guardKeys.all }),
  });
}

export function useCreateRule() {
  return useGuardMutation((input: RuleInput) => post<Rule>('/guard/rules', input));
}

export function useUpdateRule() {
  return useGuardMutation(({ ruleId, change }: { ruleId: string; change: RulePatch }) => patch<Rule>(`/guard/rules/${id(ruleId)}`, change));
}

export function useDeleteRule() {
  return useGuardMutation((ruleId: string) => del<void>(`/guard/rules/${id(ruleId)}`));
}

export function usePreviewWelcome() {
  return useMutation({
    mutationFn: ({ ruleId, nicknames, groupId }: { ruleId: string; nicknames: string[]; groupId?: string }) =>
      post<{ messages: PreviewMessage[] }>(`/guard/rules/${id(ruleId)}/preview`, groupId ? { nicknames, groupId } : { nicknames }),
  });
}

export function useTryMessage() {
  return useMutation({ mutationFn: (input: TryInput) => post<TryResult>('/guard/try', input) });
}

export function useWordLists() {
  return useQuery({ queryKey: guardKeys.wordLists(), queryFn: async () => (await get<{ items: WordList[] }>('/guard/word-lists')).items });
}

export function useWordList(listId: string | null) {
  return useQuery({
    queryKey: guardKeys.wordList(listId ?? ''),
    queryFn: () => get<WordList>(`/guard/word-lists/${id(listId ?? '')}`),
    enabled: listId !== null,
  });
}

export function useCreateWordList() {
  return useGuardMutation((input: { name: string; category: WordCategory; words: string[] }) => post<WordList>('/guard/word-lists', input));
}

export function useUpdateWordList() {
  return useGuardMutation(({ listId, change }: { listId: string; change: Partial<Pick<WordList, 'name' | 'category' | 'enabled' | 'words'>> }) =>
    patch<WordList>(`/guard/word-lists/${id(listId)}`, change),
  );
}

export function useDeleteWordList() {
  return useGuardMutation((listId: string) => del<void>(`/guard/word-lists/${id(listId)}`));
}

/** The import dialog shows a refused import's bad lines itself, so the toast stays quiet. */
export function useImportWords() {
  return useGuardMutation(
    ({ listId, input }: { listId: string; input: WordImport }) => post<{ imported: number; wordCount: number }>(`/guard/word-lists/${id(listId)}/import`, input),
    { silent: true },
  );
}

export function usePolicies() {
  return useQuery({ queryKey: guardKeys.policies(), queryFn: () => get<{ items: Policy[]; isDefault: boolean }>('/guard/policies') });
}

export function useReplacePolicies() {
  return useGuardMutation((items: Policy[]) => api<{ items: Policy[]; isDefault: boolean }>('PUT', '/guard/policies', { items }));
}

export type ViolationFilter = { groupId?: string; personId?: string };

export function useViolations(filter: ViolationFilter = {}) {
  return useQuery({
    queryKey: guardKeys.violations(filter),
    queryFn: async () => (await get<{ items: Violation[] }>('/guard/violations', { ...filter, limit: 200 })).items,
    refetchInterval: 15_000,
  });
}

export function usePardon() {
  return useGuardMutation((violationId: string) => post<Violation>(`/guard/violations/${id(violationId)}/pardon`));
}

export function useGuardStats(days = 30) {
  return useQuery({ queryKey: guardKeys.stats(days), queryFn: () => get<GuardStats>('/guard/stats', { days }), refetchInterval: 30_000 });
}

export function useBlacklist(state: BlacklistState) {
  return useQuery({
    queryKey: guardKeys.blacklist(state),
    queryFn: async () => (await get<{ items: BlacklistEntry[] }>('/blacklist', { state, limit: 500 })).items,
    refetchInterval: 30_000,
  });
}

export function useUnban() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (personId: string) => del<void>(`/blacklist/${id(personId)}`),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: ['blacklist'] }), client.invalidateQueries({ queryKey: guardKeys.all })]),
  });
}
