import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import { ChatMessageSchema, GroupPatchSchema, GroupQuerySchema, GroupSchema, MembersQuerySchema, MembershipSchema, MessagesQuerySchema } from './schema.js';
import type { GroupService } from './service.js';

const Params = z.object({ id: z.string().min(1).max(64) });

export function groupRoutes(service: GroupService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.get('/api/v1/groups', {
      config: { role: 'viewer' },
      schema: { tags: ['groups'], summary: 'Groups (社群) by type, tag and state', querystring: GroupQuerySchema, response: { 200: z.object({ items: z.array(GroupSchema) }) } },
    }, async (request) => ({ items: await service.list(principalOf(request).workspaceId, request.query) }));

    app.get('/api/v1/groups/:id', {
      config: { role: 'viewer' },
      schema: { tags: ['groups'], summary: 'One group', params: Params, response: { 200: GroupSchema } },
    }, async (request) => service.getOrThrow(principalOf(request).workspaceId, request.params.id));

    app.patch('/api/v1/groups/:id', {
      config: { role: 'operator' },
      schema: { tags: ['groups'], summary: 'Set type, tags, owner', params: Params, body: GroupPatchSchema, response: { 200: GroupSchema } },
    }, async (request) => {
      const principal = principalOf(request);
      return service.update(principal, principal.workspaceId, request.params.id, request.body);
    });

    app.get('/api/v1/groups/:id/members', {
      config: { role: 'viewer' },
      schema: { tags: ['groups'], summary: 'Members now, or the membership history', params: Params, querystring: MembersQuerySchema, response: { 200: z.object({ items: z.array(MembershipSchema) }) } },
    }, async (request) => ({ items: await service.members(principalOf(request).workspaceId, request.params.id, request.query.view, request.query.limit) }));

    app.get('/api/v1/groups/:id/messages', {
      config: { role: 'viewer' },
      schema: { tags: ['groups'], summary: 'What members said, newest first', params: Params, querystring: MessagesQuerySchema, response: { 200: z.object({ items: z.array(ChatMessageSchema) }) } },
    }, async (request) => ({ items: await service.messages(principalOf(request).workspaceId, request.params.id, request.query.limit, request.query.before) }));
  };
}
