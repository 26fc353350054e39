import { describe, expect, it } from 'vitest';
import { de } from './de.ts';
import { en } from './en.ts';
import { resolveLocale, translator } from './index.ts';

describe('catalogues', () => {
  it('has every key in both languages, with the same placeholders', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(de[key]), key).toEqual(placeholders(en[key]));
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    const t = translator('en');
    expect(t('detect.high', { provider: 'Cloudflare' })).toBe('Your DNS is hosted at Cloudflare.');
    expect(t('detect.high')).toBe('Your DNS is hosted at {provider}.');
    expect(translator('de')('enter.continue')).toBe('Weiter');
  });

  it('picks the asked locale, else the browser’s, else English', () => {
    expect(resolveLocale('de', ['en-US'])).toBe('de');
    expect(resolveLocale(undefined, ['fr-FR', 'de-AT'])).toBe('de');
    expect(resolveLocale('fr', ['fr-FR'])).toBe('en');
  });
});
