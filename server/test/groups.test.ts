import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

for (const dialect of await testDialects()) {
  describe(`group settings on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(async () => t?.cleanup());

    it("a group's owner must be a person of the same workspace, and a refused change leaves the group as it was", async () => {
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '宠粉群 3', people: [{ id: 'o-1', name: '群主', role: 'owner' }] });
      const before = await t.api('GET', `/api/v1/groups/${group.body.id}`);
      const other = await t.app.workspaces.createWorkspace({ slug: 'other-brand' });
      const otherToken = (await t.app.workspaces.createToken(other.id, { name: 't', role: 'owner', createdBy: null })).value;
      const otherGroup = await t.api('POST', '/api/v1/sim/groups', { name: '别家群', people: [{ id: 'x-1', name: '别家群主', role: 'owner' }] }, otherToken);
      const foreignOwner = (await t.api('GET', `/api/v1/groups/${otherGroup.body.id}`, undefined, otherToken)).body.ownerPersonId as string;
      expect(foreignOwner).toBeTruthy();

      const refused = await t.api('PATCH', `/api/v1/groups/${group.body.id}`, { ownerPersonId: foreignOwner, tags: ['changed'] });
      expect(refused.status).toBe(404);
      expect(refused.body.code).toBe('group_owner_not_found');
      expect((await t.api('GET', `/api/v1/groups/${group.body.id}`)).body).toEqual(before.body);

      const people = await t.api('GET', '/api/v1/people?q=群主');
      const ownPerson = people.body.items.find((p: { displayName: string }) => p.displayName === '群主').id as string;
      const accepted = await t.api('PATCH', `/api/v1/groups/${group.body.id}`, { ownerPersonId: ownPerson });
      expect(accepted.status).toBe(200);
      expect(accepted.body.ownerPersonId).toBe(ownPerson);
    });

    it('a workspace created while the server runs gets its daily message-retention job', async () => {
      const created = await t.app.workspaces.createWorkspace({ slug: 'late-brand', timeZone: 'Europe/Berlin' });
      const jobs = await t.app.dbHandle.db.selectFrom('jobs').select(['name', 'run_at']).where('workspace_id', '=', created.id).execute();
      expect(jobs.map((j) => j.name)).toEqual(['groups.message-retention']);
      expect(jobs[0]!.run_at).toBeGreaterThan(t.app.clock.now());
    });
  });
}
