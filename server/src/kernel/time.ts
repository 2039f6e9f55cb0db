import { DateTime } from 'luxon';

// Pure schedule maths in a workspace's time zone (luxon does the zone rules).
// Every function takes `now` as an argument (STYLE: time is an argument).

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isHhMm(value: string): boolean {
  return HHMM.test(value);
}

function minutesOf(hhmm: string): number {
  const match = HHMM.exec(hhmm);
  if (!match) throw new RangeError(`not HH:MM: ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

export type QuietHours = { start: string; end: string; timeZone: string };

/**
 * When quiet hours hold at `now`, the first instant after them; otherwise null.
 * A window may wrap midnight (22:00–08:00). start === end means no quiet hours.
 */
export function quietHoursEnd(now: number, quiet: QuietHours): number | null {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = DateTime.fromMillis(now, { zone: quiet.timeZone });
  const minute = local.hour * 60 + local.minute;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  let endAt = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (endAt.toMillis() <= now) endAt = endAt.plus({ days: 1 });
  return endAt.toMillis();
}

/** The start of the local calendar day containing `now`. */
export function startOfLocalDay(now: number, timeZone: string): number {
  return DateTime.fromMillis(now, { zone: timeZone }).startOf('day').toMillis();
}

/** The next local occurrence of HH:MM strictly after `now`. */
export function nextLocalTime(now: number, hhmm: string, timeZone: string): number {
  const minutes = minutesOf(hhmm);
  const local = DateTime.fromMillis(now, { zone: timeZone });
  let at = local.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
  if (at.toMillis() <= now) at = at.plus({ days: 1 });
  return at.toMillis();
}

export function toIso(ms: number, timeZone = 'UTC'): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toISO() ?? String(ms);
}
