import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Update } from '@grammyjs/types';
import { enqueueAction, type ActionIntent } from '../src/kernel/outbox/outbox.js';
import { startFakeTelegram, type Deliver, type FakeTelegram } from '../src/platforms/telegram/fake-server.js';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

// The Telegram adapter against the fake Bot API server on loopback: the real
// grammY client, the real webhook route, the real outbox and dispatcher.

const TOKEN = '7000000001:AAFakeTokenForTheLocalBotApiServer01';
const SECRET = 'webhook-secret-0123456789';
const SECOND = 1000;

for (const dialect of await testDialects()) {
  describe(`Telegram against the fake Bot API on ${dialect}`, () => {
    let t: TestApp;
    let fake: FakeTelegram;
    let connectorId: string;
    let workspaceId: string;

    const viaApp: Deliver = async (update, secret) =>
      (
        await t.app.http.inject({
          method: 'POST',
          url: `/api/v1/telegram/${connectorId}/webhook`,
          headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
          payload: JSON.stringify(update),
        })
      ).statusCode;

    async function eventsOf(type: string) {
      const rows = await t.app.dbHandle.db.selectFrom('events').select(['payload', 'dedupe_key']).where('connector_id', '=', connectorId).where('type', '=', type).execute();
      return rows.map((r) => JSON.parse(r.payload) as Record<string, any>);
    }

    async function groupOf(chatId: number) {
      const groups = await t.api('GET', '/api/v1/groups');
      return groups.body.items.find((g: { chatId: string }) => g.chatId === String(chatId));
    }

    async function act(intent: Omit<ActionIntent, 'connectorId' | 'lane' | 'cause'>) {
      const { action } = await enqueueAction(t.app.dbHandle.db, workspaceId, { connectorId, lane: 'moderation', cause: 'test', ...intent }, t.app.clock.now());
      await t.app.engine.drain();
      return t.api('GET', `/api/v1/messages/${action.id}`);
    }

    beforeAll(async () => {
      t = await startTestApp(dialect, { QUNYUN_PUBLIC_URL: 'https://qunyun.example.com' });
      fake = await startFakeTelegram({ token: TOKEN, now: () => t.app.clock.now() });
      const created = await t.api('POST', '/api/v1/connectors', { platform: 'telegram', name: 'TG 社群机器人', config: { botToken: TOKEN, webhookSecret: SECRET, apiRoot: fake.apiRoot } });
      expect(created.status).toBe(201);
      connectorId = created.body.id;
      workspaceId = (await t.app.dbHandle.db.selectFrom('connectors').select('workspace_id').where('id', '=', connectorId).executeTakeFirstOrThrow()).workspace_id;
      await vi.waitFor(() => expect(fake.webhook()).not.toBeNull());
    });
    afterAll(async () => {
      await t?.cleanup();
      await fake?.close();
    });

    it('registers its webhook under the public URL with its secret and asks for chat_member updates', async () => {
      expect(fake.webhook()).toEqual({ url: `https://qunyun.example.com/api/v1/telegram/${connectorId}/webhook`, secret: SECRET, allowed: ['message', 'chat_member', 'chat_join_request'] });
      const connector = await t.api('GET', `/api/v1/connectors/${connectorId}`);
      expect(connector.body.health).toBe('ok');
      expect(connector.body.capabilities.mute).not.toBeNull();
      expect(connector.body.capabilities.createInviteLink).toBe(true);
      expect(connector.body.capabilities.send.mentionAll).toBe(false);
      const accounts = await t.api('GET', `/api/v1/connectors/${connectorId}/accounts`);
      expect(accounts.body.items.map((a: { externalId: string }) => a.externalId)).toEqual(['7000000001']);
      // The token and the secret are sealed, never stored in the clear.
      const row = await t.app.dbHandle.db.selectFrom('connectors').select('config').where('id', '=', connectorId).executeTakeFirstOrThrow();
      expect(row.config).not.toContain(TOKEN);
      expect(row.config).not.toContain(SECRET);
    });

    it('the webhook is in the OpenAPI document and needs no bearer token', async () => {
      const doc = await t.api('GET', '/api/v1/openapi.json', undefined, null);
      const route = doc.body.paths['/api/v1/telegram/{connectorId}/webhook'];
      expect(route.post.security).toEqual([]);
    });

    it('a webhook call with a wrong or missing secret token is refused and nothing is ingested', async () => {
      const chatId = fake.createGroup('秘密测试群');
      const user = fake.createUser('Mallory');
      fake.say(chatId, user, 'should never land');
      const statuses = await fake.deliver(async (update) => viaApp(update, 'not-the-secret-000000'));
      expect(statuses).toEqual([401]);
      expect(await viaApp({ update_id: 1, message: { message_id: 1, date: 1, chat: { id: chatId, type: 'supergroup', title: 'x' }, from: user, text: 'hi' } } as Update, undefined)).toBe(401);
      const unknown = await t.app.http.inject({ method: 'POST', url: '/api/v1/telegram/con_nope/webhook', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, payload: '{"update_id":1}' });
      expect(unknown.statusCode).toBe(404);
      expect(await groupOf(chatId)).toBeUndefined();
      expect((await eventsOf('message')).filter((e) => e.message.text === 'should never land')).toEqual([]);
      // Telegram keeps the refused update; with the right secret it lands once.
      expect(await fake.deliver(viaApp)).toEqual([200]);
      expect((await eventsOf('message')).filter((e) => e.message.text === 'should never land')).toHaveLength(1);
    });

    it('a malformed update is refused with 400 and loses nothing else', async () => {
      const response = await t.app.http.inject({ method: 'POST', url: `/api/v1/telegram/${connectorId}/webhook`, headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, payload: JSON.stringify({ update_id: 5, message: { message_id: 'x' } }) });
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).code).toBe('telegram_update_invalid');
    });

    it('a member joining through a named invite link arrives as member.joined with that link as its source', async () => {
      const chatId = fake.createGroup('Qunyun 读书会');
      const link = await t.api('POST', `/api/v1/telegram/${connectorId}/invite-links`, { chatId: String(chatId), name: 'poster-spring', memberLimit: 100 });
      expect(link.status).toBe(201);
      expect(link.body).toMatchObject({ name: 'poster-spring', memberLimit: 100, createsJoinRequest: false });
      expect(fake.callsOf('createChatInviteLink').at(-1)!.payload).toMatchObject({ chat_id: String(chatId), name: 'poster-spring', member_limit: 100 });
      const alice = fake.createUser('Alice', 'Wang');
      fake.join(chatId, alice, { link: link.body.url });
      expect(await fake.deliver(viaApp)).toEqual([200, 200]);
      const joins = (await eventsOf('member.joined')).filter((e) => e.person.externalId === String(alice.id));
      expect(joins.find((e) => e.inviteCode)).toMatchObject({ chatId: String(chatId), via: 'link', inviteCode: link.body.url, person: { name: 'Alice Wang' } });
      const group = await groupOf(chatId);
      const members = await t.api('GET', `/api/v1/groups/${group.id}/members`);
      expect(members.body.items.map((m: { personName: string }) => m.personName)).toEqual(['Alice Wang']);
    });

    it('another workspace cannot make invite links on this bot, nor see it', async () => {
      const other = await t.app.workspaces.createWorkspace({ slug: 'tg-other' });
      const token = (await t.app.workspaces.createToken(other.id, { name: 'other-owner', role: 'owner', createdBy: null })).value;
      const chatId = fake.createGroup('别人的群');
      const attempt = await t.api('POST', `/api/v1/telegram/${connectorId}/invite-links`, { chatId: String(chatId), name: 'stolen' }, token);
      expect(attempt.status).toBe(404);
      expect((await t.api('GET', `/api/v1/connectors/${connectorId}`, undefined, token)).status).toBe(404);
      expect(fake.chat(chatId).links).toEqual([]);
    });

    it('a join request through a link that needs approval records no join while nobody approves it', async () => {
      const chatId = fake.createGroup('审核群');
      const link = await t.api('POST', `/api/v1/telegram/${connectorId}/invite-links`, { chatId: String(chatId), name: 'needs-approval', createsJoinRequest: true });
      const carol = fake.createUser('Carol');
      fake.join(chatId, carol, { link: link.body.url });
      // Not approved by this connector (approveJoinRequests is off): the request stays a request.
      expect(await fake.deliver(viaApp)).toEqual([200]);
      expect(fake.member(chatId, carol.id)).toBeUndefined();
      expect((await eventsOf('member.joined')).filter((e) => e.person.externalId === String(carol.id))).toEqual([]);
    });

    it('a message in the group lands in the group log once, however often Telegram delivers it', async () => {
      const chatId = fake.createGroup('新人群');
      const bob = fake.createUser('Bob');
      const mid = fake.say(chatId, bob, '大家好，我是新来的');
      const update = { update_id: 999_999, message: fake.transcript(chatId).find((m) => m.message_id === mid)! } as Update;
      expect(await fake.deliver(viaApp)).toEqual([200]);
      expect(await viaApp(update, SECRET)).toBe(200);
      expect(await viaApp(update, SECRET)).toBe(200);
      const group = await groupOf(chatId);
      // Telegram announces no group to a bot: its title comes with the first update from it.
      expect(group.name).toBe('新人群');
      const log = await t.api('GET', `/api/v1/groups/${group.id}/messages`);
      expect(log.body.items.map((m: { message: { text: string }; externalId: string }) => [m.message.text, m.externalId])).toEqual([['大家好，我是新来的', `${chatId}:${mid}`]]);
    });

    it('send with a mention and a reply, kick, mute, unmute, pin and rename reach the fake server', async () => {
      const chatId = fake.createGroup('运营群');
      const dave = fake.createUser('Dave');
      const erin = fake.createUser('Erin');
      fake.join(chatId, dave, { by: erin });
      fake.join(chatId, erin);
      const question = fake.say(chatId, dave, '请问怎么报名？');
      await fake.deliver(viaApp);

      const sent = await t.api('POST', '/api/v1/messages', { target: { chatId: String(chatId), connectorId }, message: { type: 'text', text: '点置顶链接报名', mentions: [String(dave.id)], replyTo: `${chatId}:${question}` }, idempotencyKey: 'tg-send-1' });
      expect(sent.status).toBe(202);
      await t.app.engine.drain();
      const answer = fake.transcript(chatId).at(-1)!;
      // The text does not name Dave: his mention is appended by name, never his id in front.
      expect(answer).toMatchObject({ from: { id: fake.bot.id }, text: '点置顶链接报名 @Dave', reply_to_message: { message_id: question } });
      expect(answer.entities).toEqual([{ type: 'text_mention', offset: 8, length: 5, user: { id: dave.id, is_bot: false, first_name: 'Dave' } }]);
      const delivery = await t.api('GET', `/api/v1/messages/${sent.body.id}`);
      expect(delivery.body.state).toBe('sent');

      const until = t.app.clock.now() + 3600 * SECOND;
      expect((await act({ key: 'mute-dave', kind: 'mute', chatId: String(chatId), personExternalId: String(dave.id), until })).body.state).toBe('sent');
      expect(fake.member(chatId, dave.id)).toMatchObject({ status: 'restricted', is_member: true, until_date: Math.ceil(until / 1000), can_send_messages: false });
      expect((await act({ key: 'unmute-dave', kind: 'unmute', chatId: String(chatId), personExternalId: String(dave.id) })).body.state).toBe('sent');
      expect(fake.member(chatId, dave.id)?.status).toBe('member');

      // One message a second per chat: the announcement waits its turn.
      await t.app.engine.advance(t.app.clock.now() + SECOND);
      expect((await act({ key: 'pin-rules', kind: 'announce', chatId: String(chatId), text: '群规：禁止广告' })).body.state).toBe('sent');
      const rules = fake.transcript(chatId).find((m) => m.text === '群规：禁止广告')!;
      expect(fake.chat(chatId).pinned).toBe(rules.message_id);

      expect((await act({ key: 'rename', kind: 'rename', chatId: String(chatId), text: '运营群 · 第二期' })).body.state).toBe('sent');
      expect(fake.chat(chatId).title).toBe('运营群 · 第二期');

      expect((await act({ key: 'kick-erin', kind: 'kick', chatId: String(chatId), personExternalId: String(erin.id) })).body.state).toBe('sent');
      // kick = ban, then unban so a later link still works.
      expect(fake.callsOf('banChatMember').at(-1)!.payload).toMatchObject({ chat_id: String(chatId), user_id: erin.id });
      expect(fake.callsOf('unbanChatMember').at(-1)!.payload).toMatchObject({ chat_id: String(chatId), user_id: erin.id, only_if_banned: true });
      expect(fake.member(chatId, erin.id)?.status).toBe('left');

      // What Telegram reports back comes in as events: the removal and the new title.
      await fake.deliver(viaApp);
      const left = (await eventsOf('member.left')).find((e) => e.person.externalId === String(erin.id));
      expect(left).toMatchObject({ reason: 'removed', by: { externalId: String(fake.bot.id) } });
      const group = await groupOf(chatId);
      expect(group.name).toBe('运营群 · 第二期');
    });

    it('a flooded chat answers 429 and the send goes out again after retry_after', async () => {
      const chatId = fake.createGroup('刷屏群');
      fake.join(chatId, fake.createUser('Frank'));
      await fake.deliver(viaApp);
      const first = await t.api('POST', '/api/v1/messages', { target: { chatId: String(chatId), connectorId }, message: { type: 'text', text: '第一条' }, idempotencyKey: 'flood-1' });
      const second = await t.api('POST', '/api/v1/messages', { target: { chatId: String(chatId), connectorId }, message: { type: 'text', text: '第二条' }, idempotencyKey: 'flood-2' });
      const start = t.app.clock.now();
      await t.app.engine.drain();
      expect(fake.transcript(chatId).filter((m) => m.text).map((m) => m.text)).toEqual(['第一条']);
      const waiting = await t.api('GET', `/api/v1/messages/${second.body.id}`);
      expect(waiting.body).toMatchObject({ state: 'pending', attempts: 1, notBefore: start + SECOND });
      expect(waiting.body.error).toContain('telegram_429');

      await t.app.engine.advance(start + SECOND);
      expect(fake.transcript(chatId).filter((m) => m.text).map((m) => m.text)).toEqual(['第一条', '第二条']);
      const calls = fake.callsOf('sendMessage').filter((c) => c.payload.chat_id === String(chatId));
      expect(calls.map((c) => c.at - start)).toEqual([0, 0, SECOND]);
      expect((await t.api('GET', `/api/v1/messages/${first.body.id}`)).body.state).toBe('sent');
      expect((await t.api('GET', `/api/v1/messages/${second.body.id}`)).body).toMatchObject({ state: 'sent', attempts: 2 });
    });

    it('a mini-program is refused: at the API by the declared capabilities, and by the adapter if it gets that far', async () => {
      const chatId = fake.createGroup('小程序群');
      fake.join(chatId, fake.createUser('Grace'));
      await fake.deliver(viaApp);
      const miniprogram = { type: 'miniprogram', appId: 'wx123', title: '商城', pagePath: 'pages/index' } as const;
      const refused = await t.api('POST', '/api/v1/messages', { target: { chatId: String(chatId), connectorId }, message: miniprogram, idempotencyKey: 'mp-1' });
      expect(refused.body.code).toBe('capability_missing');
      const delivery = await act({ key: 'mp-2', kind: 'send', chatId: String(chatId), message: miniprogram });
      expect(delivery.body).toMatchObject({ state: 'failed', attempts: 1 });
      expect(delivery.body.error).toContain('content_unsupported');
      expect(delivery.body.taskId).toBeTruthy();
      expect(fake.transcript(chatId).filter((m) => m.from?.id === fake.bot.id)).toEqual([]);
    });

    it('a mention of someone no update has shown yet is named by asking Telegram, and the "@name" in the text becomes the mention', async () => {
      const chatId = fake.createGroup('点名群');
      fake.join(chatId, fake.createUser('Amy'));
      await fake.deliver(viaApp);
      const zoe = fake.createUser('Zoe', 'Wu');
      fake.join(chatId, zoe);
      const sent = await t.api('POST', '/api/v1/messages', { target: { chatId: String(chatId), connectorId }, message: { type: 'text', text: '@Zoe Wu 请看置顶', mentions: [String(zoe.id)] }, idempotencyKey: 'tg-name-1' });
      expect(sent.status).toBe(202);
      await t.app.engine.drain();
      expect(fake.callsOf('getChatMember').at(-1)!.payload).toMatchObject({ chat_id: String(chatId), user_id: zoe.id });
      const answer = fake.transcript(chatId).at(-1)!;
      expect(answer.text).toBe('@Zoe Wu 请看置顶');
      expect(answer.entities).toEqual([{ type: 'text_mention', offset: 0, length: 7, user: { id: zoe.id, is_bot: false, first_name: 'Zoe Wu' } }]);
      await fake.deliver(viaApp);
    });

    it('a mention of someone Telegram cannot name is appended with a neutral label, never the raw id', async () => {
      const chatId = fake.createGroup('无名群');
      fake.join(chatId, fake.createUser('Ben'));
      await fake.deliver(viaApp);
      await t.api('POST', '/api/v1/messages', { target: { chatId: String(chatId), connectorId }, message: { type: 'text', text: '大家好', mentions: ['5999999'] }, idempotencyKey: 'tg-name-2' });
      await t.app.engine.drain();
      const answer = fake.transcript(chatId).at(-1)!;
      expect(answer.text).toBe('大家好 👤');
      expect(answer.text).not.toContain('5999999');
      expect(answer.entities).toEqual([{ type: 'text_mention', offset: 4, length: 2, user: { id: 5999999, is_bot: false, first_name: '👤' } }]);
    });

    // Last in this block: from here on every join is welcomed.
    it('a merged welcome reads as a person wrote it: each "@name" in the text is the mention, counted in UTF-16 units past an emoji', async () => {
      const rule = await t.api('POST', '/api/v1/guard/rules', { kind: 'welcome', name: '欢迎', config: { template: '🎉 欢迎 {nickname} 加入{group}！', windowMs: 10 * SECOND } });
      expect(rule.status).toBe(201);
      const chatId = fake.createGroup('表情群');
      fake.say(chatId, fake.createUser('群主'), '开群');
      await fake.deliver(viaApp);
      const xiaoxin = fake.createUser('小新');
      const bob = fake.createUser('Bob', 'Lee');
      fake.join(chatId, xiaoxin);
      await fake.deliver(viaApp);
      await t.app.engine.advance(t.app.clock.now() + SECOND);
      fake.join(chatId, bob);
      await fake.deliver(viaApp);
      await t.app.engine.advance(t.app.clock.now() + 11 * SECOND);

      const welcomes = fake.transcript(chatId).filter((m) => m.from?.id === fake.bot.id);
      expect(welcomes).toHaveLength(1);
      const welcome = welcomes[0]!;
      expect(welcome.text).toBe('🎉 欢迎 @小新 @Bob Lee 加入表情群！');
      // "🎉" is two UTF-16 units: "@小新" starts at 6 (not at 5, its code point index).
      expect(welcome.entities).toEqual([
        { type: 'text_mention', offset: 6, length: 3, user: { id: xiaoxin.id, is_bot: false, first_name: '小新' } },
        { type: 'text_mention', offset: 10, length: 8, user: { id: bob.id, is_bot: false, first_name: 'Bob Lee' } },
      ]);
      expect(welcome.entities!.map((e) => welcome.text!.slice(e.offset, e.offset + e.length))).toEqual(['@小新', '@Bob Lee']);
    });
  });
}
