import type { EntityManager } from '@mikro-orm/postgresql';
import type { Domain } from './entity.ts';
import { DomainEvent } from './event.entity.ts';
import { publishDomainMove } from '../events/domain-events.ts';
import { findTransition, renderMessage, type DomainStatus } from './lifecycle.ts';

/** When each domain's latest event was created in this process: the next one is later, so events read back in order. */
const lastEventAt = new WeakMap<Domain, number>();

/**
 * Move a domain along the transition table and record the event (persisted with the caller's flush). Refuses a
 * move the table does not list: that is a programming error, not a user error. A change of status stamps
 * `statusChangedAt`, from which the deadline sweep (deadlines.ts) counts. A domain that carries the SaaS's customer
 * reference has it in every event's details, so notifications and webhooks can name the customer. Moves that
 * matter outside (verified, failed, drifted, live…) also publish to the event outbox (events/domain-events.ts).
 */
export function transition(em: EntityManager, domain: Domain, to: DomainStatus, reason: string, details: Record<string, unknown> = {}): DomainEvent {
  const from = (domain.status as DomainStatus | undefined) ?? null;
  const rule = findTransition(from, to, reason);
  if (!rule) throw new Error(`Lifecycle table has no transition ${from} → ${to} (${reason})`);
  const message = renderMessage(rule.message, details);
  if (from !== to) domain.statusChangedAt = new Date(); // deadlines count from here; a same-status event does not move them
  domain.status = to;
  domain.statusMessage = message;
  // Two moves in one unit of work (failed_temporary, then stalled) often fall in the same millisecond.
  const at = Math.max(Date.now(), (lastEventAt.get(domain) ?? 0) + 1);
  lastEventAt.set(domain, at);
  const recorded = domain.customerRef ? { ...details, customerRef: domain.customerRef } : details;
  publishDomainMove(em, domain, from, to, reason, message, details); // the outbox event, committed with this move
  return em.create(DomainEvent, { domain, fromStatus: from, toStatus: to, reason, message, details: recorded, createdAt: new Date(at) });
}
