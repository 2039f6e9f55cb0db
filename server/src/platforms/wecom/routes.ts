import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { principalOf, typed } from '../../kernel/http/server.js';
import type { WecomAdapter } from './adapter.js';
import { wecomErrors } from './errors.js';
import { CallbackQuerySchema, ReconcileReportSchema, VerifyQuerySchema } from './schema.js';

// The callback URL a WeCom app posts to (one per connector). It is public: it
// authenticates by msg_signature, not by token. GET answers URL verification
// with the decrypted echostr as plain text; POST takes the encrypted XML event.
// https://developer.work.weixin.qq.com/document/path/90930 (接收回调)

const ConnectorParams = z.object({ connectorId: z.string().min(1).max(64) });
const IdParams = z.object({ id: z.string().min(1).max(64) });
/** WeCom expects the literal text "success" (or an empty body) for an accepted event. */
const SUCCESS = 'success';

export function wecomRoutes(adapterOf: (connectorId: string) => WecomAdapter | undefined) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);
    // XML bodies only inside this plugin.
    plain.addContentTypeParser(['text/xml', 'application/xml', 'text/plain'], { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));

    const adapterOrThrow = (id: string) => {
      const adapter = adapterOf(id);
      if (!adapter) throw wecomErrors.unknownConnector();
      return adapter;
    };

    app.get('/api/v1/wecom/callback/:connectorId', {
      config: { role: 'public' },
      schema: {
        tags: ['wecom'],
        summary: 'WeCom callback URL verification: answers the decrypted echostr (public; authenticated by msg_signature)',
        security: [],
        params: ConnectorParams,
        querystring: VerifyQuerySchema,
        response: { 200: z.string() },
      },
    }, async (request, reply) => {
      const adapter = adapterOrThrow(request.params.connectorId);
      let echo: string;
      try {
        echo = adapter.verifyUrl(request.query);
      } catch (error) {
        request.log.warn({ connectorId: adapter.connectorId, code: (error as { code?: unknown }).code }, 'wecom URL verification refused');
        throw error;
      }
      return reply.type('text/plain; charset=utf-8').send(echo);
    });

    app.post('/api/v1/wecom/callback/:connectorId', {
      config: { role: 'public' },
      schema: {
        tags: ['wecom'],
        summary: 'WeCom encrypted event callback (customer contacts, customer groups, tags); public, authenticated by msg_signature',
        security: [],
        params: ConnectorParams,
        querystring: CallbackQuerySchema,
        consumes: ['text/xml', 'application/xml', 'text/plain'],
        body: z.string().min(1).max(256 * 1024),
        response: { 200: z.string() },
      },
    }, async (request, reply) => {
      const adapter = adapterOrThrow(request.params.connectorId);
      const outcome = await adapter.handleCallback(request.query, request.body).catch((error: unknown) => {
        // A refused callback is logged (someone probing, a wrong token, a clock far off), then answered by the error mapper.
        request.log.warn({ connectorId: adapter.connectorId, code: (error as { code?: unknown }).code, err: error }, 'wecom callback refused');
        throw error;
      });
      request.log.info({ connectorId: adapter.connectorId, ...outcome }, 'wecom callback accepted');
      return reply.type('text/plain; charset=utf-8').send(SUCCESS);
    });

    app.post('/api/v1/wecom/connectors/:id/reconcile', {
      config: { role: 'admin' },
      schema: {
        tags: ['wecom'],
        summary: "Reconcile customer groups: diff every group's member list (groupchat/get) against the memberships held",
        params: IdParams,
        response: { 200: ReconcileReportSchema },
      },
    }, async (request) => {
      const adapter = adapterOf(request.params.id);
      if (!adapter || adapter.workspaceId !== principalOf(request).workspaceId) throw wecomErrors.unknownConnector();
      try {
        return await adapter.reconcile();
      } catch (error) {
        const e = error as { code?: unknown; message?: unknown };
        throw wecomErrors.platformFailed({ code: e.code, message: e.message });
      }
    });
  };
}
