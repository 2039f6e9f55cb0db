import type { Capabilities, RateLimit } from './platform.js';

// The one capability matrix in docs/platforms.md is rendered from every
// adapter's declarations (simulator profiles, WeCom, Telegram, Wechaty);
// server/test/conformance/capability-matrix.test.ts fails when the page and
// this output disagree, so the page cannot drift from what the core is told.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function duration(ms: number): string {
  if (ms % DAY === 0 && ms > 2 * DAY) return `${ms / DAY} d`;
  if (ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE} min`;
  return `${ms / SECOND} s`;
}
const yesNo = (v: boolean) => (v ? 'yes' : 'no');
const UNITS: Record<number, string> = { [SECOND]: 's', [MINUTE]: 'min', [HOUR]: 'h', [DAY]: 'day' };
const rate = (r: RateLimit) => `${r.count.toLocaleString('en-US')} / ${UNITS[r.perMs] ?? duration(r.perMs)}`;

/** The rows of the matrix: capability name → what one adapter declares. */
export function capabilityRows(c: Capabilities): [string, string][] {
  return [
    ['send types', c.send ? c.send.types.join(', ') : 'none'],
    ['@mentions / @all', c.send ? `${yesNo(c.send.mentions)} / ${yesNo(c.send.mentionAll)}` : 'no / no'],
    ['reply to a message', yesNo(c.send?.replyTo ?? false)],
    ['direct messages', yesNo(c.send?.direct ?? false)],
    ['kick', yesNo(c.kick)],
    ['mute (max)', c.mute ? duration(c.mute.maxMs) : 'no'],
    ['announce / rename', `${yesNo(c.announce)} / ${yesNo(c.rename)}`],
    ['recall window', c.recall ? duration(c.recall.windowMs) : 'no'],
    ['named invite links', yesNo(c.createInviteLink)],
    ['reads group messages', yesNo(c.readGroupMessages)],
    ['group size cap', c.groupSizeCap.toLocaleString('en-US')],
    ['welcome deadline', c.welcomeDeadlineMs === null ? '—' : duration(c.welcomeDeadlineMs)],
    ['per chat', rate(c.limits.perChat)],
    ['per account', rate(c.limits.perAccount)],
    ['mass sends per recipient per month', c.limits.massSendsPerRecipientPerMonth === null ? '—' : String(c.limits.massSendsPerRecipientPerMonth)],
    ['a send caught mid-flight', c.idempotentSends ? 'resent' : c.listSent ? 'reconciled' : 'unknown + staff task'],
  ];
}

/** What the guard and SOPs lose on an adapter: each becomes a staff task with the evidence (or, for reading, does not happen). */
export function degradedFeatures(c: Capabilities): string[] {
  const out: string[] = [];
  if (!c.readGroupMessages) out.push('keyword replies and moderation (cannot read group messages)');
  if (!c.mute) out.push('mute → staff task');
  if (!c.kick) out.push('kick / blacklist removal → staff task');
  if (!c.announce) out.push('announcement → staff task');
  if (!c.rename) out.push('rename → staff task');
  if (!c.recall) out.push('recall of an offending message → skipped');
  if (!c.createInviteLink) out.push('named invite links → attribution by inviter only');
  return out;
}

/** A markdown table with one column per adapter, then the degradations row. */
export function renderCapabilityMatrix(columns: readonly (readonly [string, Capabilities])[]): string {
  const rows = columns.map(([, c]) => capabilityRows(c));
  const lines = [`| capability | ${columns.map(([name]) => name).join(' | ')} |`, `| --- | ${columns.map(() => '---').join(' | ')} |`];
  rows[0]!.forEach(([label], i) => lines.push(`| ${label} | ${rows.map((r) => r[i]![1]).join(' | ')} |`));
  lines.push(`| degrades | ${columns.map(([, c]) => degradedFeatures(c).join('; ') || '—').join(' | ')} |`);
  return lines.join('\n');
}
