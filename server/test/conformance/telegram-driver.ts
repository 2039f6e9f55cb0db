import type { User } from '@grammyjs/types';
import { vi } from 'vitest';
import type { Dialect } from '../../src/kernel/db/db.js';
import type { Capabilities } from '../../src/platforms/platform.js';
import { startFakeTelegram, type Deliver } from '../../src/platforms/telegram/fake-server.js';
import { startTestApp } from '../support/app.js';
import type { ConformanceDriver, PeerPerson, Received } from './driver.js';

// Telegram through the real grammY client against the fake Bot API on loopback:
// updates reach the real webhook route; what the bot did is read from the fake's
// chats and its record of Bot API calls.

const TOKEN = '7000000002:AAFakeTokenForTheConformanceSuite0001';
const SECRET = 'conformance-secret-0123456789';

export async function telegramDriver(dialect: Dialect): Promise<ConformanceDriver> {
  const t = await startTestApp(dialect, { QUNYUN_PUBLIC_URL: 'https://qunyun.example.com' });
  const fake = await startFakeTelegram({ token: TOKEN, now: () => t.app.clock.now() });
  const created = await t.api('POST', '/api/v1/connectors', { platform: 'telegram', name: 'TG 合规', config: { botToken: TOKEN, webhookSecret: SECRET, apiRoot: fake.apiRoot } });
  if (created.status !== 201) throw new Error(`the Telegram connector was refused: ${JSON.stringify(created.body)}`);
  const connectorId = created.body.id as string;
  await vi.waitFor(() => {
    if (!fake.webhook()) throw new Error('no webhook yet');
  });
  const users = new Map<string, User>();
  const userOf = (person: PeerPerson) => users.get(person.externalId)!;
  const viaApp: Deliver = async (update, secret) =>
    (
      await t.app.http.inject({
        method: 'POST',
        url: `/api/v1/telegram/${connectorId}/webhook`,
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        payload: JSON.stringify(update),
      })
    ).statusCode;
  const deliver = async () => {
    const statuses = await fake.deliver(viaApp);
    if (statuses.some((s) => s !== 200)) throw new Error(`the webhook refused updates: ${statuses.join(',')}`);
  };
  const callsIn = (method: string, chatId: string) => fake.callsOf(method).filter((c) => String(c.payload['chat_id']) === chatId);

  return {
    label: 'Telegram (fake Bot API)',
    t,
    connectorId,
    async capabilities() {
      return (await t.api('GET', `/api/v1/connectors/${connectorId}`)).body.capabilities as Capabilities;
    },
    async createGroup(name) {
      const chatId = fake.createGroup(name);
      // Qunyun learns of a chat from its first update: the owner speaks.
      fake.say(chatId, fake.createUser(`${name}群主`), `${name} 开群`);
      await deliver();
      return String(chatId);
    },
    async person(name) {
      const user = fake.createUser(name);
      users.set(String(user.id), user);
      return { externalId: String(user.id), name };
    },
    async join(chatId, person, how = {}) {
      fake.join(Number(chatId), userOf(person), { ...(how.link ? { link: how.link } : {}), ...(how.inviter ? { by: userOf(how.inviter) } : {}) });
      await deliver();
    },
    async say(chatId, person, text) {
      fake.say(Number(chatId), userOf(person), text);
      await deliver();
    },
    async leave(chatId, person) {
      fake.leave(Number(chatId), userOf(person));
      await deliver();
    },
    async inviteLink(chatId, name) {
      const link = await t.api('POST', `/api/v1/telegram/${connectorId}/invite-links`, { chatId, name });
      return link.status === 201 ? (link.body.url as string) : null;
    },
    async received(chatId): Promise<Received[]> {
      const said = fake
        .transcript(Number(chatId))
        .filter((m) => m.from?.id === fake.bot.id)
        .map((m): Received => ({ kind: 'send', text: m.text, mentions: (m.entities ?? []).flatMap((e) => (e.type === 'text_mention' ? [String(e.user.id)] : [])) }));
      const mutes = callsIn('restrictChatMember', chatId).map((c): Received => ({ kind: 'mute', personExternalId: String(c.payload['user_id']) }));
      const kicks = callsIn('banChatMember', chatId).map((c): Received => ({ kind: 'kick', personExternalId: String(c.payload['user_id']) }));
      return [...said, ...mutes, ...kicks];
    },
    async direct(person) {
      // A bot may write only to users who started it: these are the private sends the Bot API was asked for.
      return callsIn('sendMessage', person.externalId).map((c) => String(c.payload['text']));
    },
    async settle(ms = 0) {
      await deliver();
      await t.api('POST', '/api/v1/sim/clock', { advanceMs: ms });
      await t.app.engine.drain();
      await deliver();
    },
    async close() {
      await t.cleanup();
      await fake.close();
    },
  };
}
