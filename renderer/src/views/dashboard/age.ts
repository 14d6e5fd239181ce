// How old a backup is, in the unit people use for it: minutes within the hour, hours within two days, then days.
import type { TFunction } from 'i18next';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function describeAge(seconds: number, t: TFunction<['dashboard']>): string {
  if (seconds < MINUTE) return t('dashboard:age.justNow');
  if (seconds < HOUR) return t('dashboard:age.minutes', { count: Math.floor(seconds / MINUTE) });
  if (seconds < 2 * DAY) return t('dashboard:age.hours', { count: Math.floor(seconds / HOUR) });
  return t('dashboard:age.days', { count: Math.floor(seconds / DAY) });
}
