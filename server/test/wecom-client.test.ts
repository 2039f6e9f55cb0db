import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/kernel/clock.js';
import { setupOf } from '../src/platforms/wecom/adapter.js';
import { createWecomClient, WecomApiError } from '../src/platforms/wecom/client.js';
import { decodeNotice, toEvents } from '../src/platforms/wecom/decode.js';
import { startFakeWecom, type FakeWecom } from '../src/platforms/wecom/fake-server.js';

// The API client against the fake WeCom server (no storage), and the callback
// decoder on the documented payloads.

const CORP = 'ww1436e0e65a779aee';
const SECRET = 'client-test-secret';
const KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WecomApiError) return { failure: error.failure, code: error.code, retryAfterMs: error.retryAfterMs };
    throw error;
  }
  return null;
}

describe('WeCom API client against the fake WeCom server', () => {
  const clock = new VirtualClock(Date.parse('2026-03-02T09:00:00+08:00'));
  let fake: FakeWecom;
  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: CORP, secret: SECRET, token: 'tok', encodingAESKey: KEY, clock, perApiPerMinute: 50 });
    await fake.createChat({ chatId: 'wr-a', name: 'A 群', owner: 'zhangsan' }, { notify: false });
    await fake.addContact('zhangsan', { externalUserId: 'wm-1', name: '客户一' }, { notify: false });
  });
  afterAll(() => fake.close());
  const client = () => createWecomClient({ baseUrl: fake.url, corpId: CORP, secret: SECRET, clock });

  it('fetches one token for many calls and a new one only after it expires', async () => {
    const c = client();
    const first = await c.accessToken();
    await c.getGroupChat('wr-a');
    await c.listExternalContacts('zhangsan');
    expect(await c.accessToken()).toBe(first);
    clock.set(clock.now() + 7200_000);
    const second = await c.accessToken();
    expect(second).not.toBe(first);
    expect((await c.getGroupChat('wr-a')).group_chat.owner).toBe('zhangsan');
  });

  it('a wrong secret is a permanent failure and makes the client unhealthy', async () => {
    const c = createWecomClient({ baseUrl: fake.url, corpId: CORP, secret: 'wrong-secret', clock });
    expect(await failureOf(c.getGroupChat('wr-a'))).toMatchObject({ failure: 'permanent', code: 'wecom_40001' });
    expect(c.health().state).toBe('failing');
  });

  it('an unreachable WeCom is worth retrying, and a platform frequency limit says when', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = createWecomClient({ baseUrl: `http://127.0.0.1:${port}`, corpId: CORP, secret: SECRET, clock });
    expect(await failureOf(c.getGroupChat('wr-a'))).toMatchObject({ failure: 'retry', code: 'wecom_unreachable' });
    expect(c.health().state).toBe('failing');
    fake.failNext('/cgi-bin/externalcontact/groupchat/get', 45009, 'api freq out of limit');
    expect(await failureOf(client().getGroupChat('wr-a'))).toEqual({ failure: 'retry', code: 'wecom_45009', retryAfterMs: 60_000 });
  });

  it('stops itself at its own per-API minute limit before the platform has to', async () => {
    const c = createWecomClient({ baseUrl: fake.url, corpId: CORP, secret: SECRET, clock, perApiPerMinute: 3 });
    for (let i = 0; i < 3; i++) await c.listExternalContacts('zhangsan');
    expect(await failureOf(c.listExternalContacts('zhangsan'))).toMatchObject({ failure: 'retry', code: 'wecom_rate_limited' });
    await c.getGroupChat('wr-a'); // another API has its own budget
    clock.set(clock.now() + 60_001);
    expect((await c.listExternalContacts('zhangsan')).external_userid).toEqual(['wm-1']);
  });

  it('manages live codes and join ways: create, read, update, delete; a join way takes at most five groups', async () => {
    const c = client();
    const way = await c.addContactWay({ type: 1, scene: 2, user: ['zhangsan'], state: 'campaign-618', remark: '618 海报' });
    expect(way.qr_code).toMatch(/^https:/);
    await c.updateContactWay({ config_id: way.config_id, state: 'campaign-619' });
    expect((await c.getContactWay(way.config_id)).contact_way.state).toBe('campaign-619');
    await c.delContactWay(way.config_id);
    expect(await failureOf(c.getContactWay(way.config_id))).toMatchObject({ failure: 'permanent' });

    const join = await c.addJoinWay({ scene: 2, chat_id_list: ['wr-a'], state: 'ch-douyin', auto_create_room: 1, room_base_name: '训练营', room_base_id: 4 });
    expect((await c.getJoinWay(join.config_id)).join_way).toMatchObject({ chat_id_list: ['wr-a'], state: 'ch-douyin' });
    await c.delJoinWay(join.config_id);
    expect(await failureOf(c.addJoinWay({ scene: 2, chat_id_list: ['wr-a', 'wr-a', 'wr-a', 'wr-a', 'wr-a', 'wr-a'] }))).toMatchObject({ failure: 'permanent', code: 'wecom_40058' });
  });

  it('creates tags, marks a customer with one, and reads the customer back', async () => {
    const c = client();
    const group = await c.addCorpTag({ group_name: '意向', tag: [{ name: '高意向' }] });
    await c.markTag({ userid: 'zhangsan', external_userid: 'wm-1', add_tag: [group.tag_group.tag[0]!.id] });
    expect((await c.getCorpTagList()).tag_group.map((g) => g.group_name)).toContain('意向');
    expect((await c.getExternalContact('wm-1')).external_contact.name).toBe('客户一');
  });

  it('a group template reports its per-group send status (waiting for the owner to confirm)', async () => {
    const c = client();
    const { msgid } = await c.addMsgTemplate({ chat_type: 'group', chat_id_list: ['wr-a'], sender: 'zhangsan', text: { content: 'hi' } });
    expect((await c.getGroupMsgSendResult({ msgid, userid: 'zhangsan' })).send_list).toEqual([{ chat_id: 'wr-a', userid: 'zhangsan', status: 0 }]);
  });
});

describe('WeCom callback decoding', () => {
  const xml = (fields: string) => `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType>${fields}</xml>`;
  const cases: [string, string, unknown[]][] = [
    ['a customer added through a live code', '<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2G]]></ExternalUserID><State><![CDATA[poster-1]]></State><WelcomeCode><![CDATA[WC]]></WelcomeCode>',
      [{ type: 'friend.added', accountExternalId: 'zhangsan', person: { externalId: 'woAJ2G' }, state: 'poster-1' }]],
    ['a customer edited by staff decodes to nothing', '<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[edit_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2G]]></ExternalUserID>', []],
    ['staff deleted the customer', '<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[del_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2G]]></ExternalUserID>',
      [{ type: 'friend.deleted', accountExternalId: 'zhangsan', person: { externalId: 'woAJ2G' } }]],
    ['the customer deleted the staff member', '<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[del_follow_user]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2G]]></ExternalUserID>',
      [{ type: 'friend.deleted', accountExternalId: 'zhangsan', person: { externalId: 'woAJ2G' } }]],
    ['two members join by invite link', '<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wr1]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>1</JoinScene><MemChangeCnt>2</MemChangeCnt><MemChangeList><Item><![CDATA[1001]]></Item><Item><![CDATA[wmB]]></Item></MemChangeList>',
      [{ type: 'member.joined', chatId: 'wr1', person: { externalId: '1001' }, via: 'link' }, { type: 'member.joined', chatId: 'wr1', person: { externalId: 'wmB' }, via: 'link' }]],
    ['a member removed by the owner', '<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wr1]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[del_member]]></UpdateDetail><QuitScene>1</QuitScene><MemChangeList><Item><![CDATA[wmB]]></Item></MemChangeList>',
      [{ type: 'member.left', chatId: 'wr1', person: { externalId: 'wmB' }, reason: 'removed' }]],
    ['a group dismissed', '<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wr1]]></ChatId><ChangeType><![CDATA[dismiss]]></ChangeType>', [{ type: 'group.dismissed', chatId: 'wr1' }]],
    ['a tag library change decodes to nothing', '<Event><![CDATA[change_external_tag]]></Event><Id><![CDATA[et1]]></Id><TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType>', []],
  ];
  for (const [name, fields, expected] of cases) {
    it(`decodes ${name}`, () => {
      expect(toEvents(decodeNotice(xml(fields)))).toEqual(expected);
    });
  }

  it('a group created or renamed takes its name from groupchat/get; a join takes the inviter and join-way state', () => {
    const created = decodeNotice(xml('<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wr1]]></ChatId><ChangeType><![CDATA[create]]></ChangeType>'));
    expect(toEvents(created)).toEqual([{ type: 'group.created', chatId: 'wr1', name: 'wr1' }]);
    expect(toEvents(created, { name: '打卡 1 群', owner: 'zhangsan' })).toEqual([{ type: 'group.created', chatId: 'wr1', name: '打卡 1 群', owner: { externalId: 'zhangsan' } }]);
    const joined = decodeNotice(xml('<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wr1]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>0</JoinScene><MemChangeList><Item><![CDATA[wmC]]></Item></MemChangeList>'));
    expect(toEvents(joined, { members: new Map([['wmC', { name: '小C', inviter: 'wmA' }]]) })).toEqual([
      { type: 'member.joined', chatId: 'wr1', person: { externalId: 'wmC', name: '小C' }, via: 'invite', inviter: { externalId: 'wmA' } },
    ]);
  });

  it('refuses payloads that are not documented events', () => {
    expect(() => decodeNotice(xml('<Event><![CDATA[change_external_chat]]></Event><ChangeType><![CDATA[update]]></ChangeType>'))).toThrow(/ChatId/);
    expect(() => decodeNotice('<notxml')).toThrow();
    expect(() => decodeNotice(xml('<Event><![CDATA[subscribe]]></Event>'))).toThrow();
  });
});

describe('the callback URL shown to the operator', () => {
  it('is built from QUNYUN_PUBLIC_URL, and says what is missing when it is not set', () => {
    expect(setupOf('https://q.example.com/', 'con_1').callbackUrl).toBe('https://q.example.com/api/v1/wecom/callback/con_1');
    const bare = setupOf(undefined, 'con_1');
    expect(bare.callbackUrl).toBeUndefined();
    expect(bare.callbackPath).toBe('/api/v1/wecom/callback/con_1');
    expect(bare.missing).toContain('QUNYUN_PUBLIC_URL');
  });
});
