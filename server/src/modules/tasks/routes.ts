import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import { TaskCreateSchema, TaskPatchSchema, TaskQuerySchema, TaskSchema } from './schema.js';
import type { TaskService } from './service.js';

const Params = z.object({ id: z.string().min(1).max(64) });

export function taskRoutes(service: TaskService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.get('/api/v1/tasks', {
      config: { role: 'viewer' },
      schema: { tags: ['tasks'], summary: 'Staff tasks (待办), newest first', querystring: TaskQuerySchema, response: { 200: z.object({ items: z.array(TaskSchema) }) } },
    }, async (request) => ({ items: await service.list(principalOf(request).workspaceId, request.query) }));

    app.post('/api/v1/tasks', {
      config: { role: 'operator' },
      schema: { tags: ['tasks'], summary: 'Write a task by hand (title, optional detail, group, person, due time, assignee role)', body: TaskCreateSchema, response: { 201: TaskSchema } },
    }, async (request, reply) => reply.status(201).send(await service.create(principalOf(request), request.body)));

    app.get('/api/v1/tasks/:id', {
      config: { role: 'viewer' },
      schema: { tags: ['tasks'], summary: 'One task with its evidence', params: Params, response: { 200: TaskSchema } },
    }, async (request) => service.getOrThrow(principalOf(request).workspaceId, request.params.id));

    app.patch('/api/v1/tasks/:id', {
      config: { role: 'assistant' },
      schema: { tags: ['tasks'], summary: 'Mark done / undo / dismiss, assign, set a due time', params: Params, body: TaskPatchSchema, response: { 200: TaskSchema } },
    }, async (request) => service.update(principalOf(request), request.params.id, request.body));
  };
}
