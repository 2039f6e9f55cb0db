import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

const DAY = 86_400_000;

for (const dialect of await testDialects()) {
  describe(`simulator round trip on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(dialect);
    });
    afterAll(async () => t?.cleanup());

    it('a message sent through the API reaches the group transcript once, however often it is posted', async () => {
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '宠粉群 1', type: 'new_user', people: [{ id: 'p-staff', name: '运营', role: 'staff' }] });
      expect(group.status).toBe(201);
      expect(group.body.chatId).toMatch(/^[A-Za-z0-9_-]+$/);
      const send = { target: { groupId: group.body.id }, message: { type: 'text', text: '欢迎大家' }, idempotencyKey: 'hello-1' };
      const first = await t.api('POST', '/api/v1/messages', send);
      const second = await t.api('POST', '/api/v1/messages', send);
      expect(first.status).toBe(202);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      await t.app.engine.drain();
      const transcript = await t.api('GET', `/api/v1/sim/transcript?chatId=${group.body.chatId}`);
      expect(transcript.body.items.map((i: { text: string }) => i.text)).toEqual(['欢迎大家']);
      const delivery = await t.api('GET', `/api/v1/messages/${first.body.id}`);
      expect(delivery.body.state).toBe('sent');
    });

    it('joins, leaves and messages build the membership history and the chat log', async () => {
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '训练营', people: [{ id: 'owner-1', name: '群主', role: 'owner' }] });
      const chatId = group.body.chatId;
      const events = await t.api('POST', '/api/v1/sim/events', {
        events: [
          { type: 'join', chatId, person: { id: 'p-1', name: '小王' }, inviterId: 'owner-1' },
          { type: 'message', chatId, personId: 'p-1', text: '大家好', id: 'm-1' },
          { type: 'message', chatId, personId: 'p-1', text: '大家好', id: 'm-1' },
          { type: 'message', chatId, personId: 'p-2', text: '我是潜水的', id: 'm-2' },
          { type: 'leave', chatId, personId: 'p-1' },
        ],
      });
      expect(events.status).toBe(200);
      expect(events.body.results.map((r: { duplicate: boolean }) => r.duplicate)).toEqual([false, false, true, false, false]);
      const history = await t.api('GET', `/api/v1/groups/${group.body.id}/members?view=history`);
      const byName = Object.fromEntries(history.body.items.map((m: { personName: string }) => [m.personName, m]));
      expect(byName['小王'].leftReason).toBe('quit');
      expect(byName['小王'].via).toBe('invite');
      expect(byName['小王'].inviterPersonId).toBe(byName['群主'].personId);
      // p-2's join never arrived: the membership is inferred, and says so.
      expect(history.body.items.find((m: { confidence: number; leftAt: number | null }) => m.confidence < 1 && m.leftAt === null)).toBeTruthy();
      const current = await t.api('GET', `/api/v1/groups/${group.body.id}/members`);
      expect(current.body.items).toHaveLength(2);
      const log = await t.api('GET', `/api/v1/groups/${group.body.id}/messages`);
      expect(log.body.items).toHaveLength(2);
    });

    it('a bad event in a batch applies nothing', async () => {
      const group = await t.api('POST', '/api/v1/sim/groups', { name: 'g' });
      const chatId = group.body.chatId;
      const bad = await t.api('POST', '/api/v1/sim/events', {
        events: [
          { type: 'join', chatId, person: { id: 'p-9', name: 'X' } },
          { type: 'join', chatId: 'no-such-chat', person: { id: 'p-8', name: 'Y' } },
        ],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('sim_event_invalid');
      const members = await t.api('GET', `/api/v1/groups/${group.body.id}/members`);
      expect(members.body.items).toHaveLength(0);
      const unknownKind = await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'no-such-kind' }] });
      expect(unknownKind.status).toBe(400);
      expect(unknownKind.body.message.zh).toBeTruthy();
    });

    it('the virtual clock only moves forward and persists', async () => {
      const before = (await t.api('GET', '/api/v1/sim/clock')).body.now;
      const after = await t.api('POST', '/api/v1/sim/clock', { advanceMs: DAY });
      expect(after.body.now).toBe(before + DAY);
      const back = await t.api('POST', '/api/v1/sim/clock', { to: before });
      expect(back.status).toBe(400);
      expect(back.body.code).toBe('clock_backwards');
      const negative = await t.api('POST', '/api/v1/sim/clock', { advanceMs: -1 });
      expect(negative.status).toBe(400);
      const row = await t.app.dbHandle.db.selectFrom('clock_state').select('now').executeTakeFirstOrThrow();
      expect(Number(row.now)).toBe(before + DAY);
    });

    it('a send that needs a capability the platform lacks becomes a staff task with the evidence', async () => {
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '企微群', profile: 'wecom', people: [{ id: 'p-x', name: '违规者' }] });
      const refused = await t.api('POST', '/api/v1/messages', { target: { groupId: group.body.id }, message: { type: 'text', text: '@所有人', mentionAll: true }, idempotencyKey: 'wecom-all' });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('capability_missing');
      // A module that asks the outbox to kick on WeCom gets a task, not silence.
      const { enqueueAction } = await import('../src/kernel/outbox/outbox.js');
      const { action } = await enqueueAction(t.app.dbHandle.db, group.body.connectorId ? (await t.api('GET', '/api/v1/workspace')).body.id : '', {
        key: 'guard:test-kick', lane: 'moderation', connectorId: group.body.connectorId, kind: 'kick', chatId: group.body.chatId, personExternalId: 'p-x', groupId: group.body.id, cause: 'test',
      }, t.app.clock.now());
      await t.app.engine.drain();
      const delivery = await t.api('GET', `/api/v1/messages/${action.id}`);
      expect(delivery.body.state).toBe('failed');
      const task = await t.api('GET', `/api/v1/tasks/${delivery.body.taskId}`);
      expect(task.body.evidence).toMatchObject({ reason: 'capability_missing', kind: 'kick', personExternalId: 'p-x' });
      const done = await t.api('PATCH', `/api/v1/tasks/${task.body.id}`, { state: 'done' });
      expect(done.body.state).toBe('done');
      const transcript = await t.api('GET', `/api/v1/sim/transcript?chatId=${group.body.chatId}`);
      expect(transcript.body.items).toHaveLength(0);
    });

    it('sends a rate limit deferred go out in time order when the virtual clock advances', async () => {
      // wechat profile: one message per second per chat.
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '铁粉群', profile: 'wechat' });
      for (let i = 0; i < 3; i++) {
        await t.api('POST', '/api/v1/messages', { target: { groupId: group.body.id }, message: { type: 'text', text: `第${i + 1}条` }, idempotencyKey: `burst-${i}` });
      }
      await t.app.engine.drain();
      const now = t.app.clock.now();
      expect((await t.api('GET', `/api/v1/sim/transcript?chatId=${group.body.chatId}`)).body.items).toHaveLength(1);
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 5_000 });
      const items = (await t.api('GET', `/api/v1/sim/transcript?chatId=${group.body.chatId}`)).body.items;
      expect(items.map((i: { text: string }) => i.text)).toEqual(['第1条', '第2条', '第3条']);
      expect(items.map((i: { at: number }) => i.at - now)).toEqual([0, 1000, 2000]);
    });

    it('quiet hours hold planned sends until they end, in the workspace time zone', async () => {
      await t.api('PATCH', '/api/v1/workspace', { quietHours: { start: '22:00', end: '08:00' } });
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '夜间群' });
      // Move to 23:00 Shanghai time on some day.
      const now = t.app.clock.now();
      const shanghaiHour = new Date(now + 8 * 3600_000).getUTCHours();
      const toElevenPm = ((23 - shanghaiHour + 24) % 24) * 3600_000 - ((now % 3600_000));
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: toElevenPm });
      const sent = await t.api('POST', '/api/v1/messages', { target: { groupId: group.body.id }, message: { type: 'text', text: '晚安推送' }, idempotencyKey: 'night-1' });
      await t.app.engine.drain();
      expect((await t.api('GET', `/api/v1/messages/${sent.body.id}`)).body.state).toBe('pending');
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 10 * 3600_000 });
      const delivered = await t.api('GET', `/api/v1/messages/${sent.body.id}`);
      expect(delivered.body.state).toBe('sent');
      expect(new Date(delivered.body.sentAt + 8 * 3600_000).getUTCHours()).toBe(8);
      await t.api('PATCH', '/api/v1/workspace', { quietHours: null });
    });

    it('no token is 401, a viewer may not send (403), and errors speak Chinese and English', async () => {
      const none = await t.api('GET', '/api/v1/groups', undefined, null);
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ code: 'unauthenticated', message: { zh: expect.any(String), en: expect.any(String) } });
      const viewer = await t.api('POST', '/api/v1/tokens', { name: 'read only', role: 'viewer' });
      const forbidden = await t.api('POST', '/api/v1/messages', { target: { groupId: 'x' }, message: { type: 'text', text: 'x' }, idempotencyKey: 'k' }, viewer.body.value);
      expect(forbidden.status).toBe(403);
      const unknown = await t.api('GET', '/api/v1/groups/grp_nope');
      expect(unknown.status).toBe(404);
      const audit = await t.api('GET', '/api/v1/audit');
      expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('token.create');
    });

    it('deleting a person erases their name, identities and message text but keeps the counts', async () => {
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '删除测试' });
      await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'message', chatId: group.body.chatId, personId: 'p-del', text: '我的手机号 13800000000' }] });
      const people = await t.api('GET', '/api/v1/people?limit=500');
      const person = people.body.items.find((p: { identities: { externalId: string }[] }) => p.identities.some((i) => i.externalId === 'p-del'));
      expect((await t.api('DELETE', `/api/v1/people/${person.id}`)).status).toBe(204);
      const log = await t.api('GET', `/api/v1/groups/${group.body.id}/messages`);
      expect(log.body.items).toHaveLength(1);
      expect(log.body.items[0].redacted).toBe(true);
      expect(JSON.stringify(log.body.items[0])).not.toContain('13800000000');
      const gone = await t.api('GET', `/api/v1/people/${person.id}`);
      expect(gone.body.displayName).toBeNull();
      expect(gone.body.identities).toEqual([]);
    });
  });
}
