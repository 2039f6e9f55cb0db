import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import { AuditEntrySchema, TokenCreateSchema, TokenSchema, WorkspacePatchSchema, WorkspaceSchema } from './schema.js';
import type { WorkspaceService } from './service.js';

export function workspaceRoutes(service: WorkspaceService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.get('/api/v1/workspace', {
      config: { role: 'viewer' },
      schema: { tags: ['workspace'], summary: 'The workspace of the caller', response: { 200: WorkspaceSchema } },
    }, async (request) => service.getOrThrow(principalOf(request).workspaceId));

    app.patch('/api/v1/workspace', {
      config: { role: 'admin' },
      schema: { tags: ['workspace'], summary: 'Change name, time zone, quiet hours, message retention', body: WorkspacePatchSchema, response: { 200: WorkspaceSchema } },
    }, async (request) => service.update(principalOf(request), request.body));

    app.get('/api/v1/tokens', {
      config: { role: 'admin' },
      schema: { tags: ['workspace'], summary: 'API tokens (values are never shown again)', response: { 200: z.object({ items: z.array(TokenSchema) }) } },
    }, async (request) => ({ items: await service.listTokens(principalOf(request).workspaceId) }));

    app.post('/api/v1/tokens', {
      config: { role: 'admin' },
      schema: { tags: ['workspace'], summary: 'Create an API token; the value is in this answer only', body: TokenCreateSchema, response: { 201: z.object({ token: TokenSchema, value: z.string() }) } },
    }, async (request, reply) => {
      const principal = principalOf(request);
      const created = await service.createToken(principal.workspaceId, { ...request.body, createdBy: principal });
      return reply.status(201).send(created);
    });

    app.delete('/api/v1/tokens/:id', {
      config: { role: 'admin' },
      schema: { tags: ['workspace'], summary: 'Revoke an API token', params: z.object({ id: z.string().min(1).max(64) }), response: { 204: z.null() } },
    }, async (request, reply) => {
      await service.revokeToken(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    });

    app.get('/api/v1/audit', {
      config: { role: 'admin' },
      schema: {
        tags: ['workspace'],
        summary: 'Audit log of staff actions, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: z.coerce.number().int().optional() }),
        response: { 200: z.object({ items: z.array(AuditEntrySchema) }) },
      },
    }, async (request) => ({ items: await service.listAudit(principalOf(request).workspaceId, request.query.limit, request.query.before) }));
  };
}
