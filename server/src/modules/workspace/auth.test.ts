import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type QunyunApp } from '../../app.js';
import { loadConfig } from '../../kernel/config.js';
import { VirtualClock } from '../../kernel/clock.js';
import { OWNER_TOKEN, startTestApp, type TestApp } from '../../../test/support/app.js';
import { createPgDatabase, testDialects } from '../../../test/support/services.js';

// Staff login as the console uses it: cookie sessions with CSRF, beside bearer tokens.

type Reply = { status: number; body: any; cookie: { value: string; httpOnly?: boolean; secure?: boolean; sameSite?: string; path?: string } | undefined; headers: Record<string, unknown> };
type CallOptions = { body?: unknown; cookie?: string | undefined; csrf?: string | undefined; bearer?: string; headers?: Record<string, string>; remoteAddress?: string };

async function call(app: QunyunApp, method: string, url: string, options: CallOptions = {}): Promise<Reply> {
  const response = await app.http.inject({
    method: method as 'GET',
    url,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.cookie ? { cookie: `qy_session=${options.cookie}` } : {}),
      ...(options.csrf ? { 'x-csrf-token': options.csrf } : {}),
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
  const cookie = response.cookies.find((c) => c.name === 'qy_session');
  return {
    status: response.statusCode,
    body: response.body ? JSON.parse(response.body) : null,
    cookie: cookie ? { value: cookie.value, httpOnly: cookie.httpOnly, secure: cookie.secure, sameSite: cookie.sameSite, path: cookie.path } : undefined,
    headers: response.headers,
  };
}

const PASSWORD = 'correct horse battery';

async function login(app: QunyunApp, email: string, password = PASSWORD, workspace = 'acme', headers: Record<string, string> = {}) {
  return call(app, 'POST', '/api/v1/auth/login', { body: { workspace, email, password }, headers });
}

for (const dialect of await testDialects()) {
  describe(`staff login on ${dialect}`, () => {
    let t: TestApp;
    let workspaceId: string;
    /** Real elapsed time as the login rules see it; moved by hand, apart from the business clock. */
    const securityClock = new VirtualClock(Date.UTC(2026, 2, 1));
    let n = 0;
    /** A fresh user each test, so throttling and sessions of one test never touch another. */
    async function newUser(role: 'owner' | 'admin' | 'operator' | 'viewer' = 'owner', password = PASSWORD): Promise<{ id: string; email: string }> {
      const email = `staff${++n}@acme.test`;
      const id = await t.app.workspaces.createUser(workspaceId, { login: email, name: `员工${n}`, role, password });
      return { id, email };
    }

    beforeAll(async () => {
      t = await startTestApp(dialect, {}, { securityClock });
      workspaceId = (await t.app.workspaces.createWorkspace({ slug: 'acme', name: 'Acme 护肤' })).id;
    });
    afterAll(async () => t?.cleanup());

    it('a right password answers the user, the workspace and a CSRF token, and sets an httpOnly SameSite=Lax cookie', async () => {
      const user = await newUser();
      const reply = await login(t.app, user.email);
      expect(reply.status).toBe(200);
      expect(reply.body.user).toMatchObject({ id: user.id, email: user.email, role: 'owner' });
      expect(reply.body.workspace).toMatchObject({ id: workspaceId, slug: 'acme', name: 'Acme 护肤', timeZone: 'Asia/Shanghai' });
      expect(reply.body.workspaces).toEqual([{ id: workspaceId, slug: 'acme', name: 'Acme 护肤', role: 'owner' }]);
      expect(reply.body.csrfToken).toEqual(expect.any(String));
      expect(reply.cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      const session = await call(t.app, 'GET', '/api/v1/auth/session', { cookie: reply.cookie!.value });
      expect(session.status).toBe(200);
      expect(session.body.csrfToken).toBe(reply.body.csrfToken);
      const groups = await call(t.app, 'GET', '/api/v1/groups', { cookie: reply.cookie!.value });
      expect(groups.status).toBe(200);
    });

    it('the cookie is Secure only when the request came over https through a trusted proxy', async () => {
      const user = await newUser();
      const overHttp = await login(t.app, user.email);
      expect(overHttp.cookie?.secure).toBeFalsy();
      const overHttps = await login(t.app, user.email, PASSWORD, 'acme', { 'x-forwarded-proto': 'https' });
      expect(overHttps.cookie?.secure).toBe(true);
    });

    it('a wrong password, an unknown email and an unknown workspace get the same refusal', async () => {
      const user = await newUser();
      const answers = await Promise.all([login(t.app, user.email, 'wrong password'), login(t.app, 'nobody@acme.test'), login(t.app, user.email, PASSWORD, 'no-such-workspace')]);
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.cookie).toBeUndefined();
        expect({ code: answer.body.code, message: answer.body.message }).toEqual({ code: answers[0]!.body.code, message: answers[0]!.body.message });
      }
      expect(answers[0]!.body.code).toBe('auth.invalid_credentials');
      expect(answers[0]!.body.message).toEqual({ zh: expect.any(String), en: expect.any(String) });
    });

    it('five failures for one email throttle it with retryAfterSeconds, even for the right password, until 15 real minutes pass', async () => {
      const user = await newUser();
      for (let i = 0; i < 5; i++) expect((await login(t.app, user.email, `wrong-${i}`)).status).toBe(401);
      const throttled = await login(t.app, user.email);
      expect(throttled.status).toBe(429);
      expect(throttled.body.code).toBe('auth.throttled');
      expect(throttled.body.retryAfterSeconds).toBeGreaterThan(0);
      expect(throttled.body.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
      expect(throttled.headers['retry-after']).toBe(String(throttled.body.retryAfterSeconds));
      securityClock.set(securityClock.now() + 15 * 60_000 + 1000);
      expect((await login(t.app, user.email)).status).toBe(200);
    });

    it('twenty failures from one address throttle that address for every email, and no other address', async () => {
      const user = await newUser();
      const from = (ip: string, email: string, password: string) => call(t.app, 'POST', '/api/v1/auth/login', { body: { workspace: 'acme', email, password }, remoteAddress: ip });
      for (let i = 0; i < 20; i++) expect((await from('10.9.8.7', `guess${i}@acme.test`, 'guess')).status).toBe(401);
      const blocked = await from('10.9.8.7', user.email, PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('auth.throttled');
      expect((await from('10.9.8.8', user.email, PASSWORD)).status).toBe(200);
    });

    it('retryAfterSeconds counts the real seconds left in the window, however fast the business clock runs', async () => {
      const user = await newUser();
      const from = (password: string) => call(t.app, 'POST', '/api/v1/auth/login', { body: { workspace: 'acme', email: user.email, password }, remoteAddress: '10.1.2.3' });
      for (let i = 0; i < 5; i++) expect((await from(`wrong-${i}`)).status).toBe(401);
      securityClock.set(securityClock.now() + 14 * 60_000);
      const throttled = await from(PASSWORD);
      expect(throttled.status).toBe(429);
      expect(throttled.body.retryAfterSeconds).toBe(60);
      expect(throttled.headers['retry-after']).toBe('60');
      await t.app.engine.advance(t.app.clock.now() + 86_400_000);
      const stillThrottled = await from(PASSWORD);
      expect(stillThrottled.status).toBe(429);
      expect(stillThrottled.body.retryAfterSeconds).toBe(60);
      securityClock.set(securityClock.now() + 60_000);
      expect((await from(PASSWORD)).status).toBe(200);
    });

    it('a month of business time ends no session and no invite, and audit entries carry the business time', async () => {
      const owner = await newUser('owner');
      const session = await login(t.app, owner.email);
      const ownerAuth = { cookie: session.cookie!.value, csrf: session.body.csrfToken };
      const invite = await call(t.app, 'POST', '/api/v1/staff/invites', { body: { email: 'patient@acme.test', role: 'viewer' }, ...ownerAuth });
      expect(invite.status).toBe(201);
      await t.app.engine.advance(t.app.clock.now() + 31 * 86_400_000);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: session.cookie!.value })).status).toBe(200);
      const accepted = await call(t.app, 'POST', '/api/v1/auth/accept-invite', { body: { token: invite.body.token, name: '耐心', password: 'worth the wait' } });
      expect(accepted.status).toBe(200);
      const audit = await call(t.app, 'GET', '/api/v1/audit?limit=5', { cookie: session.cookie!.value });
      const accept = audit.body.items.find((e: { action: string; target: string }) => e.action === 'staff.invite_accepted' && e.target === accepted.body.user.id);
      expect(accept.at).toBe(t.app.clock.now());
      expect(accept.at).not.toBe(securityClock.now());
    });

    it('every login makes a new session and ends the one the browser still held', async () => {
      const user = await newUser();
      const first = await login(t.app, user.email);
      const second = await call(t.app, 'POST', '/api/v1/auth/login', { body: { workspace: 'acme', email: user.email, password: PASSWORD }, cookie: first.cookie!.value });
      expect(second.status).toBe(200);
      expect(second.cookie!.value).not.toBe(first.cookie!.value);
      expect(second.body.csrfToken).not.toBe(first.body.csrfToken);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: first.cookie!.value })).status).toBe(401);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: second.cookie!.value })).status).toBe(200);
    });

    it('a cookie session must send its CSRF token on unsafe methods; a bearer token never needs one', async () => {
      const user = await newUser();
      const session = await login(t.app, user.email);
      const body = { name: 'ci', role: 'viewer' };
      const missing = await call(t.app, 'POST', '/api/v1/tokens', { body, cookie: session.cookie!.value });
      expect(missing.status).toBe(403);
      expect(missing.body.code).toBe('auth.csrf_invalid');
      const wrong = await call(t.app, 'POST', '/api/v1/tokens', { body, cookie: session.cookie!.value, csrf: 'not-the-token' });
      expect(wrong.body.code).toBe('auth.csrf_invalid');
      const right = await call(t.app, 'POST', '/api/v1/tokens', { body, cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(right.status).toBe(201);
      const viaBearer = await call(t.app, 'POST', '/api/v1/tokens', { body, bearer: OWNER_TOKEN });
      expect(viaBearer.status).toBe(201);
      const audit = { body: { items: await t.app.workspaces.listAudit(workspaceId, 500) } };
      const created = audit.body.items.filter((e) => e.action === 'token.create' && e.target === right.body.token.id);
      expect(created.map((e) => e.actor)).toEqual([`user:${user.id}`]);
    });

    it('a cookie session keeps the role checks: a viewer may not create tokens', async () => {
      const viewer = await newUser('viewer');
      const session = await login(t.app, viewer.email);
      const refused = await call(t.app, 'POST', '/api/v1/tokens', { body: { name: 'x', role: 'viewer' }, cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    });

    it('logout ends the session and clears the cookie', async () => {
      const user = await newUser();
      const session = await login(t.app, user.email);
      const out = await call(t.app, 'POST', '/api/v1/auth/logout', { cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(out.status).toBe(204);
      expect(out.cookie?.value).toBe('');
      const after = await call(t.app, 'GET', '/api/v1/auth/session', { cookie: session.cookie!.value });
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('auth.unauthenticated');
    });

    it('a session unused for 7 real days has expired: 401', async () => {
      const user = await newUser();
      const session = await login(t.app, user.email);
      securityClock.set(securityClock.now() + 6 * 86_400_000);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: session.cookie!.value })).status).toBe(200);
      securityClock.set(securityClock.now() + 7 * 86_400_000 + 1000);
      const expired = await call(t.app, 'GET', '/api/v1/groups', { cookie: session.cookie!.value });
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('auth.unauthenticated');
    });

    it('a forged or tampered cookie is refused', async () => {
      const user = await newUser();
      const session = await login(t.app, user.email);
      const tampered = `${session.cookie!.value.slice(0, -2)}xx`;
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: tampered })).status).toBe(401);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: 'made-up' })).status).toBe(401);
    });

    it('changing the password ends the user’s other sessions and keeps this one', async () => {
      const user = await newUser();
      const here = await login(t.app, user.email);
      const elsewhere = await login(t.app, user.email);
      const wrong = await call(t.app, 'POST', '/api/v1/auth/password', { body: { currentPassword: 'nope', newPassword: 'a new password' }, cookie: here.cookie!.value, csrf: here.body.csrfToken });
      expect(wrong.body.code).toBe('auth.wrong_password');
      const short = await call(t.app, 'POST', '/api/v1/auth/password', { body: { currentPassword: PASSWORD, newPassword: 'short' }, cookie: here.cookie!.value, csrf: here.body.csrfToken });
      expect(short.status).toBe(400);
      const changed = await call(t.app, 'POST', '/api/v1/auth/password', { body: { currentPassword: PASSWORD, newPassword: 'a new password' }, cookie: here.cookie!.value, csrf: here.body.csrfToken });
      expect(changed.status).toBe(204);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: here.cookie!.value })).status).toBe(200);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: elsewhere.cookie!.value })).status).toBe(401);
      expect((await login(t.app, user.email)).status).toBe(401);
      expect((await login(t.app, user.email, 'a new password')).status).toBe(200);
    });

    it('an owner invites staff; the invite creates the user, logs them in once, and cannot be used again', async () => {
      const owner = await newUser('owner');
      const session = await login(t.app, owner.email);
      const invite = await call(t.app, 'POST', '/api/v1/staff/invites', { body: { email: 'New.Hire@Acme.test', role: 'operator' }, cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(invite.status).toBe(201);
      expect(invite.body.url).toBe(`http://localhost:80/invite/${invite.body.token}`);
      expect(invite.body.expiresAt).toBe(securityClock.now() + 7 * 86_400_000);
      const accepted = await call(t.app, 'POST', '/api/v1/auth/accept-invite', { body: { token: invite.body.token, name: '新同事', password: 'welcome aboard' } });
      expect(accepted.status).toBe(200);
      expect(accepted.body.user).toMatchObject({ email: 'new.hire@acme.test', name: '新同事', role: 'operator' });
      expect(accepted.cookie?.value).toBeTruthy();
      const again = await call(t.app, 'POST', '/api/v1/auth/accept-invite', { body: { token: invite.body.token, name: 'x', password: 'welcome aboard' } });
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('auth.invite_invalid');
      expect((await login(t.app, 'new.hire@acme.test', 'welcome aboard')).status).toBe(200);
      const staff = await call(t.app, 'GET', '/api/v1/staff', { cookie: session.cookie!.value });
      expect(staff.body.items.find((s: { email: string }) => s.email === 'new.hire@acme.test')).toMatchObject({ role: 'operator', disabled: false, lastLoginAt: expect.any(Number) });
    });

    it('an invite expires after 7 real days, and an admin cannot invite an owner', async () => {
      const admin = await newUser('admin');
      const session = await login(t.app, admin.email);
      const adminAuth = { cookie: session.cookie!.value, csrf: session.body.csrfToken };
      const tooHigh = await call(t.app, 'POST', '/api/v1/staff/invites', { body: { email: 'boss@acme.test', role: 'owner' }, cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(tooHigh.status).toBe(403);
      const invite = await call(t.app, 'POST', '/api/v1/staff/invites', { body: { email: 'late@acme.test', role: 'viewer' }, ...adminAuth });
      expect(invite.status).toBe(201);
      securityClock.set(securityClock.now() + 7 * 86_400_000 + 1);
      const late = await call(t.app, 'POST', '/api/v1/auth/accept-invite', { body: { token: invite.body.token, name: '迟到', password: 'too late now' } });
      expect(late.body.code).toBe('auth.invite_invalid');
    });

    it('an admin changes a role and disables a user, whose sessions end; the last owner stays; all of it is audited', async () => {
      const admin = await newUser('admin');
      const target = await newUser('operator');
      const adminSession = await login(t.app, admin.email);
      const targetSession = await login(t.app, target.email);
      const auth = { cookie: adminSession.cookie!.value, csrf: adminSession.body.csrfToken };
      const promoted = await call(t.app, 'PATCH', `/api/v1/staff/${target.id}`, { body: { role: 'assistant' }, ...auth });
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('assistant');
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: targetSession.cookie!.value })).body.user.role).toBe('assistant');
      const disabled = await call(t.app, 'PATCH', `/api/v1/staff/${target.id}`, { body: { disabled: true }, ...auth });
      expect(disabled.body.disabled).toBe(true);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: targetSession.cookie!.value })).status).toBe(401);
      expect((await login(t.app, target.email)).status).toBe(401);
      const owner = await newUser('owner');
      const overOwner = await call(t.app, 'PATCH', `/api/v1/staff/${owner.id}`, { body: { role: 'viewer' }, ...auth });
      expect(overOwner.body.code).toBe('staff.above_you');
      const audit = { body: { items: await t.app.workspaces.listAudit(workspaceId, 500) } };
      const actions = audit.body.items.filter((e) => e.target === target.id).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['staff.role_change', 'staff.disable', 'auth.login']));
      const all = audit.body.items.map((e) => e.action);
      expect(all).toEqual(expect.arrayContaining(['auth.logout', 'auth.password_change', 'staff.invite']));
    });

    it('the last active owner of a workspace cannot be demoted', async () => {
      const solo = await t.app.workspaces.createWorkspace({ slug: `solo-${dialect}` });
      const id = await t.app.workspaces.createUser(solo.id, { login: 'only@solo.test', role: 'owner', password: PASSWORD });
      const session = await login(t.app, 'only@solo.test', PASSWORD, solo.slug);
      const demote = await call(t.app, 'PATCH', `/api/v1/staff/${id}`, { body: { role: 'admin' }, cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(demote.status).toBe(409);
      expect(demote.body.code).toBe('staff.last_owner');
    });

    it('switching workspace works where the same email has an account, and nowhere else', async () => {
      const user = await newUser('operator');
      const other = await t.app.workspaces.createWorkspace({ slug: `branch-${dialect}`, name: '分店' });
      await t.app.workspaces.createUser(other.id, { login: user.email, role: 'viewer', password: 'another password' });
      const stranger = await t.app.workspaces.createWorkspace({ slug: `stranger-${dialect}` });
      const session = await login(t.app, user.email);
      expect(session.body.workspaces.map((w: { slug: string }) => w.slug).sort()).toEqual(['acme', `branch-${dialect}`]);
      const refused = await call(t.app, 'POST', '/api/v1/auth/switch', { body: { workspaceId: stranger.id }, cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(refused.status).toBe(404);
      expect(refused.body.code).toBe('workspace.not_found');
      const switched = await call(t.app, 'POST', '/api/v1/auth/switch', { body: { workspaceId: other.id }, cookie: session.cookie!.value, csrf: session.body.csrfToken });
      expect(switched.status).toBe(200);
      expect(switched.body.workspace.slug).toBe(`branch-${dialect}`);
      expect(switched.body.user.role).toBe('viewer');
      const there = await call(t.app, 'GET', '/api/v1/workspace', { cookie: switched.cookie!.value });
      expect(there.body.id).toBe(other.id);
      expect((await call(t.app, 'GET', '/api/v1/auth/session', { cookie: session.cookie!.value })).status).toBe(401);
    });
  });

  describe(`sessions across a restart on ${dialect}`, () => {
    it('a session made before a restart still works after it', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'qunyun-restart-'));
      const pgdb = dialect === 'postgres' ? await createPgDatabase() : null;
      const config = loadConfig({ QUNYUN_DATA: dataDir, QUNYUN_CLOCK: 'virtual', QUNYUN_LOG_LEVEL: 'silent', ...(pgdb ? { DATABASE_URL: pgdb.url } : {}) });
      const logger = pino({ level: 'silent' });
      try {
        const first = await buildApp(config, { logger });
        const ws = await first.workspaces.createWorkspace({ slug: 'acme' });
        await first.workspaces.createUser(ws.id, { login: 'keep@acme.test', role: 'operator', password: PASSWORD });
        const session = await login(first, 'keep@acme.test');
        expect(first.clock).toBeInstanceOf(VirtualClock);
        await first.close();
        const second = await buildApp(config, { logger });
        try {
          const after = await call(second, 'GET', '/api/v1/auth/session', { cookie: session.cookie!.value });
          expect(after.status).toBe(200);
          expect(after.body.user.email).toBe('keep@acme.test');
        } finally {
          await second.close();
        }
      } finally {
        await pgdb?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
