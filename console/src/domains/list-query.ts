/**
 * The domain list's filters as they live in the URL (`/domains?q=shop&status=pending,stalled&sort=hostname&pages=2`),
 * so a reload or the back button shows the same list. Unknown or malformed values fall back to the defaults instead
 * of failing the page.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import type { DomainListQuery } from '@/api/domains';
import { DOMAIN_STATUSES, isDomainStatus, type DomainStatus } from './status';

export const DOMAIN_SORTS = ['hostname', '-hostname', 'createdAt', '-createdAt', 'verifiedAt', '-verifiedAt'] as const satisfies ReadonlyArray<NonNullable<DomainListQuery['sort']>>;
export type DomainSort = (typeof DOMAIN_SORTS)[number];
export const DEFAULT_SORT: DomainSort = '-createdAt';
/** Rows per page (the server's keyset pages). */
export const PAGE_SIZE = 50;
/** Pages a URL may ask to show again after a reload (Load more was pressed that often). */
export const MAX_PAGES = 20;

export interface DomainFilters {
  q: string;
  statuses: DomainStatus[];
  sort: DomainSort;
}

export const DEFAULT_FILTERS: DomainFilters = { q: '', statuses: [], sort: DEFAULT_SORT };

const first = (value: LocationQuery[string] | undefined): string | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
};

/** The filters and number of pages a URL's query names. */
export function parseListQuery(query: LocationQuery): { filters: DomainFilters; pages: number } {
  const q = (first(query.q) ?? '').trim().slice(0, 253);
  const wanted = new Set((first(query.status) ?? '').split(',').map((s) => s.trim()).filter(isDomainStatus));
  // Lifecycle order, each once, whatever the URL's order.
  const statuses = DOMAIN_STATUSES.filter((s) => wanted.has(s) && s !== 'archived');
  const sortParam = first(query.sort);
  const sort = (DOMAIN_SORTS as readonly string[]).includes(sortParam ?? '') ? (sortParam as DomainSort) : DEFAULT_SORT;
  const pagesParam = Number.parseInt(first(query.pages) ?? '1', 10);
  const pages = Number.isFinite(pagesParam) ? Math.min(Math.max(pagesParam, 1), MAX_PAGES) : 1;
  return { filters: { q, statuses, sort }, pages };
}

/** The URL query for filters and pages: defaults are left out, so the plain list is plain `/domains`. */
export function toListQuery(filters: DomainFilters, pages = 1): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.statuses.length) query.status = filters.statuses.join(',');
  if (filters.sort !== DEFAULT_SORT) query.sort = filters.sort;
  if (pages > 1) query.pages = String(pages);
  return query;
}

/** The API query of one page. */
export function toApiQuery(filters: DomainFilters, cursor?: string | null): DomainListQuery {
  const query: DomainListQuery = { sort: filters.sort, limit: PAGE_SIZE };
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.statuses.length) query.status = filters.statuses.join(',');
  if (cursor) query.cursor = cursor;
  return query;
}

/** Whether any filter narrows the list (an empty answer then means "no match", not "no domains"). */
export const isFiltered = (filters: DomainFilters): boolean => filters.q.trim() !== '' || filters.statuses.length > 0;

export const sameFilters = (a: DomainFilters, b: DomainFilters): boolean => a.q.trim() === b.q.trim() && a.sort === b.sort && a.statuses.join(',') === b.statuses.join(',');
