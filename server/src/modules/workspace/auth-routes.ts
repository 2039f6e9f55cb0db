import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { principalOf, typed, type Authenticate } from '../../kernel/http/server.js';
import type { Principal } from '../../kernel/http/principal.js';
import {
  AcceptInviteSchema,
  InviteCreatedSchema,
  InviteCreateSchema,
  LoginSchema,
  PasswordChangeSchema,
  SessionBodySchema,
  StaffPatchSchema,
  StaffSchema,
  SwitchSchema,
  ThrottledSchema,
} from './auth-schema.js';
import { authErrors } from './errors.js';
import { principalOfSession, SESSION_MAX_MS, type AuthService, type Session } from './auth-service.js';

// Console login over HTTP: the signed httpOnly cookie `qy_session`, CSRF for
// cookie sessions, and the staff pages' routes. Bearer tokens keep working on
// every route and never need the CSRF header.

export const SESSION_COOKIE = 'qy_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const sessions = new WeakMap<FastifyRequest, Session>();

/** The cookie's secret when its signature holds (parsed here: the auth hook runs before any cookie hook). */
function cookieSecret(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  const raw = request.server.parseCookie(header)[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.server.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/** Either credential gives the same principal; role checks stay in the HTTP shell. */
export function createAuthenticate(auth: AuthService, bearer: (token: string) => Promise<Principal | null>): Authenticate {
  return async (request) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) return bearer(header.slice('Bearer '.length).trim());
    if (!request.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return null;
    const secret = cookieSecret(request);
    const session = secret ? await auth.sessionOf(secret) : null;
    if (!session) throw authErrors.unauthenticated();
    const csrf = request.headers['x-csrf-token'];
    if (UNSAFE.has(request.method) && !auth.isCsrfValid(session, typeof csrf === 'string' ? csrf : undefined)) throw authErrors.csrfInvalid();
    sessions.set(request, session);
    return principalOfSession(session);
  };
}

function sessionOrThrow(request: FastifyRequest): Session {
  const session = sessions.get(request);
  if (!session) throw authErrors.sessionRequired();
  return session;
}

/** Secure only when the request came over https (directly or from a trusted proxy): a LAN demo over http must log in. */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', signed: true, maxAge: SESSION_MAX_MS / 1000 });
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' });
}

const meta = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

export function authRoutes(auth: AuthService, options: { publicUrl: string | undefined }) {
  return async (plain: FastifyInstance) => {
    const app = typed(plain);

    app.post('/api/v1/auth/login', {
      config: { role: 'public' },
      schema: { tags: ['auth'], summary: 'Staff login: sets the session cookie (a new session every time); the same refusal for every wrong input', security: [], body: LoginSchema, response: { 200: SessionBodySchema, 429: ThrottledSchema } },
    }, async (request, reply) => {
      const result = await auth.login(request.body, { ...meta(request), previous: cookieSecret(request) });
      if ('throttled' in result) {
        const error = authErrors.throttled(result.throttled);
        return reply.status(429).header('retry-after', String(result.throttled.retryAfterSeconds)).send({ code: error.code, message: error.text, retryAfterSeconds: result.throttled.retryAfterSeconds });
      }
      setSessionCookie(request, reply, result.secret);
      return reply.send(result.body);
    });

    app.get('/api/v1/auth/session', {
      config: { role: 'viewer' },
      schema: { tags: ['auth'], summary: 'The current console session (user, workspace, workspaces, csrfToken)', response: { 200: SessionBodySchema } },
    }, async (request) => auth.sessionBody(sessionOrThrow(request)));

    app.post('/api/v1/auth/logout', {
      config: { role: 'viewer' },
      schema: { tags: ['auth'], summary: 'Ends the session and clears the cookie', response: { 204: z.null() } },
    }, async (request, reply) => {
      await auth.logout(sessionOrThrow(request));
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    });

    app.post('/api/v1/auth/switch', {
      config: { role: 'viewer' },
      schema: { tags: ['auth'], summary: 'Switch to another workspace where the same email has an account', body: SwitchSchema, response: { 200: SessionBodySchema } },
    }, async (request, reply) => {
      const result = await auth.switchWorkspace(sessionOrThrow(request), request.body.workspaceId, meta(request));
      setSessionCookie(request, reply, result.secret);
      return reply.send(result.body);
    });

    app.post('/api/v1/auth/password', {
      config: { role: 'viewer' },
      schema: { tags: ['auth'], summary: 'Change your password; your other sessions end', body: PasswordChangeSchema, response: { 204: z.null() } },
    }, async (request, reply) => {
      await auth.changePassword(sessionOrThrow(request), request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    });

    app.post('/api/v1/auth/accept-invite', {
      config: { role: 'public' },
      schema: { tags: ['auth'], summary: 'Accept a staff invite: creates the user and logs in', security: [], body: AcceptInviteSchema, response: { 200: SessionBodySchema } },
    }, async (request, reply) => {
      const result = await auth.acceptInvite(request.body, meta(request));
      setSessionCookie(request, reply, result.secret);
      return reply.send(result.body);
    });

    app.get('/api/v1/staff', {
      config: { role: 'viewer' },
      schema: { tags: ['staff'], summary: 'Staff (console users) of the workspace', response: { 200: z.object({ items: z.array(StaffSchema) }) } },
    }, async (request) => ({ items: await auth.listStaff(principalOf(request).workspaceId) }));

    app.post('/api/v1/staff/invites', {
      config: { role: 'admin' },
      schema: { tags: ['staff'], summary: 'Invite a staff member: a single-use link valid for 7 days (shown once)', body: InviteCreateSchema, response: { 201: InviteCreatedSchema } },
    }, async (request, reply) => {
      const { token, expiresAt } = await auth.invite(principalOf(request), request.body);
      const base = (options.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
      return reply.status(201).send({ token, url: `${base}/invite/${token}`, expiresAt });
    });

    app.patch('/api/v1/staff/:id', {
      config: { role: 'admin' },
      schema: { tags: ['staff'], summary: 'Change a staff member’s role or disable them (their sessions end)', params: z.object({ id: z.string().min(1).max(64) }), body: StaffPatchSchema, response: { 200: StaffSchema } },
    }, async (request) => auth.updateStaff(principalOf(request), request.params.id, request.body));
  };
}
