import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectorRow } from '../src/database.js';
import { VirtualClock } from '../src/kernel/clock.js';
import type { Capabilities, RateLimit } from '../src/platforms/platform.js';
import { createTelegramAdapter } from '../src/platforms/telegram/index.js';
import { createWechatyAdapter } from '../src/platforms/wechaty/index.js';

// The capability matrix in docs/platforms.md is generated from what the
// adapters declare (which is derived from what they implement), so the page
// cannot drift. QUNYUN_WRITE_DOCS=1 rewrites the block; otherwise the test
// fails when the page and the adapters disagree.

const DOC = fileURLToPath(new URL('../../docs/platforms.md', import.meta.url));
const START = '<!-- capability-matrix:start -->';
const END = '<!-- capability-matrix:end -->';

function duration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 2 * 86_400_000) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
const rate = (limit: RateLimit) => `${limit.count.toLocaleString('en')} / ${limit.perMs === 1000 ? 's' : limit.perMs === 60_000 ? 'min' : duration(limit.perMs)}`;
const yes = (value: boolean) => (value ? 'yes' : 'no');

const ROWS: [string, (c: Capabilities) => string][] = [
  ['send types', (c) => (c.send ? c.send.types.join(', ') : 'no')],
  ['@mentions / @all', (c) => `${yes(!!c.send?.mentions)} / ${yes(!!c.send?.mentionAll)}`],
  ['reply to a message', (c) => yes(!!c.send?.replyTo)],
  ['kick', (c) => yes(c.kick)],
  ['mute (max)', (c) => (c.mute ? duration(c.mute.maxMs) : 'no')],
  ['announce / rename', (c) => `${yes(c.announce)} / ${yes(c.rename)}`],
  ['recall window', (c) => (c.recall ? duration(c.recall.windowMs) : 'no')],
  ['named invite links', (c) => yes(c.createInviteLink)],
  ['reads group messages', (c) => yes(c.readGroupMessages)],
  ['group size cap', (c) => c.groupSizeCap.toLocaleString('en')],
  ['per chat', (c) => rate(c.limits.perChat)],
  ['per account', (c) => rate(c.limits.perAccount)],
  ['a send caught mid-flight', (c) => (c.idempotentSends ? 'resent' : c.listSent ? 'reconciled' : 'unknown + staff task')],
];

function renderMatrix(columns: [string, Capabilities][]): string {
  const header = `| capability | ${columns.map(([name]) => name).join(' | ')} |`;
  const rule = `| --- | ${columns.map(() => '---').join(' | ')} |`;
  return [header, rule, ...ROWS.map(([label, cell]) => `| ${label} | ${columns.map(([, c]) => cell(c)).join(' | ')} |`)].join('\n');
}

function declaredCapabilities(): [string, Capabilities][] {
  const clock = new VirtualClock(0);
  const logger = pino({ level: 'silent' });
  const row = (platform: string): ConnectorRow => ({ id: `con_${platform}`, workspace_id: 'ws', platform, name: platform, profile: null, config: '', state: 'active', created_at: 0 });
  const telegram = createTelegramAdapter(row('telegram'), { botToken: '1:AAAAAAAAAAAAAAAAAAAAAAAAAAAA', mode: 'polling', apiRoot: 'http://127.0.0.1:9', kickMode: 'kick', approveJoinRequests: false, registerWebhook: false, timeoutSeconds: 1 }, { clock, logger, publicUrl: undefined, ingest: async () => [] });
  const wechaty = createWechatyAdapter(row('wechaty'), { puppet: 'mock' }, { clock, logger, ingest: async () => [] });
  return [
    ['Telegram (grammY)', telegram.capabilities],
    ['WeChat (Wechaty)', wechaty.capabilities],
  ];
}

describe('the capability matrix in docs/platforms.md', () => {
  it('shows exactly what the Telegram and Wechaty adapters declare', () => {
    const page = readFileSync(DOC, 'utf8');
    const matrix = renderMatrix(declaredCapabilities());
    const from = page.indexOf(START);
    const to = page.indexOf(END);
    expect(from, `docs/platforms.md needs a ${START} … ${END} block`).toBeGreaterThan(-1);
    const current = page.slice(from + START.length, to).trim();
    if (process.env.QUNYUN_WRITE_DOCS === '1' && current !== matrix) {
      writeFileSync(DOC, `${page.slice(0, from + START.length)}\n${matrix}\n${page.slice(to)}`);
      return;
    }
    expect(current).toBe(matrix);
  });
});
