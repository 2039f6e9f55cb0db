import type { AddressInfo } from 'node:net';
import type { Dialect } from '../../src/kernel/db/db.js';
import type { Capabilities } from '../../src/platforms/platform.js';
import { startFakeWecom } from '../../src/platforms/wecom/fake-server.js';
import { startTestApp } from '../support/app.js';
import type { ConformanceDriver, PeerPerson, Received } from './driver.js';

// WeCom through the real adapter against the fake WeCom server: joins and
// leaves arrive as encrypted, signed callbacks on the app's callback route;
// what Qunyun did is read from the fake's 群发 templates and welcomes. Group
// messages never reach Qunyun (no paid message archive), so `say` is spoken
// in the group and nothing more.

const CORP = 'ww1436e0e65a779aee';
const AES_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const TOKEN = 'QDG6eK';
const SECRET = 'fake-wecom-secret-conformance';

export async function wecomDriver(dialect: Dialect): Promise<ConformanceDriver> {
  const t = await startTestApp(dialect, { QUNYUN_PUBLIC_URL: 'https://qunyun.example.com' });
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  const fake = await startFakeWecom({ corpId: CORP, secret: SECRET, token: TOKEN, encodingAESKey: AES_KEY, agentId: '1000002', clock: t.app.clock });
  const created = await t.api('POST', '/api/v1/connectors', {
    platform: 'wecom',
    name: '企业微信 · 合规',
    config: { corpId: CORP, agentId: '1000002', secret: SECRET, token: TOKEN, encodingAESKey: AES_KEY, baseUrl: fake.url },
  });
  if (created.status !== 201) throw new Error(`the WeCom connector was refused: ${JSON.stringify(created.body)}`);
  const connectorId = created.body.id as string;
  fake.setCallbackUrl(`http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}/api/v1/wecom/callback/${connectorId}`);
  let chats = 0;
  let people = 0;
  const ok = (pushed: { status: number }) => {
    if (pushed.status !== 200) throw new Error(`the callback was refused: ${pushed.status}`);
  };

  return {
    label: 'WeCom (fake server)',
    t,
    connectorId,
    async capabilities() {
      return (await t.api('GET', `/api/v1/connectors/${connectorId}`)).body.capabilities as Capabilities;
    },
    async createGroup(name) {
      const chatId = `wrConformance${String(++chats).padStart(4, '0')}AAAA`;
      ok(await fake.createChat({ chatId, name, owner: 'zhangsan' }));
      return chatId;
    },
    async person(name): Promise<PeerPerson> {
      return { externalId: `wmConf${String(++people).padStart(4, '0')}`, name };
    },
    async join(chatId, person, how = {}) {
      ok(await fake.join(chatId, { userid: person.externalId, name: person.name, scene: how.inviter ? 1 : 3, ...(how.inviter ? { invitor: how.inviter.externalId } : {}), ...(how.link ? { state: how.link } : {}) }));
    },
    async say() {
      // Said in the group, never seen by Qunyun: WeCom gives a self-built app no group messages without the paid archive.
    },
    async leave(chatId, person) {
      ok(await fake.leave(chatId, person.externalId));
    },
    async inviteLink() {
      // Group live codes exist on the client (add_join_way) but the port has no invite-link action: see docs/platforms.md.
      return null;
    },
    async received(chatId): Promise<Received[]> {
      return fake.templates.filter((tpl) => tpl.chat_type === 'group' && tpl.chat_id_list.includes(chatId)).map((tpl): Received => ({ kind: 'send', text: (tpl as { text?: string }).text }));
    },
    async direct(person) {
      const templates = fake.templates.filter((tpl) => tpl.chat_type === 'single' && tpl.external_userid.includes(person.externalId)).map((tpl) => (tpl as { text?: string }).text ?? '');
      const welcomes = fake.welcomes.filter((w) => w.external_userid === person.externalId).map((w) => (w as { text?: string }).text ?? '');
      return [...welcomes, ...templates];
    },
    async settle(ms = 0) {
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: ms });
      await t.app.engine.drain();
    },
    async close() {
      await fake.close();
      await t.cleanup();
    },
  };
}
