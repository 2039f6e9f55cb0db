import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { testDialects } from '../../../test/support/services.js';

// Staff write tasks by hand beside the ones modules raise: a follow-up promised
// in a group, a call to make to a person.

for (const dialect of await testDialects()) {
  describe(`tasks written by hand on ${dialect}`, () => {
    let t: TestApp;
    let workspaceId: string;
    let groupId: string;
    let personId: string;
    const tokens = { operator: '', assistant: '', viewer: '', otherOwner: '' };

    beforeAll(async () => {
      t = await startTestApp(dialect);
      workspaceId = (await t.api('GET', '/api/v1/workspace')).body.id;
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '打卡营', people: [{ id: 'p-owner', name: '群主', role: 'owner' }, { id: 'p-1', name: '小美' }] });
      expect(group.status).toBe(201);
      groupId = group.body.id;
      const people = (await t.api('GET', '/api/v1/people?limit=50')).body.items as { id: string; identities: { externalId: string }[] }[];
      personId = people.find((p) => p.identities.some((i) => i.externalId === 'p-1'))!.id;
      for (const role of ['operator', 'assistant', 'viewer'] as const) {
        tokens[role] = (await t.app.workspaces.createToken(workspaceId, { name: role, role, createdBy: null })).value;
      }
      const other = await t.app.workspaces.createWorkspace({ slug: `other-${dialect}` });
      tokens.otherOwner = (await t.app.workspaces.createToken(other.id, { name: 'other owner', role: 'owner', createdBy: null })).value;
    });
    afterAll(async () => t?.cleanup());

    it('an operator writes a task about a group and a person; it is open, listed, stored and audited', async () => {
      const dueAt = t.app.clock.now() + 86_400_000;
      const created = await t.api('POST', '/api/v1/tasks', { title: '  给小美回电话  ', detail: '她问续费优惠', groupId, personId, dueAt, assigneeRole: 'assistant' }, tokens.operator);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        title: '给小美回电话',
        detail: '她问续费优惠',
        groupId,
        personId,
        dueAt,
        assigneeRole: 'assistant',
        assigneeUserId: null,
        state: 'open',
        source: 'manual',
        actionId: null,
        createdAt: t.app.clock.now(),
        doneAt: null,
      });
      const open = await t.api('GET', '/api/v1/tasks?state=open');
      expect(open.body.items.map((task: { id: string }) => task.id)).toContain(created.body.id);
      const row = await t.app.dbHandle.db.selectFrom('tasks').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ workspace_id: workspaceId, title: '给小美回电话', group_id: groupId, person_id: personId, state: 'open', source: 'manual' });
      const audit = await t.api('GET', '/api/v1/audit?limit=20');
      const entry = audit.body.items.find((e: { action: string; target: string }) => e.action === 'task.create' && e.target === created.body.id);
      expect(entry).toMatchObject({ actor: expect.stringMatching(/^token:/), detail: { title: '给小美回电话', groupId, personId } });
    });

    it('a task needs only a title; two alike are two tasks, and the default assignee is an operator', async () => {
      const first = await t.api('POST', '/api/v1/tasks', { title: '整理本周问答' }, tokens.operator);
      const second = await t.api('POST', '/api/v1/tasks', { title: '整理本周问答' }, tokens.operator);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(first.body).toMatchObject({ detail: null, groupId: null, personId: null, dueAt: null, assigneeRole: 'operator', state: 'open' });
    });

    it('a hand-written task is marked done like any other', async () => {
      const created = await t.api('POST', '/api/v1/tasks', { title: '发班级海报' }, tokens.operator);
      const done = await t.api('PATCH', `/api/v1/tasks/${created.body.id}`, { state: 'done' }, tokens.assistant);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ state: 'done', doneAt: t.app.clock.now(), doneBy: expect.stringMatching(/^token:/) });
    });

    it('assistants and viewers cannot write tasks', async () => {
      const before = await t.app.dbHandle.db.selectFrom('tasks').select('id').execute();
      for (const token of [tokens.assistant, tokens.viewer]) {
        const refused = await t.api('POST', '/api/v1/tasks', { title: '不该出现' }, token);
        expect(refused.status).toBe(403);
        expect(refused.body.code).toBe('forbidden');
      }
      expect(await t.app.dbHandle.db.selectFrom('tasks').select('id').execute()).toHaveLength(before.length);
    });

    it('a group or person of another workspace, or none at all, is a 404 and writes nothing', async () => {
      const before = await t.app.dbHandle.db.selectFrom('tasks').select('id').execute();
      const foreignGroup = await t.api('POST', '/api/v1/tasks', { title: 'x', groupId }, tokens.otherOwner);
      expect(foreignGroup.status).toBe(404);
      expect(foreignGroup.body.code).toBe('task_group_not_found');
      expect(JSON.stringify(foreignGroup.body)).not.toContain(groupId);
      const foreignPerson = await t.api('POST', '/api/v1/tasks', { title: 'x', personId }, tokens.otherOwner);
      expect(foreignPerson.status).toBe(404);
      expect(foreignPerson.body.code).toBe('task_person_not_found');
      expect(JSON.stringify(foreignPerson.body)).not.toContain(personId);
      const madeUp = await t.api('POST', '/api/v1/tasks', { title: 'x', groupId: 'grp_doesnotexist000', personId: 'per_doesnotexist000' }, tokens.operator);
      expect(madeUp.status).toBe(404);
      expect(await t.app.dbHandle.db.selectFrom('tasks').select('id').execute()).toHaveLength(before.length);
    });

    it('a blank title, unknown fields or a negative due time are refused with 400', async () => {
      for (const body of [{ title: '   ' }, {}, { title: 'ok', state: 'done' }, { title: 'ok', dueAt: -1 }, { title: 'ok', assigneeRole: 'viewer' }, { title: 'x'.repeat(201) }]) {
        const refused = await t.api('POST', '/api/v1/tasks', body, tokens.operator);
        expect(refused.status, JSON.stringify(body)).toBe(400);
      }
    });
  });
}
