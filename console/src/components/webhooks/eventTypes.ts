import type { PorticoEvent } from '@/api/events';

/** An event type of Portico's catalogue (docs/reference/events.md). */
export type EventType = PorticoEvent['type'];

/**
 * The event catalogue by category, for the endpoint's event filter (checkboxes) and the delivery log's filter.
 * The generated schema types every event's `type` as a plain string, so this list is typed against it and gains
 * an exhaustiveness check once the OpenAPI document lists the types as an enum; each type's label and meaning are
 * in the webhooks catalogue (`webhooks.eventTypes.<category>.<name>`).
 */
export const EVENT_CATEGORIES = {
  domain: ['domain.created', 'domain.verified', 'domain.verification_failed', 'domain.drifted', 'domain.restored', 'domain.suspended', 'domain.live', 'domain.deleted', 'domain.records_applied'],
  certificate: ['certificate.issued', 'certificate.failed', 'certificate.expiring'],
  mapping: ['mapping.created', 'mapping.updated', 'mapping.deleted'],
  member: ['member.invited', 'member.joined', 'member.removed'],
  webhook: ['webhook.endpoint_disabled'],
  usage: ['usage.near_limit', 'usage.limit_reached'],
} as const satisfies Record<string, readonly EventType[]>;

export type EventCategory = keyof typeof EVENT_CATEGORIES;
export const CATEGORY_NAMES = Object.keys(EVENT_CATEGORIES) as EventCategory[];
export const ALL_EVENT_TYPES: readonly string[] = Object.values(EVENT_CATEGORIES).flat();

/** The i18n key of a type's label: `domain.verified` → `webhooks.eventTypes.domain.verified`. */
export const eventTypeKey = (type: string): string => `webhooks.eventTypes.${type}`;

/** Whether an endpoint's filter (types, `domain.*` prefixes or `*`) lets `type` through. */
export function filterMatches(filter: readonly string[], type: string): boolean {
  return filter.some((entry) => entry === '*' || entry === type || (entry.endsWith('.*') && type.startsWith(entry.slice(0, -1))));
}

/**
 * The shortest filter for a set of chosen types: a whole category becomes `<category>.*` (so types added to it
 * later are sent too), everything becomes `*`.
 */
export function compactFilter(chosen: ReadonlySet<string>): string[] {
  if (ALL_EVENT_TYPES.every((type) => chosen.has(type))) return ['*'];
  const out: string[] = [];
  for (const category of CATEGORY_NAMES) {
    const types = EVENT_CATEGORIES[category];
    if (types.every((type) => chosen.has(type))) out.push(`${category}.*`);
    else out.push(...types.filter((type) => chosen.has(type)));
  }
  return out;
}

/** The chosen types a filter stands for (the inverse of `compactFilter`). */
export function expandFilter(filter: readonly string[]): Set<string> {
  return new Set(ALL_EVENT_TYPES.filter((type) => filterMatches(filter, type)));
}
