import { currentLanguage } from '../i18n';

/** A time in the workspace's time zone (schedules and history read in the operator's zone). */
export function formatTime(at: number | null | undefined, timeZone: string | undefined, withDate = true): string {
  if (at === null || at === undefined) return '—';
  const locale = currentLanguage() === 'en' ? 'en-GB' : 'zh-CN';
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: withDate ? 'numeric' : undefined,
    month: withDate ? '2-digit' : undefined,
    day: withDate ? '2-digit' : undefined,
    hour: '2-digit',
    minute: '2-digit',
    second: withDate ? undefined : '2-digit',
    hour12: false,
  }).format(new Date(at));
}
