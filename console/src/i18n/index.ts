/**
 * The console's languages: English and German catalogues (one file per area under en/ and de/), vue-i18n in
 * composition mode. The language is the user's choice (kept per browser), else the browser's, else English.
 * Numbers and dates are formatted for the same locale (composables/useFormat).
 */
import { createI18n } from 'vue-i18n';
import de from './de';
import en from './en';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every catalogue has: English's keys, any text. */
export type Messages = Widen<typeof en>;

const german: Messages = de;

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };
const LOCALE_KEY = 'portico.locale';

export function initialLocale(): Locale {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(LOCALE_KEY);
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  const browser = typeof navigator === 'undefined' ? 'en' : navigator.language.slice(0, 2);
  return (LOCALES as readonly string[]).includes(browser) ? (browser as Locale) : 'en';
}

export function createConsoleI18n(locale: Locale = initialLocale()) {
  return createI18n<[Messages], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, de: german },
    missingWarn: false,
    fallbackWarn: false,
  });
}

export type ConsoleI18n = ReturnType<typeof createConsoleI18n>;

/** Switches the language of the running console and remembers it. */
export function setLocale(i18n: ConsoleI18n, locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
}
