import type { EntityManager } from '@mikro-orm/postgresql';
import type { Domain } from './entity.ts';
import { DomainEvent } from './event.entity.ts';
import { findTransition, renderMessage, type DomainStatus } from './lifecycle.ts';

/**
 * Move a domain along the transition table and record the event (persisted with the caller's flush). Refuses a
 * move the table does not list: that is a programming error, not a user error.
 */
export function transition(em: EntityManager, domain: Domain, to: DomainStatus, reason: string, details: Record<string, unknown> = {}): DomainEvent {
  const from = (domain.status as DomainStatus | undefined) ?? null;
  const rule = findTransition(from, to, reason);
  if (!rule) throw new Error(`Lifecycle table has no transition ${from} → ${to} (${reason})`);
  const message = renderMessage(rule.message, details);
  domain.status = to;
  domain.statusMessage = message;
  return em.create(DomainEvent, { domain, fromStatus: from, toStatus: to, reason, message, details });
}
