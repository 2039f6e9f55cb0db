import { vi } from 'vitest';
import type { Dialect } from '../../src/kernel/db/db.js';
import type { Capabilities } from '../../src/platforms/platform.js';
import { isWechatyAdapter, type WechatyAdapter } from '../../src/platforms/wechaty/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { ConformanceDriver, PeerPerson, Received } from './driver.js';

// WeChat through the real Wechaty and wechaty-puppet-mock: the Mocker makes
// contacts and rooms and makes them speak; what the account did is read from
// the mock world (its message cache, and the removals it made).

type Mocker = NonNullable<WechatyAdapter['peer']>['mocker'];
type Room = ReturnType<Mocker['createRoom']>;
type Contact = ReturnType<Mocker['createContact']>;

export async function wechatyDriver(dialect: Dialect): Promise<ConformanceDriver> {
  const t: TestApp = await startTestApp(dialect);
  const created = await t.api('POST', '/api/v1/connectors', { platform: 'wechaty', name: '运营微信', config: { puppet: 'mock' } });
  if (created.status !== 201) throw new Error(`the Wechaty connector was refused: ${JSON.stringify(created.body)}`);
  const connectorId = created.body.id as string;
  const running = t.app.connectors.adapterFor(connectorId);
  if (!isWechatyAdapter(running)) throw new Error('not a Wechaty adapter');
  const adapter = running;
  await adapter.start();
  const peer = adapter.peer!;
  const mocker = peer.mocker;
  mocker.login(mocker.createContact({ name: '群运助手' }));
  await vi.waitFor(async () => expect200((await t.api('GET', `/api/v1/connectors/${connectorId}`)).body.health === 'ok'), { timeout: 20_000 });
  const self = () => mocker.puppet.currentUserId;

  const rooms = new Map<string, { room: Room; owner: Contact }>();
  const contacts = new Map<string, Contact>();
  const kicks = new Map<string, string[]>();
  peer.on('room-leave', (payload: { roomId: string; removeeIdList: string[]; removerId: string }) => {
    if (payload.removerId === self()) kicks.set(payload.roomId, [...(kicks.get(payload.roomId) ?? []), ...payload.removeeIdList]);
  });

  async function eventSeen(type: string, match: (payload: Record<string, any>) => boolean): Promise<void> {
    await vi.waitFor(async () => {
      await adapter.settled();
      const rows = await t.app.dbHandle.db.selectFrom('events').select('payload').where('connector_id', '=', connectorId).where('type', '=', type).execute();
      expect200(rows.some((r) => match(JSON.parse(r.payload) as Record<string, any>)));
    }, { timeout: 10_000 });
  }

  return {
    label: 'WeChat (Wechaty mock puppet)',
    t,
    connectorId,
    async capabilities() {
      return (await t.api('GET', `/api/v1/connectors/${connectorId}`)).body.capabilities as Capabilities;
    },
    async createGroup(name) {
      const owner = mocker.createContact({ name: `${name}群主` });
      const room = mocker.createRoom({ topic: name, memberIdList: [self(), owner.id] });
      rooms.set(room.id, { room, owner });
      owner.say(`${name} 开群`).to(room);
      await eventSeen('message', (e) => e.chatId === room.id);
      return room.id;
    },
    async person(name): Promise<PeerPerson> {
      const contact = mocker.createContact({ name });
      contacts.set(contact.id, contact);
      return { externalId: contact.id, name };
    },
    async join(chatId, person, how = {}) {
      const { room, owner } = rooms.get(chatId)!;
      // WeChat has no links for bots: everybody is added by someone (the owner unless told).
      room.add(contacts.get(person.externalId)!).by(how.inviter ? contacts.get(how.inviter.externalId)! : owner);
      await eventSeen('member.joined', (e) => e.chatId === chatId && e.person.externalId === person.externalId);
    },
    async say(chatId, person, text) {
      contacts.get(person.externalId)!.say(text).to(rooms.get(chatId)!.room);
      await eventSeen('message', (e) => e.chatId === chatId && e.person.externalId === person.externalId && e.message.text === text);
    },
    async leave(chatId, person) {
      const { room } = rooms.get(chatId)!;
      // WeChat tells a room of a quit only through the member list; the mock says who left, by themself.
      const leaver = contacts.get(person.externalId)!;
      room.remove(leaver).by(leaver);
      await eventSeen('member.left', (e) => e.chatId === chatId && e.person.externalId === person.externalId);
    },
    async inviteLink() {
      return null;
    },
    async received(chatId): Promise<Received[]> {
      await adapter.settled();
      const said = peer
        .roomTranscript(chatId)
        .filter((m) => m.talkerId === self())
        .map((m): Received => ({ kind: 'send', text: m.text, mentions: m.mentionIdList }));
      return [...said, ...(kicks.get(chatId) ?? []).map((id): Received => ({ kind: 'kick', personExternalId: id }))];
    },
    async direct(person) {
      await adapter.settled();
      return peer.directTranscript(person.externalId).filter((m) => m.talkerId === self()).map((m) => m.text);
    },
    async settle(ms = 0) {
      await adapter.settled();
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: ms });
      await t.app.engine.drain();
      await adapter.settled();
    },
    close: () => t.cleanup(),
  };
}

function expect200(ok: boolean): void {
  if (!ok) throw new Error('not yet');
}
