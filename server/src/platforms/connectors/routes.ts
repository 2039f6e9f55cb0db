import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import { AccountCreateSchema, AccountSchema, ConnectorCreateSchema, ConnectorSchema } from './schema.js';
import type { ConnectorService } from './service.js';

const Params = z.object({ id: z.string().min(1).max(64) });

export function connectorRoutes(service: ConnectorService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.get('/api/v1/connectors', {
      config: { role: 'viewer' },
      schema: { tags: ['connectors'], summary: 'Connectors with their capabilities and health', response: { 200: z.object({ items: z.array(ConnectorSchema) }) } },
    }, async (request) => ({ items: await service.list(principalOf(request).workspaceId) }));

    app.post('/api/v1/connectors', {
      config: { role: 'admin' },
      schema: { tags: ['connectors'], summary: 'Add a connector: simulator (a profile), relay (HTTP to your own bot service), wecom (企业微信), telegram (a bot) or wechaty (a puppet)', body: ConnectorCreateSchema, response: { 201: ConnectorSchema } },
    }, async (request, reply) => reply.status(201).send(await service.create(principalOf(request), request.body)));

    app.get('/api/v1/connectors/:id', {
      config: { role: 'viewer' },
      schema: { tags: ['connectors'], summary: 'One connector', params: Params, response: { 200: ConnectorSchema } },
    }, async (request) => service.getOrThrow(principalOf(request).workspaceId, request.params.id));

    app.get('/api/v1/connectors/:id/accounts', {
      config: { role: 'viewer' },
      schema: { tags: ['connectors'], summary: 'Sending accounts (the staff accounts and bots that speak)', params: Params, response: { 200: z.object({ items: z.array(AccountSchema) }) } },
    }, async (request) => ({ items: await service.listAccounts(principalOf(request).workspaceId, request.params.id) }));

    app.post('/api/v1/connectors/:id/accounts', {
      config: { role: 'admin' },
      schema: { tags: ['connectors'], summary: 'Add a sending account', params: Params, body: AccountCreateSchema, response: { 201: AccountSchema } },
    }, async (request, reply) => reply.status(201).send(await service.createAccount(principalOf(request), request.params.id, request.body)));
  };
}
