import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import type { Action } from '../../kernel/outbox/outbox.js';
import { DeliveryQuerySchema, DeliverySchema, SendSchema } from './schema.js';
import type { MessageService } from './service.js';

const Params = z.object({ id: z.string().min(1).max(64) });

function toDelivery(action: Action) {
  return {
    id: action.id,
    idempotencyKey: action.idempotencyKey,
    connectorId: action.connectorId,
    accountId: action.accountId,
    kind: action.kind,
    chatId: action.chatId,
    groupId: action.groupId,
    personId: action.personId,
    lane: action.lane,
    state: action.state,
    attempts: action.attempts,
    notBefore: action.notBefore,
    createdAt: action.createdAt,
    sentAt: action.sentAt,
    error: action.error,
    cause: action.cause,
    taskId: action.taskId,
    body: action.body,
  };
}

export function messageRoutes(service: MessageService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.post('/api/v1/messages', {
      config: { role: 'operator' },
      schema: {
        tags: ['messages'],
        summary: 'Send a message to a group or a person through the outbox; the same idempotencyKey twice is one message',
        body: SendSchema,
        response: { 200: DeliverySchema, 202: DeliverySchema },
      },
    }, async (request, reply) => {
      const { action, created } = await service.send(principalOf(request), request.body);
      return reply.status(created ? 202 : 200).send(toDelivery(action));
    });

    app.get('/api/v1/messages', {
      config: { role: 'viewer' },
      schema: { tags: ['messages'], summary: 'Delivery records of outgoing actions, newest first', querystring: DeliveryQuerySchema, response: { 200: z.object({ items: z.array(DeliverySchema) }) } },
    }, async (request) => ({ items: (await service.list(principalOf(request).workspaceId, request.query)).map(toDelivery) }));

    app.get('/api/v1/messages/:id', {
      config: { role: 'viewer' },
      schema: { tags: ['messages'], summary: 'One delivery record: pending → sending → sent | failed | unknown', params: Params, response: { 200: DeliverySchema } },
    }, async (request) => toDelivery(await service.getOrThrow(principalOf(request).workspaceId, request.params.id)));
  };
}
