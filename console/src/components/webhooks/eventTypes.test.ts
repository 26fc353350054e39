import { describe, expect, it } from 'vitest';
import { ALL_EVENT_TYPES, EVENT_CATEGORIES, compactFilter, expandFilter, filterMatches } from './eventTypes';
import en from '@/i18n/en/webhooks';
// The server's catalogue, the source of truth the console's list must follow (the OpenAPI document has no enum of it).
import { EVENT_TYPES } from '../../../../core/server/src/modules/events/catalogue';

describe('event filter', () => {
  it('matches exact types, category prefixes and everything', () => {
    expect(filterMatches(['domain.*'], 'domain.live')).toBe(true);
    expect(filterMatches(['domain.*'], 'certificate.issued')).toBe(false);
    expect(filterMatches(['certificate.issued'], 'certificate.issued')).toBe(true);
    expect(filterMatches(['*'], 'usage.near_limit')).toBe(true);
  });

  it('compacts whole categories to prefixes, everything to *, and expands back', () => {
    const chosen = new Set<string>([...EVENT_CATEGORIES.domain, 'certificate.failed']);
    expect(compactFilter(chosen)).toEqual(['domain.*', 'certificate.failed']);
    expect(expandFilter(['domain.*', 'certificate.failed'])).toEqual(chosen);
    expect(compactFilter(new Set(ALL_EVENT_TYPES))).toEqual(['*']);
  });

  it('lists exactly the server catalogue’s types', () => {
    expect([...ALL_EVENT_TYPES].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('has a label for every type in the catalogue', () => {
    const labels = en.eventTypes as Record<string, Record<string, string>>;
    for (const type of ALL_EVENT_TYPES) {
      const [category, name] = type.split('.') as [string, string];
      expect(labels[category]?.[name], type).toBeTruthy();
    }
  });
});
