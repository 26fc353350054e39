import { describe, expect, it } from 'vitest';
import { SLUG_PATTERN, suggestSlug } from './slug';

describe('suggestSlug', () => {
  it.each([
    ['Web Shop', 'web-shop'],
    ['  Größe & Café  ', 'grosse-cafe'],
    ['--API v2--', 'api-v2'],
    ['日本', ''],
  ])('%s → %s', (name, slug) => {
    expect(suggestSlug(name)).toBe(slug);
  });

  it('never suggests more than the API accepts', () => {
    const slug = suggestSlug(`${'a'.repeat(63)} b`);
    expect(slug.length).toBeLessThanOrEqual(64);
    expect(SLUG_PATTERN.test(slug)).toBe(true);
  });
});
