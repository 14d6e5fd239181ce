// Dates, sizes, speeds, durations, percentages and lists in the shown language's locale (`en`, `ja-JP`). A
// component takes them from `useFormat()`, which gives new ones when the language changes.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, LOCALES, type AppLanguage, type I18n } from './index.js';

export interface Formatters {
  readonly language: AppLanguage;
  /** A moment as a date and time of day: `Jan 2, 2026, 3:04 PM`, `2026/01/02 15:04`. An unreadable one as it is. */
  dateTime(iso: string): string;
  /** The time of day of a moment, with seconds: log lines. */
  time(iso: string): string;
  /** Sizes in binary units, as hypervisors and disk tools show them: `256 MiB`, `1.5 GiB`. */
  bytes(bytes: number): string;
  /** Bytes per second: `85 MiB/s`. */
  rate(bytesPerSecond: number): string;
  /** A share from 0 to 1 as a whole percentage: `45%`. */
  percent(fraction: number): string;
  /** A duration as people say it: `40 s`, `3 min`, `1 h 20 min` (`40秒`, `1時間20分`). */
  duration(seconds: number): string;
  /** A whole number with the locale's grouping. */
  number(value: number): string;
  /** `a, b and c` (`a、b、c`). */
  list(items: readonly string[]): string;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

export function createFormatters(i18n: I18n, language: AppLanguage = currentLanguage(i18n)): Formatters {
  const locale = LOCALES[language];
  const t = i18n.getFixedT(language, 'common');
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const noDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const listFormat = new Intl.ListFormat(locale, { type: 'conjunction' });

  const moment = (format: Intl.DateTimeFormat) => (iso: string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : format.format(date);
  };
  const bytes = (value: number): string => {
    let scaled = value;
    let unit = 0;
    while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
      scaled /= 1024;
      unit += 1;
    }
    return `${(scaled < 10 && unit > 0 ? oneDecimal : noDecimal).format(scaled)} ${BYTE_UNITS[unit]}`;
  };

  return {
    language,
    dateTime: moment(dateTimeFormat),
    time: moment(timeFormat),
    bytes,
    rate: (bytesPerSecond) => `${bytes(bytesPerSecond)}/s`,
    percent: (fraction) => percentFormat.format(fraction),
    duration: (seconds) => {
      const total = Math.max(0, Math.round(seconds));
      if (total < 60) return t('duration.seconds', { seconds: noDecimal.format(total) });
      const minutes = Math.round(total / 60);
      if (minutes < 60) return t('duration.minutes', { minutes: noDecimal.format(minutes) });
      const hours = noDecimal.format(Math.floor(minutes / 60));
      const rest = minutes % 60;
      return rest === 0 ? t('duration.hours', { hours }) : t('duration.hoursMinutes', { hours, minutes: noDecimal.format(rest) });
    },
    number: (value) => noDecimal.format(value),
    list: (items) => listFormat.format(items),
  };
}

export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  const language = currentLanguage(i18n);
  return useMemo(() => createFormatters(i18n, language), [i18n, language]);
}
