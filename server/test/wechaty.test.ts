import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enqueueAction, type ActionIntent } from '../src/kernel/outbox/outbox.js';
import { isWechatyAdapter, type WechatyAdapter } from '../src/platforms/wechaty/index.js';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

// The WeChat adapter over the real Wechaty with the mock puppet: the Mocker
// creates contacts and rooms and makes them speak; the adapter's actions are
// carried out on that world and come back as events, as on WeChat.

for (const dialect of await testDialects()) {
  describe(`WeChat through Wechaty and the mock puppet on ${dialect}`, () => {
    let t: TestApp;
    let adapter: WechatyAdapter;
    let connectorId: string;
    let workspaceId: string;

    const mocker = () => adapter.peer!.mocker;

    async function eventsOf(type: string) {
      await adapter.settled();
      const rows = await t.app.dbHandle.db.selectFrom('events').select('payload').where('connector_id', '=', connectorId).where('type', '=', type).execute();
      return rows.map((r) => JSON.parse(r.payload) as Record<string, any>);
    }

    async function groupOf(roomId: string) {
      const groups = await t.api('GET', '/api/v1/groups');
      return groups.body.items.find((g: { chatId: string }) => g.chatId === roomId);
    }

    async function act(intent: Omit<ActionIntent, 'connectorId' | 'lane' | 'cause'>) {
      const { action } = await enqueueAction(t.app.dbHandle.db, workspaceId, { connectorId, lane: 'moderation', cause: 'test', ...intent }, t.app.clock.now());
      // A personal WeChat account speaks at most 20 times a minute (the declared limit): let the clock run.
      await t.app.engine.advance(t.app.clock.now() + 60_000);
      await adapter.settled();
      return t.api('GET', `/api/v1/messages/${action.id}`);
    }

    /** A room with the logged-in account, its owner and a member, known to Qunyun through one message. */
    async function seedRoom(topic: string) {
      const owner = mocker().createContact({ name: `${topic}群主` });
      const member = mocker().createContact({ name: `${topic}成员` });
      const room = mocker().createRoom({ topic, memberIdList: [mocker().puppet.currentUserId, owner.id, member.id] });
      member.say('hello').to(room);
      await vi.waitFor(async () => expect(await groupOf(room.id)).toBeTruthy());
      return { owner, member, room };
    }

    beforeAll(async () => {
      t = await startTestApp(dialect);
      const created = await t.api('POST', '/api/v1/connectors', { platform: 'wechaty', name: '运营微信', config: { puppet: 'mock' } });
      expect(created.status).toBe(201);
      connectorId = created.body.id;
      expect(created.body.health).toBe('starting');
      workspaceId = (await t.app.dbHandle.db.selectFrom('connectors').select('workspace_id').where('id', '=', connectorId).executeTakeFirstOrThrow()).workspace_id;
      const running = t.app.connectors.adapterFor(connectorId);
      if (!isWechatyAdapter(running)) throw new Error('not a Wechaty adapter');
      adapter = running;
      await adapter.start();
      mocker().login(mocker().createContact({ name: '群运助手' }));
      await vi.waitFor(async () => expect((await t.api('GET', `/api/v1/connectors/${connectorId}`)).body.health).toBe('ok'));
    });
    afterAll(async () => t?.cleanup());

    it('a puppet that cannot start shows as a failing connector, with the reason', async () => {
      const created = await t.api('POST', '/api/v1/connectors', { platform: 'wechaty', name: '坏的 puppet', config: { puppet: 'padlocal' } });
      expect(created.status).toBe(201);
      await vi.waitFor(async () => expect((await t.api('GET', `/api/v1/connectors/${created.body.id}`)).body.health).toBe('failing'), { timeout: 10_000 });
      expect((await t.api('GET', `/api/v1/connectors/${created.body.id}`)).body.healthDetail).toContain('did not start');
    });

    it('declares what WeChat can do through Wechaty: no mute, no invite links', async () => {
      const connector = await t.api('GET', `/api/v1/connectors/${connectorId}`);
      expect(connector.body.capabilities).toMatchObject({ kick: true, mute: null, announce: true, rename: true, createInviteLink: false, recall: null });
    });

    it('a member added to a room arrives as member.joined with the inviter', async () => {
      const { owner, room } = await seedRoom('读书会');
      const newbie = mocker().createContact({ name: '小林' });
      room.add(newbie).by(owner);
      await vi.waitFor(async () => expect((await eventsOf('member.joined')).find((e) => e.person.externalId === newbie.id)).toMatchObject({ chatId: room.id, via: 'invite', inviter: { externalId: owner.id } }));
      const group = await groupOf(room.id);
      const members = await t.api('GET', `/api/v1/groups/${group.id}/members?view=history`);
      const joined = members.body.items.find((m: { personName: string }) => m.personName === '小林');
      expect(joined).toMatchObject({ via: 'invite', confidence: 1 });
      const inviter = await t.api('GET', `/api/v1/people/${joined.inviterPersonId}`);
      expect(inviter.body.displayName).toBe('读书会群主');
    });

    it('a message in a room lands in the group log; what the account itself says is not read back', async () => {
      const { member, room } = await seedRoom('早读群');
      member.say('今天读第三章').to(room);
      await vi.waitFor(async () => {
        const group = await groupOf(room.id);
        const log = await t.api('GET', `/api/v1/groups/${group.id}/messages`);
        expect(log.body.items.map((m: { message: { text: string } }) => m.message.text).sort()).toEqual(['hello', '今天读第三章'].sort());
      });
    });

    it('a send with a mention reaches the room through the puppet, once', async () => {
      const { member, room } = await seedRoom('答疑群');
      const group = await groupOf(room.id);
      const sent = await t.api('POST', '/api/v1/messages', { target: { groupId: group.id }, message: { type: 'text', text: '欢迎提问', mentions: [member.id] }, idempotencyKey: 'wx-send-1' });
      expect(sent.status).toBe(202);
      await t.app.engine.advance(t.app.clock.now() + 60_000);
      await adapter.settled();
      const said = adapter.peer!.roomTranscript(room.id).filter((m) => m.talkerId === mocker().puppet.currentUserId);
      expect(said).toHaveLength(1);
      expect(said[0]!.text).toContain('欢迎提问');
      expect(said[0]!.text).toContain(`@${member.payload.name}`);
      expect((await t.api('GET', `/api/v1/messages/${sent.body.id}`)).body.state).toBe('sent');
      const log = await t.api('GET', `/api/v1/groups/${group.id}/messages`);
      expect(log.body.items.map((m: { message: { text: string } }) => m.message.text)).toEqual(['hello']);
    });

    it('a private message reaches the contact through the puppet', async () => {
      const { member, room } = await seedRoom('私聊群');
      const group = await groupOf(room.id);
      const members = await t.api('GET', `/api/v1/groups/${group.id}/members`);
      const personId = members.body.items.find((m: { personName: string }) => m.personName === '私聊群成员').personId;
      const sent = await t.api('POST', '/api/v1/messages', { target: { personId, connectorId }, message: { type: 'text', text: '课程资料发你了' }, idempotencyKey: 'wx-dm-1' });
      expect(sent.status).toBe(202);
      await t.app.engine.advance(t.app.clock.now() + 60_000);
      await adapter.settled();
      expect(adapter.peer!.directTranscript(member.id)).toEqual([{ talkerId: mocker().puppet.currentUserId, text: '课程资料发你了' }]);
      expect((await t.api('GET', `/api/v1/messages/${sent.body.id}`)).body.state).toBe('sent');
    });

    it('a kick removes the member from the room and comes back as member.left, removed', async () => {
      const { member, room } = await seedRoom('违规群');
      const delivery = await act({ key: 'wx-kick', kind: 'kick', chatId: room.id, personExternalId: member.id });
      expect(delivery.body.state).toBe('sent');
      expect(mocker().roomPayload(room.id).memberIdList).not.toContain(member.id);
      await vi.waitFor(async () => expect((await eventsOf('member.left')).find((e) => e.person.externalId === member.id)).toMatchObject({ chatId: room.id, reason: 'removed', by: { externalId: mocker().puppet.currentUserId } }));
    });

    it('announce and rename are carried out on the room; the new name comes back as group.renamed', async () => {
      const { room } = await seedRoom('旧群名');
      expect((await act({ key: 'wx-announce', kind: 'announce', chatId: room.id, text: '群公告：周五直播' })).body.state).toBe('sent');
      expect(adapter.peer!.announcements.get(room.id)).toBe('群公告：周五直播');
      expect((await act({ key: 'wx-rename', kind: 'rename', chatId: room.id, text: '新群名' })).body.state).toBe('sent');
      expect(mocker().roomPayload(room.id).topic).toBe('新群名');
      await vi.waitFor(async () => expect((await groupOf(room.id)).name).toBe('新群名'));
    });

    it('a mute cannot be done on WeChat and becomes a staff task', async () => {
      const { member, room } = await seedRoom('禁言群');
      const delivery = await act({ key: 'wx-mute', kind: 'mute', chatId: room.id, personExternalId: member.id, until: t.app.clock.now() + 3_600_000 });
      expect(delivery.body).toMatchObject({ state: 'failed' });
      expect(delivery.body.taskId).toBeTruthy();
      const task = await t.api('GET', `/api/v1/tasks/${delivery.body.taskId}`);
      expect(task.body.evidence).toMatchObject({ reason: 'capability_missing', kind: 'mute' });
    });

    it('a friend request arrives as friend.requested with its greeting; accepting it arrives as friend.added', async () => {
      const stranger = mocker().createContact({ name: '海报访客' });
      adapter.peer!.requestFriend(stranger.id, '从海报来的');
      await vi.waitFor(async () => expect((await eventsOf('friend.requested')).find((e) => e.person.externalId === stranger.id)).toMatchObject({ accountExternalId: 'wechaty', state: '从海报来的' }));
      await adapter.peer!.friendshipAccept('friendship-1');
      await vi.waitFor(async () => expect((await eventsOf('friend.added')).map((e) => e.person.externalId)).toContain(stranger.id));
    });
  });
}
