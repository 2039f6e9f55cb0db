import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { testDialects } from '../../test/support/services.js';
import { countPeople, DEMO_OWNER_EMAIL, findWorld, GROUP_PLANS, seedDemo, type DemoReady } from './index.js';

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

    it('starting again keeps the world and seeds nothing', async () => {
      const again = await seedDemo(t.app);
      expect(again).toMatchObject({ created: false, groups: 12, people });
      const groups = await t.api('GET', '/api/v1/groups?limit=100');
      expect(groups.body.items).toHaveLength(12);
    });
  });
}
