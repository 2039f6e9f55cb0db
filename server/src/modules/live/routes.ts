import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { startTicker } from '../../kernel/clock.js';
import { principalOf, typed } from '../../kernel/http/server.js';
import { LiveItemSchema, LiveRecentQuerySchema, LiveStreamQuerySchema } from './schema.js';
import type { LiveService } from './service.js';

/** A comment line keeps proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export function liveRoutes(service: LiveService) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);
    const open = new Set<ServerResponse>();

    // Open streams would hold the server's close forever: end them first.
    plain.addHook('preClose', async () => {
      for (const raw of open) raw.end();
      open.clear();
    });

    app.get('/api/v1/live/stream', {
      config: { role: 'viewer' },
      schema: {
        tags: ['live'],
        summary: 'Server-sent events: `event: live` with a live item (join, leave, message, action outcome) as it happens; a comment heartbeat every 15 s',
        querystring: LiveStreamQuerySchema,
        produces: ['text/event-stream'],
      },
    }, async (request, reply) => {
      const { workspaceId } = principalOf(request);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(': connected\n\n');
      open.add(raw);
      const unsubscribe = service.subscribe(workspaceId, request.query.groupId, (item) => {
        raw.write(`id: ${item.id}\nevent: live\ndata: ${JSON.stringify(item)}\n\n`);
      });
      const heartbeat = startTicker(HEARTBEAT_MS, () => {
        raw.write(': heartbeat\n\n');
      });
      raw.on('close', () => {
        unsubscribe();
        heartbeat.stop();
        open.delete(raw);
      });
    });

    app.get('/api/v1/live/recent', {
      config: { role: 'viewer' },
      schema: { tags: ['live'], summary: 'The latest live items, newest first (fills the live page when it opens)', querystring: LiveRecentQuerySchema, response: { 200: z.object({ items: z.array(LiveItemSchema) }) } },
    }, async (request) => ({ items: await service.recent(principalOf(request).workspaceId, request.query) }));
  };
}
