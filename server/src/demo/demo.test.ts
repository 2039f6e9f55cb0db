import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { testDialects } from '../../test/support/services.js';
import { countPeople, DEMO_OWNER_EMAIL, findWorld, GROUP_PLANS, seedDemo, type DemoReady } from './index.js';
import { DEMO_FAQ } from './guard.js';

// The `npm start` world: seeded once, alive under the clock, kept across restarts.

for (const dialect of await testDialects()) {
  // The full 3,000 on SQLite (the demo's database); PostgreSQL runs the same paths with a smaller crowd to keep CI quick.
  const people = dialect === 'sqlite' ? 3000 : 600;
  describe(`demo world on ${dialect}`, () => {
    let t: TestApp;
    let ready: DemoReady;
    let workspaceId: string;
    beforeAll(async () => {
      t = await startTestApp(dialect, { QUNYUN_DEMO_PASSWORD: 'demo-password-1' });
      ready = await seedDemo(t.app, { people });
      workspaceId = (await t.app.workspaces.findBySlug('demo'))!.id;
      console.log(`demo seed on ${dialect}: ${ready.seedMs} ms for ${ready.groups} groups and ${ready.people} people`);
    }, 180_000);
    afterAll(async () => t?.cleanup());

    it(`seeds 12 groups of several types named brand + theme + number, and ${people} people, most of them already in a group`, async () => {
      expect(ready).toMatchObject({ created: true, groups: 12, people });
      const groups = await t.api('GET', '/api/v1/groups?limit=100');
      expect(groups.body.items).toHaveLength(12);
      expect(new Set(groups.body.items.map((g: { type: string }) => g.type))).toEqual(new Set(['traffic', 'new_user', 'camp', 'delivery', 'vip', 'local']));
      for (const group of groups.body.items) expect(group.name).toMatch(/^澄光.+ \d+$/);
      const inGroups = groups.body.items.reduce((sum: number, g: { memberCount: number }) => sum + g.memberCount, 0);
      const present = await countPeople(t.app.dbHandle.db, workspaceId, true);
      expect(present).toBeGreaterThan(people * 0.7);
      // Every present person plus the brand's persona account in each group.
      expect(inGroups).toBe(present + 12);
      const world = await findWorld(t.app.dbHandle.db, workspaceId);
      expect(world?.persona).toMatchObject({ nickname: '澄光宠粉官·小澄', workingHours: { start: '09:00', end: '22:00' } });
      expect(world?.plans.map((p) => [p.name, p.goal, p.cycle])).toEqual(GROUP_PLANS.map((p) => [p.name, p.goal, p.cycle]));
    });

    it('the owner logs in with the configured password', async () => {
      const response = await t.app.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { workspace: 'demo', email: DEMO_OWNER_EMAIL, password: 'demo-password-1' } });
      expect(response.statusCode).toBe(200);
      expect(response.json().user.role).toBe('owner');
    });

    it('advancing the clock makes people talk, join and leave, and the live feed shows it', async () => {
      const before = await t.api('GET', '/api/v1/live/recent?limit=500');
      const messagesBefore = before.body.items.filter((i: { type: string }) => i.type === 'message').length;
      // One simulated hour: sixty ticks of the life job (the clock starts at midnight in Shanghai: quiet hours, still alive).
      await t.app.engine.advance(t.app.clock.now() + 3600_000);
      await t.app.live.settled();
      const after = await t.api('GET', '/api/v1/live/recent?limit=500');
      const items: { type: string; groupName: string; text?: string }[] = after.body.items;
      const messages = items.filter((i) => i.type === 'message');
      expect(messages.length - messagesBefore).toBeGreaterThan(30);
      expect(items.some((i) => i.type === 'member.joined')).toBe(true);
      expect(new Set(messages.map((m) => m.groupName)).size).toBeGreaterThan(5);
      expect(messages.every((m) => typeof m.text === 'string' && m.text.length > 0)).toBe(true);
      const groups = await t.api('GET', '/api/v1/groups?limit=100');
      const talked = await t.api('GET', `/api/v1/groups/${groups.body.items[0].id}/messages?limit=500`);
      expect(talked.status).toBe(200);
    });

    it('the demo starts with a guard: a merged welcome, FAQ replies, an ads and an abuse word list, behaviour rules and the three-strike ladder', async () => {
      const principal = { workspaceId, role: 'owner' as const, actor: 'test' };
      const welcome = await t.app.guard.listRules(workspaceId, 'welcome');
      expect(welcome).toHaveLength(1);
      expect(welcome[0]!.config.template).toEqual(expect.stringContaining('{nickname}'));
      expect(welcome[0]!.config.template).toEqual(expect.stringContaining('{group}'));
      expect((await t.app.guard.listRules(workspaceId, 'reply')).length).toBe(DEMO_FAQ.length);
      expect((await t.app.guard.listRules(workspaceId, 'behaviour')).map((r) => r.config.check).sort()).toEqual(['contact', 'flood', 'new_member_link', 'spam_wave']);
      expect((await t.app.guard.listWordLists(workspaceId)).map((l) => l.category).sort()).toEqual(['abuse', 'ads']);
      const policies = await t.app.guard.policies(workspaceId);
      expect(policies.isDefault).toBe(false);
      expect(policies.items[0]!.steps.map((s) => s.actions)).toEqual([['warn'], ['notice', 'mute'], ['kick', 'blacklist']]);
      // What a spammer's line would get, said by someone on a first offence.
      const trial = await t.app.guard.tryMessage(principal.workspaceId, { text: '兼职日结300，在家可做，私聊' });
      expect(trial.hits.map((h) => h.category)).toContain('ads');
      expect(trial.escalation?.actions.map((a) => a.action)).toEqual(['warn']);
    });

    it('in the simulated hour joiners got a merged welcome, a frequent question got its FAQ answer and spammers were warned, in the groups themselves', async () => {
      const principal = { workspaceId, role: 'owner' as const, actor: 'test' };
      const world = (await findWorld(t.app.dbHandle.db, workspaceId))!;
      const said: string[] = [];
      for (const plan of world.plans) {
        const items = await t.app.simulator.transcript(principal, { chatId: plan.chatId, limit: 5000 });
        for (const item of items) if (item.kind === 'send' && item.text) said.push(item.text);
      }
      expect(said.some((text) => /^欢迎 .+ 加入澄光.+🎉/.test(text))).toBe(true);
      const answers = new Set(DEMO_FAQ.flatMap((faq) => faq.answers));
      expect(said.some((text) => answers.has(text))).toBe(true);
      const replies = await t.app.guard.listRules(workspaceId, 'reply');
      expect(replies.reduce((sum, r) => sum + r.hits, 0)).toBeGreaterThan(0);
      expect((await t.app.guard.listRules(workspaceId, 'welcome'))[0]!.hits).toBeGreaterThan(0);
      // The demo's spammers trip the word list and climb the ladder.
      const violations = await t.app.guard.violations(workspaceId, { limit: 500 });
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.some((v) => v.category === 'ads' && v.actions.some((a) => a.action === 'warn'))).toBe(true);
      console.log(`demo hour on ${dialect}: ${said.length} messages from the brand, ${violations.length} violations`);
    });

    it('starting again keeps the world and seeds nothing', async () => {
      const again = await seedDemo(t.app);
      expect(again).toMatchObject({ created: false, groups: 12, people });
      const groups = await t.api('GET', '/api/v1/groups?limit=100');
      expect(groups.body.items).toHaveLength(12);
    });
  });
}
