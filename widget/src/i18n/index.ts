import { de } from './de.ts';
import { en, type MessageKey } from './en.ts';

export type { MessageKey };
export type Locale = 'en' | 'de';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, de };

/** The locale asked for when it is one we have, else the browser's language, else English. */
export function resolveLocale(asked: string | undefined | null, browser: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]): Locale {
  for (const candidate of [asked, ...browser]) {
    const base = candidate?.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'de') return base;
  }
  return 'en';
}

/** `t(key, params)` over one catalogue: `{name}` placeholders are replaced, unknown ones left as they are. */
export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, params) => {
    const text = catalogue[key] ?? en[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : text;
  };
}
