import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAction } from '../src/kernel/outbox/outbox.js';
import { SimEventSchema } from '../src/platforms/simulator/schema.js';
import { OWNER_TOKEN, startTestApp, type TestApp } from './support/app.js';
import { changedTables, idsOfWorkspace, listTables, readState, type DbState } from './support/db-state.js';
import { operationsOf, requestsFor, type FuzzRequest, type JsonSchema, type Operation, type Pools, type Principal } from './support/fuzz-requests.js';
import { testDialects } from './support/services.js';

// Every route of the OpenAPI document, read at run time, gets generated
// requests: valid-shaped and malformed payloads, with no token, a bad token,
// a viewer token and the owners of two workspaces that both hold data. Each
// answer must be 2xx or 4xx (never 5xx); a 4xx must leave every table as it
// was (the audit log and a token's last-use time excepted); no answer to one
// workspace may carry an id or a name of the other that the caller did not
// send itself. QUNYUN_FUZZ_RUNS sets the runs per route (default 30).

const RUNS = Number(process.env.QUNYUN_FUZZ_RUNS ?? 30);
const BAD_TOKEN = 'not-a-token-of-this-server-0123456789';
const ALL_PRINCIPALS: readonly Principal[] = ['none', 'bad', 'viewerA', 'ownerA', 'ownerB'];

/**
 * A refused request may still be written down, and a token's last use moves on any authenticated call.
 * A refused login is counted by design: login_failures is what the throttle reads.
 */
const STATE_OPTIONS = { ignoreTables: ['audit_log', 'login_failures'], ignoreColumns: ['api_tokens.last_used_at'] } as const;

/** Routes this sweep cannot drive, each with the reason and where they are tested instead. */
const NOT_FUZZED: Record<string, string> = {
  'GET /api/v1/live/stream': 'an event stream stays open until the client leaves, so an injected request never completes; src/modules/live/live.test.ts reads it over a socket',
};

const CLOCK_FORWARD: JsonSchema = { type: 'object', properties: { advanceMs: { type: 'integer', minimum: 0, maximum: 3_600_000 } }, required: ['advanceMs'], additionalProperties: false };
const CLOCK_TO_THE_PAST: JsonSchema = { type: 'object', properties: { to: { type: 'integer', minimum: 0, maximum: 1_000 } }, required: ['to'], additionalProperties: false };

/**
 * Richer schemas where the document is deliberately loose, and bounds where a
 * valid request would be too costly to repeat. Routes not listed here are
 * fuzzed from their document schema alone.
 */
const BODY_HINTS: Record<string, (schema: JsonSchema) => JsonSchema> = {
  // The batch is typed `unknown[]` in the document (the service validates it whole); generate real event shapes too.
  'POST /api/v1/sim/events': (schema) => ({
    ...schema,
    properties: { events: { type: 'array', minItems: 1, maxItems: 4, items: { anyOf: [z.toJSONSchema(SimEventSchema, { io: 'input' }) as JsonSchema, {}] } } },
  }),
  // The server-wide virtual clock: forward by at most an hour, or `to` a time already past (refused); years of
  // catch-up per run would be slow and would move every other workspace's timers too.
  'POST /api/v1/sim/clock': () => ({ anyOf: [CLOCK_FORWARD, CLOCK_TO_THE_PAST] }),
};

/** Requests that once answered 500 (PostgreSQL cannot store U+0000 in text), kept as fixed examples. */
const REGRESSIONS: FuzzRequest[] = [
  { principal: 'ownerA', method: 'POST', url: '/api/v1/tokens', payload: '{"name":"a\\u0000b","role":"owner"}', contentType: 'application/json', variant: 'field name malformed' },
  { principal: 'ownerA', method: 'GET', url: '/api/v1/tasks/a%00b', variant: 'odd id' },
  { principal: 'ownerB', method: 'GET', url: '/api/v1/connectors/%00', variant: 'odd id' },
  { principal: 'viewerA', method: 'GET', url: '/api/v1/connectors/a%00b/accounts', variant: 'odd id' },
  { principal: 'ownerA', method: 'PATCH', url: '/api/v1/groups/a%00b', payload: '{"type":"vip"}', contentType: 'application/json', variant: 'odd id' },
  { principal: 'ownerA', method: 'GET', url: '/api/v1/people?q=%00', variant: 'odd query' },
  // A body nested 5,000 deep must not overflow the stack of whatever walks it.
  { principal: 'ownerA', method: 'PATCH', url: '/api/v1/workspace', payload: `${'['.repeat(5_000)}${']'.repeat(5_000)}`, contentType: 'application/json', variant: 'deep nesting' },
  { principal: 'ownerA', method: 'POST', url: '/api/v1/sim/groups', payload: '{"name":"x","people":[{"id":"p1","name":"a\\u0000"}]}', contentType: 'application/json', variant: 'odd name' },
];

/** The routes, from the document of a throwaway server (the same code serves it on every dialect). */
async function documentOperations(): Promise<Operation[]> {
  const t = await startTestApp('sqlite');
  try {
    const doc = await t.api('GET', '/api/v1/openapi.json', undefined, null);
    return operationsOf(doc.body);
  } finally {
    await t.cleanup();
  }
}

const operations = await documentOperations();

type Workspace = { id: string; ownerToken: string; label: 'A' | 'B'; names: string[]; chatIds: string[] };

/** A workspace full of data: groups of two profiles, people, chat lines, DMs, sends, a relay connector and a staff task. */
async function seedWorkspace(t: TestApp, ws: Workspace): Promise<void> {
  const as = async (method: string, url: string, body: unknown, status: number) => {
    const res = await t.api(method, url, body, ws.ownerToken);
    expect(res.status, `${ws.label}: ${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
  const name = (what: string) => {
    const n = `${ws.label}qz-secret-${what}`;
    ws.names.push(n);
    return n;
  };
  const p = (id: string) => `${ws.label.toLowerCase()}-${id}`;
  const group = await as('POST', '/api/v1/sim/groups', {
    name: name('group'),
    type: 'camp',
    tags: [name('tag')],
    people: [
      { id: p('owner'), name: name('owner'), role: 'owner' },
      { id: p('staff'), name: name('staff'), role: 'staff' },
      { id: p('m1'), name: name('member-one') },
    ],
  }, 201);
  ws.chatIds.push(group.chatId);
  await as('POST', '/api/v1/sim/events', {
    events: [
      { type: 'join', chatId: group.chatId, person: { id: p('m2'), name: name('member-two') }, inviterId: p('owner') },
      { type: 'message', chatId: group.chatId, personId: p('m2'), text: name('text-1'), id: p('msg-1') },
      { type: 'message', chatId: group.chatId, personId: p('m1'), text: name('text-2') },
      { type: 'dm', personId: p('m3'), name: name('dm-person'), text: name('dm') },
      { type: 'friend', accountId: p('acct'), person: { id: p('m4'), name: name('friend') } },
    ],
  }, 200);
  await as('POST', '/api/v1/messages', { target: { groupId: group.id }, message: { type: 'text', text: name('send') }, idempotencyKey: p('send-1') }, 202);
  const relay = await as('POST', '/api/v1/connectors', { platform: 'relay', name: name('relay'), config: { url: 'http://127.0.0.1:9/x' } }, 201);
  await as('POST', `/api/v1/connectors/${relay.id}/accounts`, { externalId: p('ext'), name: name('account') }, 201);
  const wecom = await as('POST', '/api/v1/sim/groups', { name: name('wecom-group'), profile: 'wecom', people: [{ id: p('m1'), name: name('member-one-wecom') }] }, 201);
  ws.chatIds.push(wecom.chatId);
  // WeCom cannot kick: the outbox raises a staff task.
  await enqueueAction(t.app.dbHandle.db, ws.id, {
    key: `guard:${p('kick')}`, lane: 'moderation', connectorId: wecom.connectorId, kind: 'kick', chatId: wecom.chatId, personExternalId: p('m1'), groupId: wecom.id, cause: 'fuzz seed',
  }, t.app.clock.now());
  await t.app.engine.drain();
  const tasks = await as('GET', '/api/v1/tasks', undefined, 200);
  expect(tasks.items.length).toBeGreaterThan(0);
}

/** Waits until the work a request kicked off (a coalesced drain on the next turn) has finished. */
async function settle(t: TestApp): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await t.app.engine.drain();
}

for (const dialect of await testDialects()) {
  describe(`every route under generated requests on ${dialect}`, () => {
    let t: TestApp;
    let tables: string[];
    let state: DbState;
    const a: Workspace = { id: '', ownerToken: OWNER_TOKEN, label: 'A', names: [], chatIds: [] };
    const b: Workspace = { id: '', ownerToken: '', label: 'B', names: [], chatIds: [] };
    let viewerA = '';
    /** The principals' own tokens: never offered as ids to revoke, so each keeps speaking for its caller. */
    let principalTokenIds: string[] = [];
    /** Secrets of one workspace that the other has itself sent (so an echo is not a leak). */
    const sentBy: Record<'A' | 'B', Set<string>> = { A: new Set(), B: new Set() };
    let pools: Pools;

    const tokenOf: Record<Principal, () => string | null> = {
      none: () => null,
      bad: () => BAD_TOKEN,
      viewerA: () => viewerA,
      ownerA: () => a.ownerToken,
      ownerB: () => b.ownerToken,
    };
    const workspaceOf = (principal: Principal): Workspace | null => (principal === 'ownerB' ? b : principal === 'none' || principal === 'bad' ? null : a);

    /** What of `ws` would be a leak: its ids, chat ids, token values and seeded names. */
    function secretsOf(ws: Workspace, current: DbState): string[] {
      const tokens = ws === a ? [a.ownerToken, viewerA] : [b.ownerToken];
      return [...idsOfWorkspace(current, ws.id)].filter((id) => id.length >= 8).concat(ws.chatIds, tokens, ws.names);
    }

    beforeAll(async () => {
      t = await startTestApp(dialect);
      a.id = (await t.api('GET', '/api/v1/workspace')).body.id;
      const workspaceB = await t.app.workspaces.createWorkspace({ slug: 'tenant-b' });
      b.id = workspaceB.id;
      const ownerB = await t.app.workspaces.createToken(b.id, { name: 'b-owner', role: 'owner', createdBy: null });
      b.ownerToken = ownerB.value;
      const viewer = await t.app.workspaces.createToken(a.id, { name: 'a-viewer', role: 'viewer', createdBy: null });
      viewerA = viewer.value;
      await seedWorkspace(t, a);
      await seedWorkspace(t, b);
      tables = await listTables(t.app.dbHandle.db);
      state = await readState(t.app.dbHandle.db, tables, STATE_OPTIONS);
      const tokenRows = state.rows.api_tokens ?? [];
      principalTokenIds = tokenRows.filter((row) => ['b-owner', 'a-viewer'].includes(String(row.name)) || row.workspace_id === a.id && row.role === 'owner').map((row) => String(row.id));
      const ids = [...idsOfWorkspace(state, a.id), ...idsOfWorkspace(state, b.id)].filter((id) => !principalTokenIds.includes(id));
      pools = {
        ids: () => ids,
        chatIds: () => [...a.chatIds, ...b.chatIds],
        simPeople: () => ['a-owner', 'a-m1', 'a-m2', 'a-m3', 'b-owner', 'b-m1', 'b-m2', 'b-m3', 'nobody'],
      };
    });
    afterAll(async () => t?.cleanup());

    /** Sends one generated request and checks the three promises; answers what failed, or null. */
    async function check(request: FuzzRequest): Promise<string | null> {
      const token = tokenOf[request.principal]();
      const requestText = `${request.url} ${request.payload ?? ''}`;
      for (const ws of [a, b]) {
        const other = ws === a ? b : a;
        if (workspaceOf(request.principal) !== other) continue;
        for (const secret of secretsOf(ws, state)) if (requestText.includes(secret)) sentBy[other.label].add(secret);
      }
      const response = await t.app.http.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(request.payload !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}),
        },
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      });
      await settle(t);
      const before = state;
      state = await readState(t.app.dbHandle.db, tables, STATE_OPTIONS);
      const status = response.statusCode;
      const shown = `${request.principal} ${request.method} ${request.url.slice(0, 300)} [${request.variant}] → ${status} ${response.body.slice(0, 400)}`;
      if (status >= 500 || status < 200 || (status >= 300 && status < 400)) return `answered ${status}: ${shown}`;
      if (status >= 400) {
        const changed = changedTables(before, state);
        if (changed.length > 0) return `a ${status} changed ${changed.join(', ')}: ${shown}`;
      }
      const caller = workspaceOf(request.principal);
      for (const ws of [a, b]) {
        if (caller === ws) continue;
        const known = caller ? sentBy[caller.label] : new Set<string>();
        const leaked = [...new Set([...secretsOf(ws, before), ...secretsOf(ws, state)])].filter((s) => !known.has(s) && !requestText.includes(s) && response.body.includes(s));
        if (leaked.length > 0) return `the answer to ${request.principal} shows ${ws.label}'s ${leaked.slice(0, 5).join(', ')}: ${shown}`;
      }
      return null;
    }

    for (const op of operations) {
      const route = `${op.method} ${op.path}`;
      if (route in NOT_FUZZED) continue;
      it(`${route} answers 2xx or 4xx, a 4xx writes nothing, and neither workspace sees the other's data`, async () => {
        const requests = requestsFor(op, pools, BODY_HINTS[route]);
        // Every caller is tried at least once, whatever the random draw.
        const examples = fc.sample(requests, ALL_PRINCIPALS.length).map((request, i): [FuzzRequest] => [{ ...request, principal: ALL_PRINCIPALS[i]! }]);
        await fc.assert(
          fc.asyncProperty(requests, async (request) => {
            const failure = await check(request);
            if (failure) throw new Error(failure);
          }),
          { numRuns: RUNS, endOnFailure: true, examples },
        );
      });
    }

    it('counterexamples found before stay fixed: the NUL character in a path, query or body answers 400 and writes nothing', async () => {
      for (const request of REGRESSIONS) expect(await check(request)).toBeNull();
      const refused = await t.api('POST', '/api/v1/tokens', { name: 'a\u0000b', role: 'viewer' });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('validation_failed');
    });

    it('the document lists the routes of every module', () => {
      const prefixes = new Set(operations.map((op) => op.path.split('/')[3]));
      expect([...prefixes].sort()).toEqual(expect.arrayContaining(['audit', 'connectors', 'groups', 'messages', 'people', 'sim', 'tasks', 'tokens', 'workspace']));
      for (const route of Object.keys(NOT_FUZZED)) expect(operations.map((op) => `${op.method} ${op.path}`), `NOT_FUZZED names ${route}, which is not in the document`).toContain(route);
    });
  });
}
