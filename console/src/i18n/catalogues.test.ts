import { describe, expect, it } from 'vitest';
import de from './de';
import en from './en';

const keys = (value: unknown, prefix = ''): string[] =>
  typeof value === 'object' && value !== null ? Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k)) : [prefix];

describe('catalogues', () => {
  it('German has exactly the keys English has', () => {
    expect(keys(de).sort()).toEqual(keys(en).sort());
  });

  it('no message is empty', () => {
    const empty = (catalogue: unknown) => keys(catalogue).filter((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], catalogue) === '');
    expect(empty(en)).toEqual([]);
    expect(empty(de)).toEqual([]);
  });
});
