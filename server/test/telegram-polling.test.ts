import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enqueueAction } from '../src/kernel/outbox/outbox.js';
import { startFakeTelegram, type FakeTelegram } from '../src/platforms/telegram/fake-server.js';
import { startTestApp, type TestApp } from './support/app.js';
import { testDialects } from './support/services.js';

// Long polling through grammY's runner against the fake Bot API, and the
// connector health a failing platform shows.

const TOKEN = '7000000002:AAFakeTokenForLongPollingAgainstFake02';

for (const dialect of await testDialects()) {
  describe(`Telegram long polling and connector health on ${dialect}`, () => {
    let t: TestApp;
    let fake: FakeTelegram;
    let connectorId: string;

    async function eventsOf(type: string) {
      const rows = await t.app.dbHandle.db.selectFrom('events').select('payload').where('connector_id', '=', connectorId).where('type', '=', type).execute();
      return rows.map((r) => JSON.parse(r.payload) as Record<string, any>);
    }

    beforeAll(async () => {
      t = await startTestApp(dialect);
      fake = await startFakeTelegram({ token: TOKEN, now: () => t.app.clock.now() });
      const created = await t.api('POST', '/api/v1/connectors', {
        platform: 'telegram',
        name: 'TG polling',
        config: { botToken: TOKEN, mode: 'polling', apiRoot: fake.apiRoot, approveJoinRequests: true, timeoutSeconds: 5 },
      });
      expect(created.status).toBe(201);
      connectorId = created.body.id;
      await vi.waitFor(() => expect(fake.callsOf('getUpdates').length).toBeGreaterThan(0));
    });
    afterAll(async () => {
      await t?.cleanup();
      await fake?.close();
    });

    it('messages and joins are fetched with getUpdates, asking for chat_member updates', async () => {
      const chatId = fake.createGroup('Polling 群');
      const henry = fake.createUser('Henry');
      fake.join(chatId, henry);
      fake.say(chatId, henry, 'polling works');
      await vi.waitFor(async () => expect((await eventsOf('message')).map((e) => e.message.text)).toEqual(['polling works']));
      expect((await eventsOf('member.joined')).map((e) => e.person.externalId)).toContain(String(henry.id));
      expect(fake.callsOf('getUpdates').map((c) => c.payload.allowed_updates)).toContainEqual(['message', 'chat_member', 'chat_join_request']);
    });

    it('a join request through a link that needs approval is approved, and the join arrives with that link', async () => {
      const chatId = fake.createGroup('审核入群');
      const link = await t.api('POST', `/api/v1/telegram/${connectorId}/invite-links`, { chatId: String(chatId), name: 'referral-ivy', createsJoinRequest: true });
      expect(link.status).toBe(201);
      const ivy = fake.createUser('Ivy');
      fake.join(chatId, ivy, { link: link.body.url });
      await vi.waitFor(async () => expect((await eventsOf('member.joined')).find((e) => e.person.externalId === String(ivy.id))).toMatchObject({ via: 'link', inviteCode: link.body.url }));
      expect(fake.member(chatId, ivy.id)?.status).toBe('member');
      expect(fake.callsOf('approveChatJoinRequest').at(-1)!.payload).toMatchObject({ chat_id: chatId, user_id: ivy.id });
    });

    it('a revoked bot token shows as a failing connector, with the reason', async () => {
      const created = await t.api('POST', '/api/v1/connectors', {
        platform: 'telegram',
        name: 'TG revoked',
        config: { botToken: '7000000099:AARevokedTokenTheFakeServerDoesNotKnow', mode: 'polling', apiRoot: fake.apiRoot },
      });
      await vi.waitFor(async () => expect((await t.api('GET', `/api/v1/connectors/${created.body.id}`)).body.health).toBe('failing'));
      expect((await t.api('GET', `/api/v1/connectors/${created.body.id}`)).body.healthDetail).toContain('401');
    });

    it('a webhook connector without QUNYUN_PUBLIC_URL says it cannot be reached', async () => {
      const created = await t.api('POST', '/api/v1/connectors', {
        platform: 'telegram',
        name: 'TG webhook',
        config: { botToken: '7000000003:AAAnotherFakeTokenForTheWebhookCase03', webhookSecret: 'another-secret-0123456789', apiRoot: fake.apiRoot },
      });
      const connector = await t.api('GET', `/api/v1/connectors/${created.body.id}`);
      expect(connector.body).toMatchObject({ health: 'failing', healthDetail: expect.stringContaining('QUNYUN_PUBLIC_URL') });
    });

    it('an unreachable Bot API is retried, never lost, and shows on the connector until it answers again', async () => {
      const gone = await startFakeTelegram({ token: '7000000005:AAFakeTokenForAnApiThatGoesAway0005', now: () => t.app.clock.now() });
      const created = await t.api('POST', '/api/v1/connectors', {
        platform: 'telegram',
        name: 'TG unreachable',
        config: { botToken: '7000000005:AAFakeTokenForAnApiThatGoesAway0005', webhookSecret: 'unreachable-secret-0123', registerWebhook: false, apiRoot: gone.apiRoot },
      });
      await gone.close();
      const workspaceId = (await t.app.dbHandle.db.selectFrom('connectors').select('workspace_id').where('id', '=', created.body.id).executeTakeFirstOrThrow()).workspace_id;
      const { action } = await enqueueAction(t.app.dbHandle.db, workspaceId, { key: 'unreachable-1', lane: 'api', connectorId: created.body.id, kind: 'send', chatId: '-1001', message: { type: 'text', text: '还在吗' }, cause: 'test' }, t.app.clock.now());
      await t.app.engine.drain();
      const delivery = await t.api('GET', `/api/v1/messages/${action.id}`);
      // Refused before anything was sent: safe to send again later.
      expect(delivery.body).toMatchObject({ state: 'pending', attempts: 1 });
      expect(delivery.body.error).toContain('telegram_unreachable');
      const connector = await t.api('GET', `/api/v1/connectors/${created.body.id}`);
      expect(connector.body).toMatchObject({ health: 'failing', healthDetail: expect.stringContaining('sendMessage') });
    });

    it('a bad configuration is refused with the field that is wrong', async () => {
      const noSecret = await t.api('POST', '/api/v1/connectors', { platform: 'telegram', name: 'x', config: { botToken: '7000000004:AAAnotherFakeTokenForTheWebhookCase04' } });
      expect(noSecret.status).toBe(400);
      expect(JSON.stringify(noSecret.body.details)).toContain('webhookSecret');
      const badToken = await t.api('POST', '/api/v1/connectors', { platform: 'telegram', name: 'x', config: { botToken: 'not-a-token', mode: 'polling' } });
      expect(badToken.status).toBe(400);
      expect(JSON.stringify(badToken.body.details)).toContain('botToken');
    });
  });
}
