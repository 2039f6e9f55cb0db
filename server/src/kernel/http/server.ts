import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError, commonErrors, isAppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { roleAtLeast, type Principal, type Role } from './principal.js';

// The HTTP shell: Fastify with zod validation, OpenAPI 3 at
// /api/v1/openapi.json, bearer-token auth on every /api/v1 route, and one
// error mapper: AppError → {code, message:{zh,en}}; zod → 400 with issues;
// anything else → 500 with an errorId that is also logged.

export type App = FastifyInstance;
export type ZodApp = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The least role the route needs; `public` routes need no credentials. */
    role?: Role | 'public';
  }
}

export type Authenticate = (request: FastifyRequest) => Promise<Principal | null>;

export type HttpOptions = {
  logger: Logger;
  authenticate: Authenticate;
  title: string;
  version: string;
  bodyLimit?: number;
  /** Whose X-Forwarded-* headers to believe (Fastify's trustProxy); default none. */
  trustProxy?: boolean | string;
};

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw commonErrors.unauthenticated();
  return request.principal;
}

function send(reply: FastifyReply, error: AppError, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.status(error.status).send({ code: error.code, message: error.text, ...(error.details === undefined ? {} : { details: error.details }), ...extra });
}

export async function createHttpServer(options: HttpOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024,
    genReqId: () => newId('req'),
    trustProxy: options.trustProxy ?? false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: options.title, version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.addHook('onRequest', async (request) => {
    const role = request.routeOptions.config.role;
    if (role === 'public' || !request.url.startsWith('/api/')) return;
    const principal = await options.authenticate(request);
    if (!principal) throw commonErrors.unauthenticated();
    request.principal = principal;
    if (role && !roleAtLeast(principal.role, role)) throw commonErrors.forbidden({ needs: role, has: principal.role });
  });

  // PostgreSQL text cannot hold U+0000 (SQLite can): refuse it at the door, on both dialects alike,
  // instead of failing deep in a store with a 500.
  app.addHook('preValidation', async (request) => {
    const at = findNulCharacter({ params: request.params, query: request.query, body: request.body });
    if (at !== null) throw commonErrors.validation([{ path: at, message: 'text may not contain the NUL character (U+0000)' }]);
  });

  app.setNotFoundHandler((request, reply) => send(reply, commonErrors.notFound({ route: `${request.method} ${request.url.split('?')[0]}` })));

  app.setErrorHandler((error, request, reply) => {
    if (isAppError(error)) return send(reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((issue) => ({
        path: `${error.validationContext ?? ''}${issue.instancePath || ''}`,
        message: issue.message,
      }));
      return send(reply, commonErrors.validation(issues));
    }
    const err = error as { code?: string; statusCode?: number; message?: string; name?: string };
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err.name === 'SyntaxError' && err.statusCode === 400)) {
      return send(reply, commonErrors.badJson());
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, commonErrors.payloadTooLarge());
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return send(reply, commonErrors.validation([{ path: 'content-type', message: err.message ?? 'unsupported media type' }]));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return send(reply, commonErrors.validation([{ path: '', message: err.message ?? 'bad request' }]));
    }
    const errorId = newId('err');
    request.log.error({ err: error, errorId, serialization: isResponseSerializationError(error) }, 'request failed');
    return send(reply, commonErrors.internal(), { errorId });
  });

  app.get('/api/v1/openapi.json', { config: { role: 'public' }, schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** The path of the first key or string holding U+0000, or null. Iterative: a body may nest thousands deep. */
function findNulCharacter(root: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: `${path}/${i}` }));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${path}/${key.replaceAll('\u0000', '\\u0000')}`;
        stack.push({ value: item, path: `${path}/${key}` });
      }
    }
  }
  return null;
}

/** The zod-typed view of the app, for route plugins. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}
