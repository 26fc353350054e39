import { QueryOrder, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { AppError } from '../../errors/app-error.ts';
import type { Access } from '../organizations/access.ts';
import { ProjectDomain } from '../projects/project-domain.entity.ts';
import { Domain } from './entity.ts';
import type { DomainStatus } from './lifecycle.ts';

export const DOMAIN_SORTS = ['hostname', '-hostname', 'createdAt', '-createdAt', 'verifiedAt', '-verifiedAt'] as const;
export type DomainSort = (typeof DOMAIN_SORTS)[number];

export interface DomainListQuery {
  /** Case-insensitive substring of the hostname. */
  q?: string;
  status?: DomainStatus[];
  sort: DomainSort;
  limit: number;
  /** Opaque keyset cursor from the previous page's `nextCursor`. */
  cursor?: string;
}

type Key = 'hostname' | 'createdAt' | 'verifiedAt';
type CursorValue = string | null;

const encode = (value: CursorValue, id: string): string => Buffer.from(JSON.stringify([value, id])).toString('base64url');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The (sort value, id) a cursor carries, checked against the sort it is used with: a cursor that was tampered
 * with, or that came from another sort, is a client error (a bad uuid or date would otherwise reach SQL).
 */
function decode(cursor: string, key: Key): [string | Date | null, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && UUID.test(parsed[1])) {
    const [value, id] = parsed as [unknown, string];
    if (key === 'hostname' && typeof value === 'string') return [value, id];
    if (key !== 'hostname' && typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return [new Date(value), id];
    if (key === 'verifiedAt' && value === null) return [null, id];
  }
  throw new AppError('VALIDATION_FAILED', 'Invalid cursor: use the nextCursor of the previous page, with the same sort.', { issues: [{ in: 'query', path: 'cursor', message: 'invalid cursor' }] });
}

/**
 * Keyset pagination: a page starts strictly after the (sort value, id) of the previous page's last row, so
 * pages stay stable while domains are added. Null `verifiedAt` values sort last in both directions.
 */
export async function listDomains(em: EntityManager, access: Access, query: DomainListQuery) {
  const desc = query.sort.startsWith('-');
  const key = query.sort.replace('-', '') as Key;
  const where: FilterQuery<Domain>[] = [{ organization: access.organizationId, status: { $ne: 'archived' } }];
  if (query.status?.length) where.push({ status: { $in: query.status } });
  if (query.q) where.push({ hostname: { $ilike: `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` } });
  if (access.projectIds !== null) {
    const rows = await em.find(ProjectDomain, { project: { $in: access.projectIds } }, { fields: ['domain'] });
    where.push({ id: { $in: rows.map((r) => r.domain.id) } });
  }
  const base: FilterQuery<Domain> = { $and: [...where] };
  if (query.cursor) {
    const [value, id] = decode(query.cursor, key);
    const cmp = desc ? '$lt' : '$gt';
    where.push(
      value === null
        ? { [key]: null, id: { [cmp]: id } }
        : { $or: [{ [key]: { [cmp]: value } }, { [key]: value, id: { [cmp]: id } }, ...(key === 'verifiedAt' ? [{ verifiedAt: null }] : [])] },
    );
  }
  // Only verifiedAt can be null. The other keys sort plainly, so the (organization, createdAt) index and the unique
  // (organization, hostname) index give a page without sorting every domain of the organization.
  const direction = key === 'verifiedAt' ? (desc ? QueryOrder.DESC_NULLS_LAST : QueryOrder.ASC_NULLS_LAST) : desc ? QueryOrder.DESC : QueryOrder.ASC;
  const domains = await em.find(Domain, { $and: where }, { orderBy: [{ [key]: direction }, { id: desc ? 'desc' : 'asc' }], limit: query.limit + 1 });
  const counted = await countUpTo(em, base, LIST_TOTAL_CAP);
  const more = domains.length > query.limit;
  const page = more ? domains.slice(0, query.limit) : domains;
  const last = page.at(-1);
  const lastValue = (d: Domain): CursorValue => (key === 'hostname' ? d.hostname : (d[key]?.toISOString() ?? null));
  return {
    domains: page,
    total: Math.min(counted, LIST_TOTAL_CAP),
    totalIsExact: counted <= LIST_TOTAL_CAP,
    nextCursor: more && last ? encode(lastValue(last), last.id) : null,
  };
}

/**
 * The list's total is exact up to this many domains; past it the list says "at least this many" (`totalIsExact`
 * false). An exact count reads every matching row, which costs more than the page itself for a large organization.
 */
export const LIST_TOTAL_CAP = 10_000;

/** How many domains match `where`, counting no further than `cap + 1`. */
async function countUpTo(em: EntityManager, where: FilterQuery<Domain>, cap: number): Promise<number> {
  const ids = em.createQueryBuilder(Domain, 'd').select('d.id').where(where as QBFilterQuery<Domain, 'd'>).limit(cap + 1);
  const [row] = await em.getConnection().execute<Array<{ n: number }>>(`select count(*)::int as n from (${ids.getFormattedQuery()}) matching`);
  return row?.n ?? 0;
}

/**
 * How many distinct services each domain of a page serves (mappings on the domain), in one grouped query; a caller
 * bound to some projects counts only their services.
 */
export async function serviceCountsOf(em: EntityManager, domainIds: string[], projectIds: string[] | null): Promise<Map<string, number>> {
  const counts = new Map<string, number>(domainIds.map((id) => [id, 0]));
  if (domainIds.length === 0 || (projectIds !== null && projectIds.length === 0)) return counts;
  const rows: Array<{ domain_id: string; services: string | number }> = await em.getConnection().execute(
    `select domain_id, count(distinct service_id) as services from service_domain_mappings
      where domain_id in (?)${projectIds === null ? '' : ' and project_id in (?)'} group by domain_id`,
    projectIds === null ? [domainIds] : [domainIds, projectIds],
  );
  for (const row of rows) counts.set(row.domain_id, Number(row.services));
  return counts;
}
