import { useI18n } from 'vue-i18n';

/**
 * Numbers, dates and relative times in the console's language (Intl). `relative` says "in 3 minutes" /
 * "vor 2 Stunden"; `dateTime` gives date and time; both accept ISO strings, Dates or null (→ the "never" text).
 */
export function useFormat() {
  const { locale, t } = useI18n();
  const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

  function number(value: number, options?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(locale.value, options).format(value);
  }

  function dateTime(value: string | Date | null | undefined, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
    if (!value) return t('common.time.never');
    return new Intl.DateTimeFormat(locale.value, options).format(toDate(value));
  }

  function date(value: string | Date | null | undefined): string {
    return dateTime(value, { dateStyle: 'medium' });
  }

  function relative(value: string | Date | null | undefined, now: Date = new Date()): string {
    if (!value) return t('common.time.never');
    const seconds = Math.round((toDate(value).getTime() - now.getTime()) / 1000);
    const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [['day', 86_400], ['hour', 3_600], ['minute', 60], ['second', 1]];
    const format = new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' });
    for (const [unit, size] of units) if (Math.abs(seconds) >= size || unit === 'second') return format.format(Math.round(seconds / size), unit);
    return format.format(0, 'second');
  }

  return { number, dateTime, date, relative };
}
