import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import { Domain } from './entity.ts';
import { CLAIM_HELD, findTransition, type DomainStatus } from './lifecycle.ts';
import { transition } from './transition.ts';
import { publishMappingsDeleted } from '../events/mapping-events.ts';

/**
 * Hostname claims across organizations (docs/reference/claims.md).
 *
 * - Any number of organizations may claim one hostname, each claim with its own token; an organization has at
 *   most one active claim per hostname. Unproven claims never block anyone.
 * - A claim *holds* the hostname while its status is in `CLAIM_HELD`; at most one claim does (the partial unique
 *   index `domains_claimed_hostname_unique`). The organization that proves control last holds it: when a claim is
 *   verified while another organization's claim holds the hostname, that one is `taken_over` (its mappings
 *   removed, its organization told without naming the new holder). Other pending claims stay pending.
 * - Routes follow the most specific held claim: verifying `parent.test` covers `shop.parent.test` only while no
 *   other organization holds `shop.parent.test` by its own verification. Winning a claim removes other
 *   organizations' routes at and below the hostname that came from a parent's verification.
 *
 * Every change of who holds a hostname, and every mapping write, takes a transaction-scoped advisory lock per
 * hostname concerned (always in the same order), so a verification and a mapping, or two verifications, never
 * interleave.
 */

/** Take the claim locks of `hostnames` until the transaction ends (sorted, so two lockers never deadlock). */
export async function lockHostnames(em: EntityManager, hostnames: Iterable<string>): Promise<void> {
  for (const hostname of [...new Set(hostnames)].sort()) {
    await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`portico.claim:${hostname}`]);
  }
}

/**
 * The hostnames whose claim may give routes on `host`: the host itself and each parent above it, most specific
 * first (`a.shop.example.com` → itself, `shop.example.com`, `example.com`). A wildcard host counts from its base.
 * The last label alone is never a claim and is left out.
 */
export function coveringHostnames(host: string): string[] {
  const labels = (host.startsWith('*.') ? host.slice(2) : host).split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

/** The held claim that decides who may route `host`: the most specific one on the host or a parent of it. */
export async function routingClaim(em: EntityManager, host: string): Promise<Domain | null> {
  const held = await em.find(Domain, { hostname: { $in: coveringHostnames(host) }, status: { $in: [...CLAIM_HELD] } });
  return held.reduce<Domain | null>((best, d) => (!best || d.hostname.length > best.hostname.length ? d : best), null);
}

/**
 * Win the hostname for `domain`, which has just proven control and is about to become `verified`. Call inside the
 * transaction that holds the domain's row lock, before its transition; the changes to other claims and routes
 * are flushed here, so the unique index never sees two holders. The call site is verification.ts (`settleAttempt`,
 * the `verified` outcome); any other path that makes a claim hold its hostname must call it too.
 */
export async function winClaim(em: EntityManager, domain: Domain): Promise<void> {
  await lockHostnames(em, [domain.hostname]);
  // Under the lock, one round trip tells whether there is anything to take over; most verifications find nothing.
  const [found] = await em.execute<Array<{ holder: boolean; parent_routes: boolean }>>(
    `select exists (select 1 from domains where hostname = ? and status in (${[...CLAIM_HELD].map(() => '?').join(', ')}) and id <> ?) as holder,
            exists (${PARENT_ROUTES}) as parent_routes`,
    [domain.hostname, ...CLAIM_HELD, domain.id, ...parentRoutesParams(domain)],
  );
  const holder = found?.holder
    ? await em.findOne(Domain, { hostname: domain.hostname, status: { $in: [...CLAIM_HELD] }, id: { $ne: domain.id } }, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  if (holder) {
    // Its mappings go with it: the new holder routes the hostname, and the unique (host, base path) index is global.
    await publishMappingsDeleted(em, { domain: holder.id });
    await em.nativeDelete(ServiceDomainMapping, { domain: holder.id });
    holder.nextCheckAt = null;
    holder.consecutiveMisses = 0;
    transition(em, holder, 'taken_over', 'taken_over', { hostname: holder.hostname });
  }
  if (found?.parent_routes) await releaseParentRoutes(em, domain);
  await em.flush();
}

/** Other organizations' mappings at and below a hostname that a parent's verification carries (params: `parentRoutesParams`). */
const PARENT_ROUTES = `select m.id from service_domain_mappings m join domains d on d.id = m.domain_id
  where m.organization_id <> ?
    and (m.host = ? or right(m.host, ?) = ?)
    and right(?, char_length(d.hostname) + 1) = '.' || d.hostname`;
const parentRoutesParams = (domain: Domain) => [domain.organization.id, domain.hostname, domain.hostname.length + 1, `.${domain.hostname}`, domain.hostname];

/**
 * Remove other organizations' mappings at and below `domain.hostname` that a parent's verification carried
 * (`shop.parent.test` routed through `parent.test`), and tell each parent domain which hosts it lost.
 */
async function releaseParentRoutes(em: EntityManager, domain: Domain): Promise<void> {
  const hostname = domain.hostname;
  const matched: Array<{ id: string }> = await em.execute(`${PARENT_ROUTES} for update of m`, parentRoutesParams(domain));
  if (matched.length === 0) return;
  const ids = matched.map((row) => row.id);
  const removed = await publishMappingsDeleted(em, { id: { $in: ids } });
  await em.nativeDelete(ServiceDomainMapping, { id: { $in: ids } });
  const hostsByDomain = new Map<string, Set<string>>();
  for (const m of removed) (hostsByDomain.get(m.domain.id) ?? hostsByDomain.set(m.domain.id, new Set()).get(m.domain.id)!).add(m.host);
  if (hostsByDomain.size === 0) return;
  for (const parent of await em.find(Domain, { id: { $in: [...hostsByDomain.keys()] } })) {
    const status = parent.status as DomainStatus;
    if (!findTransition(status, status, 'routes_claimed_separately')) continue;
    transition(em, parent, status, 'routes_claimed_separately', { hostname, hosts: [...hostsByDomain.get(parent.id)!].sort().join(', ') });
  }
}
