import { z } from 'zod';

/**
 * The event catalogue: every event type Portico publishes, declared once, with what it means and the shape of its
 * `data`. `publishEvent` refuses a type that is not here and data that does not match its schema (a programming
 * error); docs/reference/events.md is generated from this table and a test keeps the two in step.
 *
 * Every event also carries `id`, `type`, `occurredAt`, `organizationId`, `projectId` (null when the subject is not
 * bound to one project), `customerRef` (the SaaS's reference for its customer, when the subject has one) and
 * `subject` (`{ kind, id }`, the resource the event is about). `data` holds only what is particular to the type.
 * A type's data may gain optional fields; a field is never removed or renamed.
 *
 * Example: `defineEvent({ description: 'Ownership was proven.', subject: 'domain', data: z.object({ hostname: z.string() }) })`.
 */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  description: string;
  /** The kind of resource in `subject` (`domain`, `certificate`, `mapping`, `membership`, `webhook_endpoint`). */
  subject: string;
  data: S;
}

function defineEvent<S extends z.ZodType>(definition: EventDefinition<S>): EventDefinition<S> {
  return definition;
}

const hostname = z.string().describe('The domain’s hostname (A-label, lower case).');
/** The status move a domain event stems from (docs/reference/lifecycle.md). */
const domainMove = {
  hostname,
  fromStatus: z.string().nullable().describe('Status before the change.'),
  status: z.string().describe('Status after the change.'),
  reason: z.string().describe('Machine-readable cause of the change (lifecycle.md).'),
  message: z.string().describe('What the user is told, with what to do next.'),
};
const mapping = {
  host: z.string().describe('The hostname the mapping routes.'),
  basePath: z.string().describe('The path prefix it routes (`/` for all).'),
  serviceId: z.string().describe('The service the requests go to.'),
  domainId: z.string().describe('The domain the host belongs to.'),
};
const usage = {
  resource: z.string().describe('The limited resource (`domains`, `projects`, `mappingsPerProject`, `apiKeys`, `members`, `webhookEndpoints`).'),
  usage: z.number().describe('How many there are once the creation that crossed the threshold commits.'),
  limit: z.number().describe('The limit in force: the plan’s, or the organization’s own setting when that is lower.'),
  planId: z.string().describe('The organization’s plan.'),
  projectId: z.string().optional().describe('The project, for a per-project limit (`mappingsPerProject`).'),
};
const member = {
  email: z.string().optional().describe('The invited or joined address (omitted when unknown).'),
  userId: z.string().nullable().optional().describe('The user, once there is one.'),
  role: z.string().describe('The role given (owner, admin, project_admin, project_member).'),
};

export const EVENT_CATALOGUE = {
  'domain.created': defineEvent({ description: 'A domain was added to an organization (status pending).', subject: 'domain', data: z.object(domainMove) }),
  'domain.verified': defineEvent({ description: 'Ownership of the domain was proven by its verification record.', subject: 'domain', data: z.object(domainMove) }),
  'domain.verification_failed': defineEvent({
    description: 'A verification check did not prove ownership: the record is missing or wrong, the check could not run, or automatic retries ran out. `status` says whether it is retried (failed_temporary) or needs the user (failed_permanent, stalled).',
    subject: 'domain',
    data: z.object(domainMove),
  }),
  'domain.drifted': defineEvent({ description: 'The record that proved ownership was removed or changed; the domain keeps serving through its grace period.', subject: 'domain', data: z.object(domainMove) }),
  'domain.restored': defineEvent({ description: 'The ownership record of a drifted or suspended domain is back; the domain is verified again.', subject: 'domain', data: z.object(domainMove) }),
  'domain.suspended': defineEvent({ description: 'Drift lasted past the grace period: the domain’s routes are removed until the record is back.', subject: 'domain', data: z.object(domainMove) }),
  'domain.live': defineEvent({ description: 'The domain answers HTTPS through the edge with a valid certificate.', subject: 'domain', data: z.object(domainMove) }),
  'domain.deleted': defineEvent({ description: 'The domain was deleted (archived); its hostname can be claimed again.', subject: 'domain', data: z.object(domainMove) }),
  'domain.records_applied': defineEvent({
    description: 'Automatic DNS setup wrote the domain’s records at its DNS provider; Portico now waits until the authoritative servers show them.',
    subject: 'domain',
    data: z.object({ ...domainMove, provider: z.string().optional().describe('The DNS provider the records were written to.') }),
  }),
  'certificate.issued': defineEvent({
    description: 'A certificate for one hostname was obtained (or renewed).',
    subject: 'certificate',
    data: z.object({ hostname: z.string(), domainId: z.string(), notAfter: z.string().nullable().describe('Expiry (ISO 8601).'), issuer: z.string().nullable().optional() }),
  }),
  'certificate.failed': defineEvent({
    description: 'Obtaining a certificate for one hostname failed; it is retried later (`nextAttemptAt`).',
    subject: 'certificate',
    data: z.object({ hostname: z.string(), domainId: z.string(), error: z.string().describe('Why it failed, as the CA or the challenge reported it.'), nextAttemptAt: z.string().nullable().optional() }),
  }),
  'certificate.expiring': defineEvent({
    description: 'A certificate in use expires soon and has not been renewed yet.',
    subject: 'certificate',
    data: z.object({ hostname: z.string(), domainId: z.string(), notAfter: z.string(), daysLeft: z.number() }),
  }),
  'mapping.created': defineEvent({ description: 'A mapping now routes a host and base path to a service.', subject: 'mapping', data: z.object(mapping) }),
  'mapping.updated': defineEvent({ description: 'A mapping was changed (its service, path or options).', subject: 'mapping', data: z.object(mapping) }),
  'mapping.deleted': defineEvent({ description: 'A mapping was removed; its host and base path no longer route.', subject: 'mapping', data: z.object(mapping) }),
  'member.invited': defineEvent({ description: 'Someone was invited to the organization (or one of its projects).', subject: 'invitation', data: z.object(member) }),
  'member.joined': defineEvent({ description: 'A user joined the organization (or one of its projects).', subject: 'membership', data: z.object(member) }),
  'member.removed': defineEvent({ description: 'A member left or was removed from the organization (or one of its projects).', subject: 'membership', data: z.object(member) }),
  'webhook.endpoint_disabled': defineEvent({
    description: 'A webhook endpoint was disabled after failing for too long; its owners were told.',
    subject: 'webhook_endpoint',
    data: z.object({ url: z.string().describe('The endpoint’s URL.'), failingSince: z.string().nullable().describe('First failure of the streak (ISO 8601).'), attempts: z.number().describe('Failed attempts in a row.') }),
  }),
  'usage.near_limit': defineEvent({
    description: 'A creation brought usage of a limited resource to 80 % of the limit or more. Published once per crossing: again only after usage has gone back under 80 % and crossed once more.',
    subject: 'organization',
    data: z.object(usage),
  }),
  'usage.limit_reached': defineEvent({
    description: 'A creation brought usage of a limited resource to the limit: nothing more of it fits until some is removed or the plan changes. Published once per crossing, like `usage.near_limit` (a creation that crosses both publishes both).',
    subject: 'organization',
    data: z.object(usage),
  }),
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];
export type EventData<T extends EventType> = z.input<(typeof EVENT_CATALOGUE)[T]['data']>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}
