import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import { PeopleQuerySchema, PersonSchema } from './schema.js';
import type { MemberService } from './service.js';

const Params = z.object({ id: z.string().min(1).max(64) });

export function memberRoutes(service: MemberService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.get('/api/v1/people', {
      config: { role: 'viewer' },
      schema: { tags: ['members'], summary: 'People (客户) with their platform identities', querystring: PeopleQuerySchema, response: { 200: z.object({ items: z.array(PersonSchema) }) } },
    }, async (request) => ({ items: await service.list(principalOf(request).workspaceId, request.query) }));

    app.get('/api/v1/people/:id', {
      config: { role: 'viewer' },
      schema: { tags: ['members'], summary: 'One person', params: Params, response: { 200: PersonSchema } },
    }, async (request) => service.getOrThrow(principalOf(request).workspaceId, request.params.id));

    app.delete('/api/v1/people/:id', {
      config: { role: 'admin' },
      schema: { tags: ['members'], summary: 'Delete a person: erase name, identities and message text; keep anonymous counts', params: Params, response: { 204: z.null() } },
    }, async (request, reply) => {
      await service.erase(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    });
  };
}
