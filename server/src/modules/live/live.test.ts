import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_TOKEN, startTestApp, type TestApp } from '../../../test/support/app.js';
import { testDialects } from '../../../test/support/services.js';
import type { LiveItem } from './schema.js';

// The live stream over a real listening socket, read with fetch as a browser's EventSource would.

type Stream = { next(): Promise<LiveItem>; close(): void; comments: string[] };

async function openStream(base: string, query = ''): Promise<Stream> {
  const abort = new AbortController();
  const response = await fetch(`${base}/api/v1/live/stream${query}`, { headers: { authorization: `Bearer ${OWNER_TOKEN}` }, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const comments: string[] = [];
  return {
    comments,
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) {
            comments.push(frame);
            continue;
          }
          const lines = Object.fromEntries(frame.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
          expect(lines.event).toBe('live');
          return JSON.parse(lines.data!) as LiveItem;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => abort.abort(),
  };
}

for (const dialect of await testDialects()) {
  describe(`live stream on ${dialect}`, () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp(dialect);
      await t.app.http.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.http.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(async () => t?.cleanup());

    it('a join made through the simulator API reaches an open stream, and then /live/recent', async () => {
      const group = await t.api('POST', '/api/v1/sim/groups', { name: '澄光新人宠粉群 1', type: 'new_user' });
      const stream = await openStream(base);
      try {
        const joined = await t.api('POST', '/api/v1/sim/events', { events: [{ type: 'join', chatId: group.body.chatId, person: { id: 'p-lin', name: '林悦' } }] });
        expect(joined.status).toBe(200);
        const item = await stream.next();
        expect(item).toMatchObject({ type: 'member.joined', groupId: group.body.id, groupName: '澄光新人宠粉群 1', personName: '林悦', personId: expect.any(String) });
        expect(stream.comments).toContain(': connected');
      } finally {
        stream.close();
      }
      await t.app.live.settled();
      const recent = await t.api('GET', `/api/v1/live/recent?groupId=${group.body.id}`);
      expect(recent.body.items.map((i: LiveItem) => [i.type, i.personName])).toEqual([['member.joined', '林悦']]);
    });

    it('a stream for one group sees only that group; messages carry their text and our sends their outcome', async () => {
      const a = await t.api('POST', '/api/v1/sim/groups', { name: '训练营 A' });
      const b = await t.api('POST', '/api/v1/sim/groups', { name: '同城群 B' });
      const stream = await openStream(base, `?groupId=${a.body.id}`);
      try {
        await t.api('POST', '/api/v1/sim/events', {
          events: [
            { type: 'message', chatId: b.body.chatId, personId: 'p-b', text: '别的群的消息' },
            { type: 'message', chatId: a.body.chatId, personId: 'p-a', text: '今天打卡完成✅' },
            { type: 'leave', chatId: a.body.chatId, personId: 'p-a' },
          ],
        });
        expect(await stream.next()).toMatchObject({ type: 'message', groupId: a.body.id, groupName: '训练营 A', text: '今天打卡完成✅' });
        expect(await stream.next()).toMatchObject({ type: 'member.left', groupId: a.body.id });
        const sent = await t.api('POST', '/api/v1/messages', { target: { groupId: a.body.id }, message: { type: 'text', text: '欢迎来到训练营' }, idempotencyKey: 'live-1' });
        expect(sent.status).toBe(202);
        expect(await stream.next()).toMatchObject({ type: 'action', groupId: a.body.id, actionKind: 'send', actionState: 'sent', text: '欢迎来到训练营' });
      } finally {
        stream.close();
      }
      await t.app.live.settled();
      const recentB = await t.api('GET', `/api/v1/live/recent?groupId=${b.body.id}`);
      expect(recentB.body.items.map((i: LiveItem) => i.text)).toEqual(['别的群的消息']);
      const recentAll = await t.api('GET', '/api/v1/live/recent?limit=3');
      expect(recentAll.body.items.map((i: LiveItem) => i.type)).toEqual(['action', 'member.left', 'message']);
    });

    it('another workspace’s stream and recent list see nothing of this one', async () => {
      const other = await t.app.workspaces.createWorkspace({ slug: `other-${dialect}` });
      const { value } = await t.app.workspaces.createToken(other.id, { name: 'other', role: 'owner', createdBy: null });
      const recent = await t.api('GET', '/api/v1/live/recent', undefined, value);
      expect(recent.status).toBe(200);
      expect(recent.body.items).toEqual([]);
    });

    it('the stream needs credentials', async () => {
      const response = await fetch(`${base}/api/v1/live/stream`);
      expect(response.status).toBe(401);
    });
  });
}
