import { describe, expect, it } from 'vitest';
import { nextLocalTime, quietHoursEnd, startOfLocalDay } from './time.js';

const at = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  const shanghai = { start: '22:00', end: '08:00', timeZone: 'Asia/Shanghai' };
  it.each([
    ['23:00 Shanghai is quiet until 08:00 next morning', '2026-01-05T23:00:00+08:00', '2026-01-06T08:00:00+08:00'],
    ['midnight in Shanghai (16:00 UTC) is quiet', '2026-01-06T00:00:00+08:00', '2026-01-06T08:00:00+08:00'],
    ['07:59 is still quiet', '2026-01-06T07:59:00+08:00', '2026-01-06T08:00:00+08:00'],
  ])('%s', (_name, now, end) => {
    expect(quietHoursEnd(at(now), shanghai)).toBe(at(end));
  });
  it('08:00 and daytime are not quiet', () => {
    expect(quietHoursEnd(at('2026-01-06T08:00:00+08:00'), shanghai)).toBeNull();
    expect(quietHoursEnd(at('2026-01-06T21:59:00+08:00'), shanghai)).toBeNull();
  });
  it('a window inside one day (12:00–14:00) works too', () => {
    expect(quietHoursEnd(at('2026-01-06T13:00:00+08:00'), { start: '12:00', end: '14:00', timeZone: 'Asia/Shanghai' })).toBe(at('2026-01-06T14:00:00+08:00'));
  });
  it('start equal to end means no quiet hours', () => {
    expect(quietHoursEnd(at('2026-01-06T13:00:00+08:00'), { start: '12:00', end: '12:00', timeZone: 'Asia/Shanghai' })).toBeNull();
  });
  it('across a DST change the end is the local wall-clock time', () => {
    // Europe/Berlin springs forward on 2026-03-29 02:00 → 03:00.
    expect(quietHoursEnd(at('2026-03-28T23:00:00+01:00'), { start: '22:00', end: '08:00', timeZone: 'Europe/Berlin' })).toBe(at('2026-03-29T08:00:00+02:00'));
  });
});

describe('local day maths', () => {
  it('the local day starts at midnight Shanghai, which is 16:00 UTC the day before', () => {
    expect(startOfLocalDay(at('2026-01-06T01:00:00+08:00'), 'Asia/Shanghai')).toBe(at('2026-01-05T16:00:00Z'));
  });
  it('the next 09:00 is today before nine and tomorrow after', () => {
    expect(nextLocalTime(at('2026-01-06T08:00:00+08:00'), '09:00', 'Asia/Shanghai')).toBe(at('2026-01-06T09:00:00+08:00'));
    expect(nextLocalTime(at('2026-01-06T09:00:00+08:00'), '09:00', 'Asia/Shanghai')).toBe(at('2026-01-07T09:00:00+08:00'));
  });
  it('month ends roll over', () => {
    expect(nextLocalTime(at('2026-01-31T23:00:00+08:00'), '09:00', 'Asia/Shanghai')).toBe(at('2026-02-01T09:00:00+08:00'));
  });
});
