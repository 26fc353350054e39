import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, isFiltered, parseListQuery, toApiQuery, toListQuery } from './list-query';

describe('domain list filters in the URL', () => {
  it('round-trips filters and pages through the query', () => {
    const filters = { q: 'shop', statuses: ['pending' as const, 'stalled' as const], sort: 'hostname' as const };
    const query = toListQuery(filters, 3);
    expect(query).toEqual({ q: 'shop', status: 'pending,stalled', sort: 'hostname', pages: '3' });
    expect(parseListQuery(query as Record<string, string>)).toEqual({ filters, pages: 3 });
  });

  it('leaves defaults out: the plain list is plain /domains', () => {
    expect(toListQuery(DEFAULT_FILTERS, 1)).toEqual({});
    expect(parseListQuery({})).toEqual({ filters: DEFAULT_FILTERS, pages: 1 });
  });

  it('ignores what it does not know instead of failing the page', () => {
    const { filters, pages } = parseListQuery({ q: ['  api  ', 'other'], status: 'stalled,nope,archived,pending,stalled', sort: 'evil', pages: '9999' });
    expect(filters).toEqual({ q: 'api', statuses: ['pending', 'stalled'], sort: '-createdAt' });
    expect(pages).toBe(20);
    expect(parseListQuery({ pages: 'x' }).pages).toBe(1);
    expect(parseListQuery({ pages: '-4' }).pages).toBe(1);
  });

  it('builds the API query of a page', () => {
    expect(toApiQuery({ q: ' a ', statuses: ['live'], sort: 'verifiedAt' }, 'c1')).toEqual({ q: 'a', status: 'live', sort: 'verifiedAt', limit: 50, cursor: 'c1' });
    expect(toApiQuery(DEFAULT_FILTERS)).toEqual({ sort: '-createdAt', limit: 50 });
    expect(isFiltered(DEFAULT_FILTERS)).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTERS, q: ' ' })).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTERS, statuses: ['live'] })).toBe(true);
  });
});
