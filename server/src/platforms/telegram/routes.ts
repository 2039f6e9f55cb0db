import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import type { TelegramAdapter } from './adapter.js';
import { telegramErrors } from './errors.js';
import { InviteLinkCreateSchema, InviteLinkSchema } from './schema.js';

// The webhook Telegram posts updates to (public: it proves itself with the
// secret token set by setWebhook, https://core.telegram.org/bots/api#setwebhook),
// and named invite links for a connector's groups.

export type TelegramRegistry = { get(connectorId: string): TelegramAdapter | undefined };

const Params = z.object({ connectorId: z.string().min(1).max(64) });
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export function telegramRoutes(registry: TelegramRegistry) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.post('/api/v1/telegram/:connectorId/webhook', {
      config: { role: 'public' },
      schema: {
        tags: ['telegram'],
        summary: 'Telegram webhook: set it with setWebhook (done at start when QUNYUN_PUBLIC_URL is set); checks X-Telegram-Bot-Api-Secret-Token',
        security: [],
        params: Params,
        headers: z.looseObject({ [SECRET_HEADER]: z.string().max(256).optional() }),
        body: z.looseObject({ update_id: z.number().int().nonnegative() }),
        response: { 200: z.object({ ok: z.literal(true), events: z.number().int() }) },
      },
    }, async (request) => {
      const adapter = registry.get(request.params.connectorId);
      if (!adapter) throw telegramErrors.connectorNotFound();
      if (!adapter.isSecretValid(request.headers[SECRET_HEADER])) {
        request.log.warn({ connectorId: adapter.connectorId }, 'telegram webhook call with a wrong secret token');
        throw telegramErrors.badSecret();
      }
      return { ok: true as const, events: await adapter.receive(request.body, 'callback') };
    });

    app.post('/api/v1/telegram/:connectorId/invite-links', {
      config: { role: 'operator' },
      schema: {
        tags: ['telegram'],
        summary: 'Create a named invite link (createChatInviteLink): joins through it arrive with the link, for channel and inviter attribution',
        params: Params,
        body: InviteLinkCreateSchema,
        response: { 201: InviteLinkSchema },
      },
    }, async (request, reply) => {
      const adapter = registry.get(request.params.connectorId);
      if (!adapter || adapter.workspaceId !== principalOf(request).workspaceId) throw telegramErrors.connectorNotFound();
      return reply.status(201).send(await adapter.createInviteLink(request.body));
    });
  };
}
