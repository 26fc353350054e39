import type { EntityManager } from '@mikro-orm/postgresql';
import type { Domain } from '../domains/entity.ts';
import type { DomainStatus } from '../domains/lifecycle.ts';
import type { EventType } from './catalogue.ts';
import { publishEvent } from './publish.ts';

const FAILED: ReadonlySet<DomainStatus> = new Set(['failed_temporary', 'failed_permanent', 'stalled']);

/** The event a status move of a domain publishes, if any (moves not listed here are internal progress). */
export function domainEventType(from: DomainStatus | null, to: DomainStatus, reason: string): EventType | undefined {
  if (reason === 'created') return 'domain.created';
  if (to === 'archived') return 'domain.deleted';
  if (reason === 'verified') return 'domain.verified';
  if (reason === 'record_restored') return 'domain.restored';
  if (reason === 'records_applied') return 'domain.records_applied';
  if (from === to) return undefined;
  if (FAILED.has(to)) return 'domain.verification_failed';
  if (to === 'drifted') return 'domain.drifted';
  if (to === 'suspended') return 'domain.suspended';
  if (to === 'live') return 'domain.live';
  return undefined;
}

/** Publish the event of a domain's status move in the same unit of work; the domain's customer reference goes with it. */
export function publishDomainMove(em: EntityManager, domain: Domain, from: DomainStatus | null, to: DomainStatus, reason: string, message: string, details: Record<string, unknown>): void {
  const type = domainEventType(from, to, reason);
  if (!type) return;
  const data: Record<string, unknown> = { hostname: domain.hostname, fromStatus: from, status: to, reason, message };
  if (type === 'domain.records_applied' && typeof details.provider === 'string') data.provider = details.provider;
  publishEvent(em, {
    type,
    organizationId: domain.organization.id,
    customerRef: domain.customerRef ?? null,
    subject: { kind: 'domain', id: domain.id },
    data: data as never,
  });
}
