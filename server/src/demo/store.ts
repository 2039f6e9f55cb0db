import type { Db, DemoPersonRow } from '../database.js';
import { fromJson, toJson } from '../kernel/json.js';

// The demo's own tables: the world (persona, group plans, seed) and its people
// with their behaviour model, home group and whether they are in it now.

export type DemoWorld = { seed: number; persona: unknown; plans: DemoGroupPlan[]; createdAt: number };
export type DemoGroupPlan = { groupId: string; chatId: string; name: string; type: string; goal: string; cycle: string; tags: string[] };

export async function findWorld(db: Db, workspaceId: string): Promise<DemoWorld | undefined> {
  const row = await db.selectFrom('demo_worlds').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? { seed: row.seed, persona: fromJson(row.persona, {}), plans: fromJson<DemoGroupPlan[]>(row.plans, []), createdAt: row.created_at } : undefined;
}

export async function insertWorld(db: Db, workspaceId: string, world: DemoWorld): Promise<void> {
  await db
    .insertInto('demo_worlds')
    .values({ workspace_id: workspaceId, seed: world.seed, persona: toJson(world.persona), plans: toJson(world.plans), created_at: world.createdAt })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
}

export async function insertPeople(db: Db, workspaceId: string, people: Omit<DemoPersonRow, 'workspace_id'>[]): Promise<void> {
  for (let i = 0; i < people.length; i += 500) {
    await db
      .insertInto('demo_people')
      .values(people.slice(i, i + 500).map((p) => ({ ...p, workspace_id: workspaceId })))
      .onConflict((oc) => oc.columns(['workspace_id', 'person_id']).doNothing())
      .execute();
  }
}

export async function countPeople(db: Db, workspaceId: string, present: boolean): Promise<number> {
  const row = await db
    .selectFrom('demo_people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('present', '=', present ? 1 : 0)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** How many people of each model are in their group now. */
export async function countPresentByModel(db: Db, workspaceId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('demo_people')
    .select(['model', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .where('present', '=', 1)
    .groupBy('model')
    .execute();
  return new Map(rows.map((r) => [r.model, Number(r.n)]));
}

/** The n-th person (in id order) who is in, or out of, their group: a seeded pick without loading everyone. */
export async function nthPerson(db: Db, workspaceId: string, present: boolean, n: number, model?: string): Promise<DemoPersonRow | undefined> {
  return db
    .selectFrom('demo_people')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('present', '=', present ? 1 : 0)
    .$if(model !== undefined, (q) => q.where('model', '=', model!))
    .orderBy('person_id')
    .offset(n)
    .limit(1)
    .executeTakeFirst();
}

export async function setPresent(db: Db, workspaceId: string, personId: string, present: boolean): Promise<void> {
  await db.updateTable('demo_people').set({ present: present ? 1 : 0 }).where('workspace_id', '=', workspaceId).where('person_id', '=', personId).execute();
}
