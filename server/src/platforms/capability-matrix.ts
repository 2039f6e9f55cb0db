import type { Capabilities } from './platform.js';

// The capability matrix in docs/platforms.md is rendered from the adapters'
// declarations (a test compares the page with this output), so the page cannot
// drift from what the core is told.

const DAY = 24 * 3600 * 1000;

function duration(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
const yesNo = (v: boolean) => (v ? 'yes' : 'no');
const UNITS: Record<number, string> = { 1000: 's', 60_000: 'min', 3_600_000: 'h', [DAY]: 'day' };
const rate = (r: { count: number; perMs: number }) => `${r.count.toLocaleString('en-US')} / ${UNITS[r.perMs] ?? duration(r.perMs)}`;

/** The rows of the matrix: capability name → what this adapter declares. */
export function capabilityRows(c: Capabilities): [string, string][] {
  return [
    ['send types', c.send ? c.send.types.join(', ') : 'none'],
    ['@mentions / @all', c.send ? `${yesNo(c.send.mentions)} / ${yesNo(c.send.mentionAll)}` : 'no / no'],
    ['direct messages', yesNo(c.send?.direct ?? false)],
    ['kick', yesNo(c.kick)],
    ['mute (max)', c.mute ? duration(c.mute.maxMs) : 'no'],
    ['announce / rename', `${yesNo(c.announce)} / ${yesNo(c.rename)}`],
    ['recall window', c.recall ? duration(c.recall.windowMs) : 'no'],
    ['named invite links (port action)', yesNo(c.createInviteLink)],
    ['reads group messages', yesNo(c.readGroupMessages)],
    ['group size cap', c.groupSizeCap.toLocaleString('en-US')],
    ['welcome deadline', c.welcomeDeadlineMs === null ? '—' : duration(c.welcomeDeadlineMs)],
    ['per chat', rate(c.limits.perChat)],
    ['per account', rate(c.limits.perAccount)],
    ['mass sends per recipient per month', c.limits.massSendsPerRecipientPerMonth === null ? '—' : String(c.limits.massSendsPerRecipientPerMonth)],
    ['crash-safe resend (idempotent / can list sent)', `${yesNo(c.idempotentSends)} / ${yesNo(c.listSent)}`],
  ];
}

/** A markdown table with one column per adapter. */
export function renderCapabilityMatrix(columns: Record<string, Capabilities>): string {
  const names = Object.keys(columns);
  const rows = names.map((n) => capabilityRows(columns[n]!));
  const lines = [`| capability | ${names.join(' | ')} |`, `| --- | ${names.map(() => '---').join(' | ')} |`];
  rows[0]!.forEach(([label], i) => lines.push(`| ${label} | ${rows.map((r) => r[i]![1]).join(' | ')} |`));
  return lines.join('\n');
}
