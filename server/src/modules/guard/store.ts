import { sql } from 'kysely';
import type { Db, GuardMemberRow, GuardRuleRow, GuardViolationRow, GuardWordListRow } from '../../database.js';
import { newId, newSortableId } from '../../kernel/ids.js';
import { fromJson, toJson } from '../../kernel/json.js';
import { DEFAULT_POLICY, type Exemption, type Hit, type Policy, type Rule, type RuleKind, type Scope, type Violation, type WordCategory, type WordList } from './schema.js';

// All of the guard's SQL. workspaceId first, every query filtered on it.

/** A row with its hit counter (from guard_hits; none yet is zero). */
type Counted<R> = R & { hits?: number | string | null; last_hit_at?: number | string | null };

export function toRule(row: Counted<GuardRuleRow>): Rule {
  return {
    id: row.id,
    kind: row.kind as RuleKind,
    name: row.name,
    enabled: row.enabled === 1,
    priority: row.priority,
    scope: fromJson<Scope>(row.scope, { groupIds: [], groupTypes: [], groupTags: [] }),
    config: fromJson<Record<string, unknown>>(row.config, {}),
    hits: Number(row.hits ?? 0),
    lastHitAt: row.last_hit_at === null || row.last_hit_at === undefined ? null : Number(row.last_hit_at),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toWordList(row: Counted<GuardWordListRow>, withWords: boolean): WordList {
  return {
    id: row.id,
    name: row.name,
    category: row.category as WordCategory,
    enabled: row.enabled === 1,
    wordCount: row.word_count,
    ...(withWords ? { words: fromJson<string[]>(row.words, []) } : {}),
    hits: Number(row.hits ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toViolation(row: GuardViolationRow): Violation {
  return {
    id: row.id,
    personId: row.person_id,
    groupId: row.group_id,
    source: row.source as Violation['source'],
    ruleId: row.rule_id,
    category: row.category,
    evidence: fromJson<Record<string, unknown>>(row.evidence, {}),
    offenceNo: row.offence_no,
    actions: fromJson<Violation['actions']>(row.actions, []),
    at: row.at,
    pardonedAt: row.pardoned_at,
    pardonedBy: row.pardoned_by,
  };
}

// ── rules ──

export async function insertRule(db: Db, workspaceId: string, rule: { kind: RuleKind; name: string; enabled: boolean; priority: number; scope: Scope; config: unknown }, now: number): Promise<GuardRuleRow> {
  return db
    .insertInto('guard_rules')
    .values({
      id: newId('gdr'),
      workspace_id: workspaceId,
      kind: rule.kind,
      name: rule.name,
      enabled: rule.enabled ? 1 : 0,
      priority: rule.priority,
      scope: toJson(rule.scope),
      config: toJson(rule.config),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

function rulesWithHits(db: Db, workspaceId: string) {
  return db
    .selectFrom('guard_rules')
    .leftJoin('guard_hits', (j) => j.onRef('guard_hits.target_id', '=', 'guard_rules.id').on('guard_hits.workspace_id', '=', workspaceId))
    .selectAll('guard_rules')
    .select(['guard_hits.hits', 'guard_hits.last_hit_at'])
    .where('guard_rules.workspace_id', '=', workspaceId);
}

export async function findRule(db: Db, workspaceId: string, id: string): Promise<Counted<GuardRuleRow> | undefined> {
  return rulesWithHits(db, workspaceId).where('guard_rules.id', '=', id).executeTakeFirst();
}

export async function listRules(db: Db, workspaceId: string, kind?: RuleKind): Promise<Counted<GuardRuleRow>[]> {
  return rulesWithHits(db, workspaceId)
    .$if(kind !== undefined, (q) => q.where('guard_rules.kind', '=', kind!))
    .orderBy('guard_rules.priority')
    .orderBy('guard_rules.created_at')
    .orderBy('guard_rules.id')
    .execute();
}

export async function updateRule(db: Db, workspaceId: string, id: string, patch: Partial<Pick<GuardRuleRow, 'name' | 'enabled' | 'priority' | 'scope' | 'config'>>, now: number): Promise<void> {
  await db.updateTable('guard_rules').set({ ...patch, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

export async function deleteRule(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('guard_rules').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Counts a hit of a rule or a word list (its own small row: a hit is not an edit of the rule). */
export async function countHit(db: Db, workspaceId: string, targetId: string, now: number): Promise<void> {
  await db
    .insertInto('guard_hits')
    .values({ workspace_id: workspaceId, target_id: targetId, hits: 1, last_hit_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'target_id']).doUpdateSet({ hits: sql`guard_hits.hits + 1`, last_hit_at: now }))
    .execute();
}

// ── word lists ──

export async function insertWordList(db: Db, workspaceId: string, list: { name: string; category: WordCategory; enabled: boolean; words: string[] }, now: number): Promise<GuardWordListRow> {
  return db
    .insertInto('guard_word_lists')
    .values({
      id: newId('gdw'),
      workspace_id: workspaceId,
      name: list.name,
      category: list.category,
      enabled: list.enabled ? 1 : 0,
      words: toJson(list.words),
      word_count: list.words.length,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

function listsWithHits(db: Db, workspaceId: string) {
  return db
    .selectFrom('guard_word_lists')
    .leftJoin('guard_hits', (j) => j.onRef('guard_hits.target_id', '=', 'guard_word_lists.id').on('guard_hits.workspace_id', '=', workspaceId))
    .selectAll('guard_word_lists')
    .select(['guard_hits.hits', 'guard_hits.last_hit_at'])
    .where('guard_word_lists.workspace_id', '=', workspaceId);
}

export async function findWordList(db: Db, workspaceId: string, id: string): Promise<Counted<GuardWordListRow> | undefined> {
  return listsWithHits(db, workspaceId).where('guard_word_lists.id', '=', id).executeTakeFirst();
}

export async function listWordLists(db: Db, workspaceId: string): Promise<Counted<GuardWordListRow>[]> {
  return listsWithHits(db, workspaceId).orderBy('guard_word_lists.created_at').orderBy('guard_word_lists.id').execute();
}

export async function updateWordList(db: Db, workspaceId: string, id: string, patch: { name?: string; category?: WordCategory; enabled?: boolean; words?: string[] }, now: number): Promise<void> {
  await db
    .updateTable('guard_word_lists')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.category !== undefined && { category: patch.category }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
      ...(patch.words !== undefined && { words: toJson(patch.words), word_count: patch.words.length }),
      updated_at: now,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function deleteWordList(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('guard_word_lists').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The revision of the workspace's guard configuration; every edit bumps it in the same transaction. */
export async function readRevision(db: Db, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('guard_revisions').select('revision').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return Number(row?.revision ?? 0);
}

export async function bumpRevision(db: Db, workspaceId: string): Promise<void> {
  await db
    .insertInto('guard_revisions')
    .values({ workspace_id: workspaceId, revision: 1 })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ revision: sql`guard_revisions.revision + 1` }))
    .execute();
}

// ── policies and exemptions ──

export async function listPolicies(db: Db, workspaceId: string): Promise<Policy[]> {
  const rows = await db.selectFrom('guard_policies').selectAll().where('workspace_id', '=', workspaceId).orderBy('group_type').execute();
  return rows.map((r) => ({ ...fromJson<Omit<Policy, 'groupType' | 'decayDays'>>(r.steps, DEFAULT_POLICY), groupType: r.group_type as Policy['groupType'], decayDays: r.decay_days }));
}

export async function replacePolicies(db: Db, workspaceId: string, policies: Policy[], now: number): Promise<void> {
  await db.deleteFrom('guard_policies').where('workspace_id', '=', workspaceId).execute();
  for (const p of policies) {
    const { groupType, decayDays, ...rest } = p;
    await db.insertInto('guard_policies').values({ workspace_id: workspaceId, group_type: groupType, steps: toJson(rest), decay_days: decayDays, updated_at: now }).execute();
  }
}

export async function listExemptions(db: Db, workspaceId: string): Promise<Exemption[]> {
  const rows = await db.selectFrom('guard_exemptions').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('person_id').execute();
  return rows.map((r) => ({ personId: r.person_id, note: r.note }));
}

export async function replaceExemptions(db: Db, workspaceId: string, items: Exemption[], now: number): Promise<void> {
  await db.deleteFrom('guard_exemptions').where('workspace_id', '=', workspaceId).execute();
  const unique = [...new Map(items.map((i) => [i.personId, i])).values()];
  for (const item of unique) {
    await db.insertInto('guard_exemptions').values({ workspace_id: workspaceId, person_id: item.personId, note: item.note, created_at: now }).execute();
  }
}

// ── members seen by the guard ──

export async function findMember(db: Db, workspaceId: string, groupId: string, personId: string): Promise<GuardMemberRow | undefined> {
  return db.selectFrom('guard_members').selectAll().where('workspace_id', '=', workspaceId).where('group_id', '=', groupId).where('person_id', '=', personId).executeTakeFirst();
}

/** Records a join; answers whether the person had been in this group before. */
export async function recordJoin(db: Db, workspaceId: string, m: { groupId: string; personId: string; externalId: string; name: string | null; role: string; at: number }): Promise<{ rejoin: boolean }> {
  const existing = await findMember(db, workspaceId, m.groupId, m.personId);
  if (existing) {
    await db
      .updateTable('guard_members')
      .set({ joined_at: m.at, join_order: newSortableId('j', m.at), role: m.role, name: m.name ?? existing.name, external_id: m.externalId })
      .where('workspace_id', '=', workspaceId)
      .where('group_id', '=', m.groupId)
      .where('person_id', '=', m.personId)
      .execute();
    return { rejoin: true };
  }
  await db
    .insertInto('guard_members')
    .values({ workspace_id: workspaceId, group_id: m.groupId, person_id: m.personId, external_id: m.externalId, name: m.name, role: m.role, first_joined_at: m.at, joined_at: m.at, join_order: newSortableId('j', m.at), welcome_rule_id: null, welcome_due_at: null })
    .onConflict((oc) => oc.columns(['workspace_id', 'group_id', 'person_id']).doNothing())
    .execute();
  return { rejoin: false };
}

/** The due time of the welcome burst open for this group and rule, if any. */
export async function openBurstDue(db: Db, workspaceId: string, groupId: string, ruleId: string, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('guard_members')
    .select((eb) => eb.fn.min<number>('welcome_due_at').as('due'))
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('welcome_rule_id', '=', ruleId)
    .where('welcome_due_at', '>=', now)
    .executeTakeFirst();
  return row?.due === null || row?.due === undefined ? null : Number(row.due);
}

export async function markWelcomePending(db: Db, workspaceId: string, groupId: string, personId: string, ruleId: string, due: number): Promise<void> {
  await db
    .updateTable('guard_members')
    .set({ welcome_rule_id: ruleId, welcome_due_at: due })
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .execute();
}

/** Takes the joiners of one burst (and clears them), in join order. */
export async function takeBurst(db: Db, workspaceId: string, groupId: string, ruleId: string, due: number): Promise<GuardMemberRow[]> {
  const rows = await db
    .selectFrom('guard_members')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('welcome_rule_id', '=', ruleId)
    .where('welcome_due_at', '=', due)
    .orderBy('join_order')
    .execute();
  await db
    .updateTable('guard_members')
    .set({ welcome_rule_id: null, welcome_due_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('welcome_rule_id', '=', ruleId)
    .where('welcome_due_at', '=', due)
    .execute();
  return rows;
}

/** A leaver no longer waits for a welcome. */
export async function clearPendingWelcome(db: Db, workspaceId: string, groupId: string, personId: string): Promise<void> {
  await db
    .updateTable('guard_members')
    .set({ welcome_rule_id: null, welcome_due_at: null })
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .execute();
}

// ── reply cooldowns ──

/** Claims the rule's reply slot in a group: true when the last reply is older than the cooldown. */
export async function claimReplySlot(db: Db, workspaceId: string, ruleId: string, groupId: string, now: number, cooldownMs: number): Promise<boolean> {
  const inserted = await db
    .insertInto('guard_reply_cooldowns')
    .values({ workspace_id: workspaceId, rule_id: ruleId, group_id: groupId, last_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'rule_id', 'group_id']).doUpdateSet({ last_at: now }).where('guard_reply_cooldowns.last_at', '<=', now - cooldownMs))
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function isCoolingDown(db: Db, workspaceId: string, ruleId: string, groupId: string, now: number, cooldownMs: number): Promise<boolean> {
  const row = await db
    .selectFrom('guard_reply_cooldowns')
    .select('last_at')
    .where('workspace_id', '=', workspaceId)
    .where('rule_id', '=', ruleId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return row !== undefined && row.last_at > now - cooldownMs;
}

// ── activity (flood, spam waves) ──

export async function recordActivity(db: Db, workspaceId: string, a: { personId: string; groupId: string; digest: string; at: number }, keepMs: number): Promise<void> {
  await db.deleteFrom('guard_activity').where('workspace_id', '=', workspaceId).where('person_id', '=', a.personId).where('at', '<', a.at - keepMs).execute();
  await db.insertInto('guard_activity').values({ workspace_id: workspaceId, person_id: a.personId, group_id: a.groupId, digest: a.digest, at: a.at }).execute();
}

export async function countRecentMessages(db: Db, workspaceId: string, personId: string, groupId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('guard_activity')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', personId)
    .where('group_id', '=', groupId)
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function countGroupsWithDigest(db: Db, workspaceId: string, digest: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('guard_activity')
    .select((eb) => eb.fn.count<number>('group_id').distinct().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('digest', '=', digest)
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

// ── violations ──

/** One violation per event (unique): answers null when this event was already counted. */
export async function insertViolation(
  db: Db,
  workspaceId: string,
  v: { personId: string; groupId: string | null; eventId: string; hit: Hit; evidence: Record<string, unknown>; offenceNo: number; at: number },
): Promise<string | null> {
  const id = newSortableId('gdv', v.at);
  const inserted = await db
    .insertInto('guard_violations')
    .values({
      id,
      workspace_id: workspaceId,
      person_id: v.personId,
      group_id: v.groupId,
      event_id: v.eventId,
      source: v.hit.source,
      rule_id: v.hit.ruleId ?? v.hit.listId,
      category: v.hit.category,
      evidence: toJson(v.evidence),
      offence_no: v.offenceNo,
      actions: '[]',
      at: v.at,
      pardoned_at: null,
      pardoned_by: null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? id : null;
}

export async function setViolationActions(db: Db, workspaceId: string, id: string, actions: Violation['actions']): Promise<void> {
  await db.updateTable('guard_violations').set({ actions: toJson(actions) }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/** Offences that still count: not pardoned, not older than the decay window. */
export async function countOffences(db: Db, workspaceId: string, personId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('guard_violations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', personId)
    .where('pardoned_at', 'is', null)
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findViolation(db: Db, workspaceId: string, id: string): Promise<GuardViolationRow | undefined> {
  return db.selectFrom('guard_violations').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function listViolations(db: Db, workspaceId: string, q: { personId?: string | undefined; groupId?: string | undefined; limit: number; before?: number | undefined }): Promise<GuardViolationRow[]> {
  return db
    .selectFrom('guard_violations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(q.personId !== undefined, (x) => x.where('person_id', '=', q.personId!))
    .$if(q.groupId !== undefined, (x) => x.where('group_id', '=', q.groupId!))
    .$if(q.before !== undefined, (x) => x.where('at', '<', q.before!))
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .execute();
}

export async function pardonViolation(db: Db, workspaceId: string, id: string, actor: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('guard_violations')
    .set({ pardoned_at: now, pardoned_by: actor })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('pardoned_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function violationTotals(db: Db, workspaceId: string, since: number): Promise<{ category: string; pardoned: number; n: number }[]> {
  const rows = await db
    .selectFrom('guard_violations')
    .select((eb) => ['category', eb.fn.countAll<number>().as('n'), eb.fn.count<number>('pardoned_at').as('pardoned')])
    .where('workspace_id', '=', workspaceId)
    .where('at', '>=', since)
    .groupBy('category')
    .execute();
  return rows.map((r) => ({ category: r.category, n: Number(r.n), pardoned: Number(r.pardoned) }));
}
