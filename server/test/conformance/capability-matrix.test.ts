import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectorRow } from '../../src/database.js';
import { VirtualClock } from '../../src/kernel/clock.js';
import { renderCapabilityMatrix } from '../../src/platforms/capability-matrix.js';
import type { Capabilities } from '../../src/platforms/platform.js';
import { SIM_PROFILES } from '../../src/platforms/simulator/profiles.js';
import { createTelegramAdapter } from '../../src/platforms/telegram/index.js';
import { createWechatyAdapter } from '../../src/platforms/wechaty/index.js';
import { WECOM_CAPABILITIES } from '../../src/platforms/wecom/adapter.js';

// The one capability matrix in docs/platforms.md, generated from what every
// adapter declares (derived from what they implement). QUNYUN_WRITE_DOCS=1
// rewrites the block; otherwise the test fails when page and code disagree.

const DOC = fileURLToPath(new URL('../../../docs/platforms.md', import.meta.url));
const START = '<!-- capability-matrix:start -->';
const END = '<!-- capability-matrix:end -->';

function declaredCapabilities(): [string, Capabilities][] {
  const clock = new VirtualClock(0);
  const logger = pino({ level: 'silent' });
  const row = (platform: string): ConnectorRow => ({ id: `con_${platform}`, workspace_id: 'ws', platform, name: platform, profile: null, config: '', state: 'active', created_at: 0 });
  const telegram = createTelegramAdapter(row('telegram'), { botToken: '1:AAAAAAAAAAAAAAAAAAAAAAAAAAAA', mode: 'polling', apiRoot: 'http://127.0.0.1:9', kickMode: 'kick', approveJoinRequests: false, registerWebhook: false, timeoutSeconds: 1 }, { clock, logger, publicUrl: undefined, ingest: async () => [] });
  const wechaty = createWechatyAdapter(row('wechaty'), { puppet: 'mock' }, { clock, logger, ingest: async () => [] });
  return [
    ['sim: full', SIM_PROFILES.full],
    ['sim: wecom', SIM_PROFILES.wecom],
    ['sim: telegram', SIM_PROFILES.telegram],
    ['sim: wechat', SIM_PROFILES.wechat],
    ['WeCom', WECOM_CAPABILITIES],
    ['Telegram (grammY)', telegram.capabilities],
    ['WeChat (Wechaty)', wechaty.capabilities],
  ];
}

describe('the capability matrix in docs/platforms.md', () => {
  it('shows exactly what the simulator profiles and the WeCom, Telegram and Wechaty adapters declare', () => {
    const page = readFileSync(DOC, 'utf8');
    const matrix = renderCapabilityMatrix(declaredCapabilities());
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

  it('is the only capability table on the page', () => {
    const page = readFileSync(DOC, 'utf8');
    expect(page.match(/^\| capability \|/gm)).toHaveLength(1);
  });
});
