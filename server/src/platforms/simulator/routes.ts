import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../kernel/clock.js';
import { principalOf, typed } from '../../kernel/http/server.js';
import { SimClockBodySchema, SimEventsBodySchema, SimGroupCreateSchema, SimGroupSchema, TranscriptItemSchema } from './schema.js';
import type { SimulatorService } from './service.js';

const TranscriptReply = z.object({ items: z.array(TranscriptItemSchema) });
const Page = { after: z.coerce.number().int().nonnegative().optional(), limit: z.coerce.number().int().min(1).max(5000).default(1000) };

export function simulatorRoutes(service: SimulatorService, clock: Clock) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.post('/api/v1/sim/groups', {
      config: { role: 'operator' },
      schema: { tags: ['simulator'], summary: 'Create a simulated group with people (profile full | wecom | telegram | wechat)', body: SimGroupCreateSchema, response: { 201: SimGroupSchema } },
    }, async (request, reply) => reply.status(201).send(await service.createGroup(principalOf(request), request.body)));

    app.post('/api/v1/sim/events', {
      config: { role: 'operator' },
      schema: {
        tags: ['simulator'],
        summary: 'Things happen in the simulated world: join, leave, message, dm, friend. The batch is validated whole and processed before the answer.',
        body: SimEventsBodySchema,
        response: { 200: z.object({ applied: z.number().int(), results: z.array(z.object({ eventId: z.string(), duplicate: z.boolean(), failed: z.string().optional() })) }) },
      },
    }, async (request) => service.applyEvents(principalOf(request), request.body.events));

    app.get('/api/v1/sim/clock', {
      config: { role: 'viewer' },
      schema: { tags: ['simulator'], summary: 'The clock: mode and now (epoch ms)', response: { 200: z.object({ now: z.number(), mode: z.string() }) } },
    }, async () => ({ now: clock.now(), mode: clock.mode }));

    app.post('/api/v1/sim/clock', {
      config: { role: 'admin' },
      schema: {
        tags: ['simulator'],
        summary: 'Move the virtual clock forward ({advanceMs} or {to}); every due timer and deferred send runs in time order before the answer',
        body: SimClockBodySchema,
        response: { 200: z.object({ now: z.number(), mode: z.string() }) },
      },
    }, async (request) => ({ now: await service.advanceClock(request.body), mode: clock.mode }));

    app.get('/api/v1/sim/transcript', {
      config: { role: 'viewer' },
      schema: { tags: ['simulator'], summary: 'What our accounts did in a simulated group, in order', querystring: z.object({ chatId: z.string().min(1).max(64), ...Page }), response: { 200: TranscriptReply } },
    }, async (request) => ({ items: await service.transcript(principalOf(request), request.query) }));

    app.get('/api/v1/sim/dm', {
      config: { role: 'viewer' },
      schema: { tags: ['simulator'], summary: 'Private messages our accounts sent to a simulated person, in order', querystring: z.object({ personId: z.string().min(1).max(64), ...Page }), response: { 200: TranscriptReply } },
    }, async (request) => ({ items: await service.transcript(principalOf(request), request.query) }));
  };
}
