import { describe, expect, it } from 'vitest';
import { DOMAIN_STATUSES as SERVER_STATUSES, STATUS_INFO } from '../../../core/server/src/modules/domains/lifecycle';
import en from '@/i18n/en/domains';
import { DOMAIN_STATUSES, STATUS_GROUPS, groupOf, isDomainStatus, statusesOf, toneOf } from './status';

describe('domain statuses', () => {
  it('lists exactly the server lifecycle statuses, in its order', () => {
    expect(DOMAIN_STATUSES).toEqual([...SERVER_STATUSES]);
  });

  it.each(SERVER_STATUSES)('%s has the server tone and English label', (status) => {
    expect(toneOf(status)).toBe(STATUS_INFO[status].tone);
    expect(en.status[status]).toBe(STATUS_INFO[status].label);
  });

  it('puts every status in exactly one filter group', () => {
    const grouped = STATUS_GROUPS.flatMap((g) => statusesOf(g));
    expect([...grouped].sort()).toEqual([...DOMAIN_STATUSES].sort());
    expect(statusesOf('attention')).toContain('stalled');
    expect(statusesOf('healthy')).toEqual(['verified', 'live']);
    expect(statusesOf('inactive')).toEqual(['disabled', 'archived']);
    expect(groupOf('deploying')).toBe('progress');
  });

  it('recognises statuses and nothing else', () => {
    expect(isDomainStatus('live')).toBe(true);
    expect(isDomainStatus('toString')).toBe(false);
    expect(isDomainStatus('nope')).toBe(false);
  });
});
