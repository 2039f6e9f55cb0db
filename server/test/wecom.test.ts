import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptMessage, signatureOf } from '../src/platforms/wecom/crypto.js';
import { encodeEnvelope } from '../src/platforms/wecom/decode.js';
import type { WecomAdapter } from '../src/platforms/wecom/adapter.js';
import { startFakeWecom, type FakeWecom } from '../src/platforms/wecom/fake-server.js';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

// The WeCom adapter end to end: a fake WeCom server on loopback pushes
// encrypted callbacks to the app's callback route and answers the API calls
// the dispatcher makes; assertions read what the app holds and what the fake
// platform received.

const CORP = 'ww1436e0e65a779aee';
const AES_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const TOKEN = 'QDG6eK';
const SECRET = 'fake-wecom-secret-001';
const PUBLIC_URL = 'https://qunyun.example.com';
const CHAT = 'wrOgQhDgAAcwMTB7YmDkbeBsgT_AAAAA';

for (const dialect of await testDialects()) {
  describe(`WeCom adapter against the fake WeCom server on ${dialect}`, () => {
    let t: TestApp;
    let fake: FakeWecom;
    let connectorId = '';
    let callbackPath = '';

    const eventCount = async () => Number((await t.app.dbHandle.db.selectFrom('events').select(t.app.dbHandle.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const groupOf = async (chatId: string) => ((await t.api('GET', '/api/v1/groups')).body.items as { id: string; chatId: string; name: string }[]).find((g) => g.chatId === chatId);
    const currentMembers = async (chatId: string) => {
      const group = await groupOf(chatId);
      return (await t.api('GET', `/api/v1/groups/${group!.id}/members`)).body.items as { personName: string | null; via: string; source: string; role: string }[];
    };
    const personNamed = async (name: string) => ((await t.api('GET', '/api/v1/people')).body.items as { id: string; displayName: string | null }[]).find((p) => p.displayName === name)!.id;
    /** A callback as WeCom would sign it, with parts to spoil. */
    function signed(inner: string, opts: { receiveId?: string; timestamp?: number; token?: string; toUser?: string } = {}) {
      const encrypt = encryptMessage(AES_KEY, inner, opts.receiveId ?? CORP);
      const timestamp = String(opts.timestamp ?? Math.floor(t.app.clock.now() / 1000));
      const nonce = '1372623149';
      const query = new URLSearchParams({ msg_signature: signatureOf(opts.token ?? TOKEN, timestamp, nonce, encrypt), timestamp, nonce });
      return { url: `${callbackPath}?${query}`, body: encodeEnvelope({ ToUserName: opts.toUser ?? CORP, AgentID: '1000002', Encrypt: encrypt }) };
    }
    const post = (url: string, body: string) => t.app.http.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml' }, payload: body });
    const tagEvent = () => `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${Math.floor(t.app.clock.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[${CHAT}]]></ChatId><ChangeType><![CDATA[dismiss]]></ChangeType></xml>`;

    beforeAll(async () => {
      t = await startTestApp(dialect, { QUNYUN_PUBLIC_URL: PUBLIC_URL });
      await t.app.http.listen({ port: 0, host: '127.0.0.1' });
      fake = await startFakeWecom({ corpId: CORP, secret: SECRET, token: TOKEN, encodingAESKey: AES_KEY, agentId: '1000002', clock: t.app.clock });
      const created = await t.api('POST', '/api/v1/connectors', {
        platform: 'wecom',
        name: '企业微信 · 主体A',
        config: { corpId: CORP, agentId: '1000002', secret: SECRET, token: TOKEN, encodingAESKey: AES_KEY, baseUrl: fake.url },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      connectorId = created.body.id;
      callbackPath = `/api/v1/wecom/callback/${connectorId}`;
      fake.setCallbackUrl(`http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}${callbackPath}`);
    });
    afterAll(async () => {
      await fake?.close();
      await t?.cleanup();
    });

    it('shows the callback URL to paste into WeCom, declares no kick, mute or group reading, and never shows the secret', async () => {
      const res = await t.api('GET', `/api/v1/connectors/${connectorId}`);
      expect(res.body.setup.callbackUrl).toBe(`${PUBLIC_URL}${callbackPath}`);
      expect(res.body.capabilities).toMatchObject({ kick: false, mute: null, announce: false, readGroupMessages: false, welcomeDeadlineMs: 20_000 });
      expect(res.body.health).toBe('ok');
      const everything = JSON.stringify((await t.api('GET', '/api/v1/connectors')).body);
      expect(everything).not.toContain(SECRET);
      expect(everything).not.toContain(AES_KEY);
      const doc = (await t.api('GET', '/api/v1/openapi.json')).body;
      expect(Object.keys(doc.paths)).toContain('/api/v1/wecom/callback/{connectorId}');
    });

    it('refuses a connector whose EncodingAESKey is not 43 letters and digits', async () => {
      const res = await t.api('POST', '/api/v1/connectors', { platform: 'wecom', name: 'x', config: { corpId: CORP, agentId: '1', secret: SECRET, token: TOKEN, encodingAESKey: 'short' } });
      expect(res.status).toBe(400);
    });

    it('answers URL verification with the decrypted echostr, and 401 to a wrong signature', async () => {
      const echostr = encryptMessage(AES_KEY, '1616140317555161061', CORP);
      const timestamp = String(Math.floor(t.app.clock.now() / 1000));
      const good = new URLSearchParams({ msg_signature: signatureOf(TOKEN, timestamp, '42', echostr), timestamp, nonce: '42', echostr });
      const res = await t.app.http.inject({ method: 'GET', url: `${callbackPath}?${good.toString().replace(/%2B/g, '+')}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('1616140317555161061');
      const bad = new URLSearchParams({ msg_signature: signatureOf('otherToken', timestamp, '42', echostr), timestamp, nonce: '42', echostr });
      const refused = await t.app.http.inject({ method: 'GET', url: `${callbackPath}?${bad}` });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('wecom_signature_invalid');
    });

    it('a customer joining a group through a join way arrives as member.joined with the live-code state', async () => {
      expect((await fake.createChat({ chatId: CHAT, name: '减脂训练营 3 群', owner: 'zhangsan' })).status).toBe(200);
      const pushed = await fake.join(CHAT, { userid: 'wmLiSi0001', name: '李四', scene: 3, state: 'douyin-0105' });
      expect(pushed).toEqual({ status: 200, body: 'success' });
      const group = await groupOf(CHAT);
      expect(group?.name).toBe('减脂训练营 3 群');
      const members = await currentMembers(CHAT);
      expect(members.find((m) => m.personName === '李四')).toMatchObject({ via: 'live_code', source: 'callback', role: 'member' });
      const event = await t.app.dbHandle.db.selectFrom('events').select(['payload', 'source']).where('type', '=', 'member.joined').executeTakeFirstOrThrow();
      expect(JSON.parse(event.payload)).toMatchObject({ chatId: CHAT, person: { externalId: 'wmLiSi0001' }, inviteCode: 'douyin-0105' });
    });

    it('a re-delivered callback is accepted once: the second is a no-op', async () => {
      const before = await eventCount();
      const { url, body } = signed(tagEvent().replace('dismiss', 'update').replace('</xml>', '<UpdateDetail><![CDATA[del_member]]></UpdateDetail><QuitScene>0</QuitScene><MemChangeList><Item><![CDATA[wmNobody01]]></Item></MemChangeList></xml>'));
      expect((await post(url, body)).statusCode).toBe(200);
      const again = await t.app.http.inject({ method: 'POST', url, headers: { 'content-type': 'text/xml; charset=utf-8' }, payload: body });
      expect(again.statusCode).toBe(200);
      expect(await eventCount()).toBe(before + 1);
    });

    it('rejects bad signatures, foreign receive ids, replays and malformed callbacks with the right status, ingesting nothing', async () => {
      const before = await eventCount();
      const cases: [string, { url: string; body: string }, number, string][] = [
        ['wrong token', signed(tagEvent(), { token: 'NotOurToken' }), 401, 'wecom_signature_invalid'],
        ['encrypted for another corp', signed(tagEvent(), { receiveId: 'ww0000000000000000' }), 403, 'wecom_receive_id_mismatch'],
        ['addressed to another corp', signed(tagEvent(), { toUser: 'ww0000000000000000' }), 403, 'wecom_receive_id_mismatch'],
        ['replayed an hour later', signed(tagEvent(), { timestamp: Math.floor(t.app.clock.now() / 1000) - 3600 }), 401, 'wecom_callback_stale'],
        ['not an event', signed('<xml><MsgType>text</MsgType></xml>'), 400, 'wecom_callback_malformed'],
        ['not XML inside', signed('{"json": true}'), 400, 'wecom_callback_malformed'],
      ];
      for (const [name, { url, body }, status, code] of cases) {
        const res = await post(url, body);
        expect(res.statusCode, name).toBe(status);
        expect(res.json().code, name).toBe(code);
      }
      const { url } = signed(tagEvent());
      expect((await post(url, '<xml><nothing/></xml>')).statusCode).toBe(400);
      expect((await post(url, 'not xml at all <')).statusCode).toBe(400);
      const missing = await post(callbackPath, signed(tagEvent()).body);
      expect(missing.statusCode).toBe(400);
      const unknown = await post(url.replace(connectorId, 'con_doesnotexist000'), signed(tagEvent()).body);
      expect(unknown.statusCode).toBe(404);
      expect(await eventCount()).toBe(before);
      expect((await groupOf(CHAT))).toBeDefined();
      expect((await t.api('GET', `/api/v1/groups/${(await groupOf(CHAT))!.id}`)).body.state).toBe('active');
    });

    it('a send through POST /api/v1/messages reaches WeCom as a group template from the group owner', async () => {
      const group = await groupOf(CHAT);
      const res = await t.api('POST', '/api/v1/messages', { target: { groupId: group!.id }, message: { type: 'text', text: '今晚 8 点直播答疑 🎉' }, idempotencyKey: 'wecom-send-1' });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      await t.app.engine.drain();
      expect(fake.templates).toHaveLength(1);
      expect(fake.templates[0]).toMatchObject({ chat_type: 'group', sender: 'zhangsan', chat_id_list: [CHAT], text: '今晚 8 点直播答疑 🎉' });
      const delivery = (await t.api('GET', `/api/v1/messages/${res.body.id}`)).body;
      expect(delivery.state).toBe('sent');
    });

    it('a friend welcome within 20 s goes out with the welcome_code; after 20 s it becomes a template for the staff member', async () => {
      await fake.addContact('zhangsan', { externalUserId: 'wmWangWu01', name: '王五', state: 'poster-7' });
      const personId = await personNamed('王五');
      const first = await t.api('POST', '/api/v1/messages', { target: { personId, connectorId }, message: { type: 'text', text: '你好王五，欢迎！' }, idempotencyKey: 'welcome-1' });
      expect(first.status, JSON.stringify(first.body)).toBe(202);
      await t.app.engine.drain();
      expect(fake.welcomes.map((w) => [w.external_userid, w.text])).toEqual([['wmWangWu01', '你好王五，欢迎！']]);

      await fake.addContact('lisi', { externalUserId: 'wmZhaoLiu1', name: '赵六' });
      const zhao = await personNamed('赵六');
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 21_000 });
      await t.api('POST', '/api/v1/messages', { target: { personId: zhao, connectorId }, message: { type: 'text', text: '迟到的欢迎' }, idempotencyKey: 'welcome-2' });
      await t.app.engine.drain();
      expect(fake.welcomes).toHaveLength(1);
      expect(fake.templates.at(-1)).toMatchObject({ chat_type: 'single', sender: 'lisi', external_userid: ['wmZhaoLiu1'], text: '迟到的欢迎' });
    });

    it('an access token that expired early is refreshed once and the call retried', async () => {
      const group = await groupOf(CHAT);
      fake.expireTokens();
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 24 * 3600_000 });
      const res = await t.api('POST', '/api/v1/messages', { target: { groupId: group!.id }, message: { type: 'text', text: 'after token expiry' }, idempotencyKey: 'wecom-send-token' });
      await t.app.engine.drain();
      expect((await t.api('GET', `/api/v1/messages/${res.body.id}`)).body.state).toBe('sent');
      expect(fake.templates.at(-1)?.text).toBe('after token expiry');
      expect((await t.api('GET', `/api/v1/connectors/${connectorId}`)).body.health).toBe('ok');
    });

    it('a frequency limit (45009) is retried later and the message goes out once', async () => {
      const group = await groupOf(CHAT);
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 24 * 3600_000 });
      const before = fake.templates.length;
      fake.failNext('/cgi-bin/externalcontact/add_msg_template', 45009, 'api freq out of limit');
      const res = await t.api('POST', '/api/v1/messages', { target: { groupId: group!.id }, message: { type: 'text', text: 'after the quota' }, idempotencyKey: 'wecom-send-quota' });
      await t.app.engine.drain();
      const held = (await t.api('GET', `/api/v1/messages/${res.body.id}`)).body;
      expect(held.state).toBe('pending');
      expect(held.attempts).toBe(1);
      expect(fake.templates).toHaveLength(before);
      expect(held.notBefore).toBeGreaterThanOrEqual(t.app.clock.now() + 60_000);
      // The retry comes when its back-off ends, and again when the group's daily 群发 slot (which the
      // refused attempt took in our limiter) opens: follow the action's own notBefore.
      for (let i = 0; i < 3; i++) {
        const now = (await t.api('GET', `/api/v1/messages/${res.body.id}`)).body;
        if (now.state !== 'pending') break;
        await t.api('POST', '/api/v1/sim/clock', { to: now.notBefore });
        await t.app.engine.drain();
      }
      expect((await t.api('GET', `/api/v1/messages/${res.body.id}`)).body).toMatchObject({ state: 'sent', attempts: 2 });
      expect(fake.templates.slice(before).map((m) => m.text)).toEqual(['after the quota']);
    });

    /** Follows the action's own notBefore (back-off, then the group's daily slot) until it settles. */
    async function settle(actionId: string) {
      for (let i = 0; i < 4; i++) {
        await t.app.engine.drain();
        const now = (await t.api('GET', `/api/v1/messages/${actionId}`)).body;
        if (now.state !== 'pending') return now;
        await t.api('POST', '/api/v1/sim/clock', { to: Math.max(now.notBefore, t.app.clock.now()) });
      }
      return (await t.api('GET', `/api/v1/messages/${actionId}`)).body;
    }

    it('a group send whose answer was lost is found in the 群发 list and marked sent, not sent again', async () => {
      await fake.createChat({ chatId: 'wr-lost-answer', name: '答复丢失群', owner: 'zhangsan' });
      const group = await groupOf('wr-lost-answer');
      const before = fake.templates.length;
      fake.dropNext('/cgi-bin/externalcontact/add_msg_template', 'answer');
      const res = await t.api('POST', '/api/v1/messages', { target: { groupId: group!.id }, message: { type: 'text', text: '只发一次' }, idempotencyKey: 'wecom-lost-answer' });
      const final = await settle(res.body.id);
      expect(final).toMatchObject({ state: 'sent', error: 'reconciled after no answer' });
      expect(fake.templates.slice(before).map((m) => [m.chat_id_list, m.text])).toEqual([[['wr-lost-answer'], '只发一次']]);
    });

    it('a group send lost on the way in is proven absent from the 群发 list and sent once more', async () => {
      await fake.createChat({ chatId: 'wr-lost-request', name: '请求丢失群', owner: 'zhangsan' });
      const group = await groupOf('wr-lost-request');
      const before = fake.templates.length;
      fake.dropNext('/cgi-bin/externalcontact/add_msg_template', 'request');
      const res = await t.api('POST', '/api/v1/messages', { target: { groupId: group!.id }, message: { type: 'text', text: '也只发一次' }, idempotencyKey: 'wecom-lost-request' });
      const final = await settle(res.body.id);
      expect(final).toMatchObject({ state: 'sent', attempts: 2 });
      expect(fake.templates.slice(before).map((m) => [m.chat_id_list, m.text])).toEqual([[['wr-lost-request'], '也只发一次']]);
    });

    it('reconciliation finds a member whose join callback was lost and closes one whose leave was lost', async () => {
      await fake.join(CHAT, { userid: 'wmSunQi001', name: '孙七', scene: 1, invitor: 'zhangsan' }, { notify: false });
      await fake.leave(CHAT, 'wmLiSi0001', { notify: false });
      const res = await t.api('POST', `/api/v1/wecom/connectors/${connectorId}/reconcile`, {});
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ chats: 3, joined: 1, left: 1, created: 0 });
      const members = await currentMembers(CHAT);
      expect(members.find((m) => m.personName === '孙七')).toMatchObject({ via: 'invite', source: 'reconcile' });
      expect(members.find((m) => m.personName === '李四')).toBeUndefined();
      const again = await t.api('POST', `/api/v1/wecom/connectors/${connectorId}/reconcile`, {});
      expect(again.body).toMatchObject({ joined: 0, left: 0 });
    });

    it('the hourly reconciliation repairs a lost leave without anyone asking', async () => {
      await fake.leave(CHAT, 'wmSunQi001', { notify: false });
      expect((await currentMembers(CHAT)).map((m) => m.personName)).toContain('孙七');
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: 61 * 60_000 });
      await t.app.engine.drain();
      expect((await currentMembers(CHAT)).map((m) => m.personName)).not.toContain('孙七');
    });

    it("a finished campaign's live codes are removed by their state prefix, and no other", async () => {
      const adapter = t.app.connectors.adapterFor(connectorId) as WecomAdapter;
      for (const state of ['spring-a', 'spring-b', 'summer-a']) await adapter.client.addContactWay({ type: 1, scene: 2, user: ['zhangsan'], state });
      expect(await adapter.removeContactWays('spring-')).toBe(2);
      expect(fake.contactWays().map((w) => w.state)).toEqual(['summer-a']);
    });

    it('a connector with a wrong secret shows as failing, with the platform error, and its reconciliation answers 502', async () => {
      const created = await t.api('POST', '/api/v1/connectors', {
        platform: 'wecom',
        name: 'wrong secret',
        config: { corpId: CORP, agentId: '1000003', secret: 'not-the-secret', token: TOKEN, encodingAESKey: AES_KEY, baseUrl: fake.url },
      });
      const res = await t.api('POST', `/api/v1/wecom/connectors/${created.body.id}/reconcile`, {});
      expect(res.status).toBe(502);
      const connector = (await t.api('GET', `/api/v1/connectors/${created.body.id}`)).body;
      expect(connector.health).toBe('failing');
      expect(connector.healthDetail).toContain('wecom_40001');
    });
  });
}
