import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QunyunApp } from '../app.js';
import type { Principal } from '../kernel/http/principal.js';
import { newSecret } from '../kernel/ids.js';
import { seedDemoGuard } from './guard.js';
import { scheduleNextTick } from './life.js';
import * as store from './store.js';
import { createRandom, DEMO_OWNER_EMAIL, DEMO_PEOPLE, DEMO_SEED, DEMO_SLUG, GROUP_PLANS, MODEL_WEIGHTS, PERSONA, personName, pickWeighted } from './world.js';
import type { DemoGroupPlan } from './store.js';
import type { Model } from './world.js';

// Seeds the demo world once (workspace `demo`, persona, 12 groups, ~3,000
// people) and makes sure the owner can log in on every start. A restart keeps
// everything and seeds nothing.

export type DemoReady = { created: boolean; email: string; password: string; groups: number; people: number; seedMs: number };

/** The owner's password: QUNYUN_DEMO_PASSWORD, else the one generated on first start into <data>/demo-login.txt (0600). */
function demoPassword(app: QunyunApp): string {
  if (app.config.demoPassword) return app.config.demoPassword;
  const path = join(app.config.dataDir, 'demo-login.txt');
  if (existsSync(path)) {
    const found = /^password: (.+)$/m.exec(readFileSync(path, 'utf8'));
    if (found?.[1]) return found[1].trim();
  }
  mkdirSync(app.config.dataDir, { recursive: true });
  const password = newSecret(12);
  writeFileSync(path, `workspace: ${DEMO_SLUG}\nemail: ${DEMO_OWNER_EMAIL}\npassword: ${password}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return password;
}

export async function seedDemo(app: QunyunApp, options: { people?: number } = {}): Promise<DemoReady> {
  const started = performance.now();
  const db = app.dbHandle.db;
  const workspace = await app.workspaces.ensureWorkspace(DEMO_SLUG, `${PERSONA.brand}护肤 · 群运演示`);
  const password = demoPassword(app);
  const owner = await app.auth.findUserByLogin(workspace.id, DEMO_OWNER_EMAIL);
  if (!owner) await app.workspaces.createUser(workspace.id, { login: DEMO_OWNER_EMAIL, name: PERSONA.nickname, role: 'owner', password });
  else await app.auth.ensurePassword(workspace.id, owner.id, password);

  const existing = await store.findWorld(db, workspace.id);
  if (existing) {
    const people = (await store.countPeople(db, workspace.id, true)) + (await store.countPeople(db, workspace.id, false));
    await scheduleNextTick(app.jobs.schedule, db, workspace.id, app.clock.now());
    return { created: false, email: DEMO_OWNER_EMAIL, password, groups: existing.plans.length, people, seedMs: 0 };
  }

  const random = createRandom(DEMO_SEED);
  const total = options.people ?? DEMO_PEOPLE;
  const weightSum = GROUP_PLANS.reduce((sum, g) => sum + g.weight, 0);
  const people = Array.from({ length: total }, (_, i) => {
    const model: Model = pickWeighted(random, MODEL_WEIGHTS);
    let roll = random() * weightSum;
    const home = GROUP_PLANS.findIndex((g) => (roll -= g.weight) < 0);
    return { person_id: `d-${String(i + 1).padStart(5, '0')}`, name: personName(random), model, home: home < 0 ? GROUP_PLANS.length - 1 : home, present: model === 'joiner' ? 0 : 1 };
  });

  const principal: Principal = { workspaceId: workspace.id, role: 'owner', actor: 'system:demo' };
  await app.connectors.ensureSimulator(workspace.id, 'full');
  const plans: DemoGroupPlan[] = [];
  const rows: Parameters<typeof store.insertPeople>[2] = [];
  for (const [index, plan] of GROUP_PLANS.entries()) {
    const members = people.filter((p) => p.home === index);
    const group = await app.simulator.createGroup(principal, {
      name: plan.name,
      type: plan.type,
      tags: plan.tags,
      profile: 'full',
      people: [
        { id: PERSONA.staffAccountId, name: PERSONA.nickname, role: 'owner' },
        ...members.filter((p) => p.present === 1).map((p) => ({ id: p.person_id, name: p.name, role: 'member' as const })),
      ],
    });
    plans.push({ groupId: group.id, chatId: group.chatId, name: plan.name, type: plan.type, goal: plan.goal, cycle: plan.cycle, tags: plan.tags });
    for (const p of members) rows.push({ person_id: p.person_id, name: p.name, model: p.model, chat_id: group.chatId, present: p.present });
  }
  await store.insertPeople(db, workspace.id, rows);
  await seedDemoGuard(app, principal);
  await store.insertWorld(db, workspace.id, { seed: DEMO_SEED, persona: PERSONA, plans, createdAt: app.clock.now() });
  await app.workspaces.update(principal, { name: `${PERSONA.brand}护肤 · 群运演示` });
  await app.workspaces.audit(workspace.id, 'system:demo', 'demo.seed', workspace.id, { groups: plans.length, people: rows.length });
  await scheduleNextTick(app.jobs.schedule, db, workspace.id, app.clock.now());
  return { created: true, email: DEMO_OWNER_EMAIL, password, groups: plans.length, people: rows.length, seedMs: Math.round(performance.now() - started) };
}
