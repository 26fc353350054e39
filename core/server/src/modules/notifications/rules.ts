import type { EventType } from '../events/catalogue.ts';
import type { EventRecord } from '../events/publish.ts';

/**
 * Which events notify whom, declared once. An event type not listed here notifies nobody. Every rule builds a
 * title, a plain-text body and a relative console link from the event alone (never a secret: only what the
 * recipients may read through the API already).
 *
 * Recipients (`audience`):
 * - `resource`: the organization's owners and admins, plus the project admins and members of the event's project
 *   and of every project the event's domain is assigned to (project_domains). Never anyone of another organization.
 * - `organization`: the organization's owners and admins only (organization-level resources such as webhooks).
 */

export const SEVERITIES = ['info', 'warning', 'danger'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Preference topics: a category covers every event type of its rules; an event type's own preference wins. */
export const CATEGORIES = ['domains', 'certificates', 'webhooks', 'usage'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CHANNELS = ['in-app', 'email', 'digest'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * What a user gets without a preference: every rule in the app; neither email nor digest (turning them on is the
 * user's choice). In-app is the base channel: with it off, the category (or type) is muted on every channel.
 */
export const DEFAULT_CHANNELS: Record<Channel, boolean> = { 'in-app': true, email: false, digest: false };

export interface NotificationRule {
  category: Category;
  audience: 'resource' | 'organization';
  severity(event: EventRecord): Severity;
  title(event: EventRecord): string;
  body(event: EventRecord): string;
  /** A path in the console (relative), or null. */
  link(event: EventRecord): string | null;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const hostname = (event: EventRecord): string => str(event.data.hostname) || 'A domain';
const domainLink = (event: EventRecord): string => `/domains/${event.subject.kind === 'domain' ? event.subject.id : str(event.data.domainId)}`;

function domainRule(severity: Severity | ((event: EventRecord) => Severity), title: (host: string) => string): NotificationRule {
  return {
    category: 'domains',
    audience: 'resource',
    severity: typeof severity === 'function' ? severity : () => severity,
    title: (event) => title(hostname(event)),
    body: (event) => str(event.data.message) || title(hostname(event)),
    link: domainLink,
  };
}

/** How a plan resource reads in a sentence (`mappingsPerProject` → `mappings in one project`). */
const RESOURCE_LABELS: Record<string, string> = {
  domains: 'domains',
  projects: 'projects',
  mappingsPerProject: 'mappings in one project',
  apiKeys: 'API keys',
  members: 'members',
  webhookEndpoints: 'webhook endpoints',
};
const resourceLabel = (event: EventRecord): string => RESOURCE_LABELS[str(event.data.resource)] ?? str(event.data.resource);

function usageRule(title: (label: string) => string, advice: string): NotificationRule {
  return {
    category: 'usage',
    audience: 'organization',
    severity: () => 'warning',
    title: (event) => title(resourceLabel(event)),
    body: (event) => `${Number(event.data.usage)} of ${Number(event.data.limit)} ${resourceLabel(event)} are in use on the ${str(event.data.planId)} plan. ${advice}`,
    link: () => '/usage',
  };
}

/** The scheme and host of a URL: a webhook URL's path or query may hold a token, so it is never repeated. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the endpoint';
  }
}

export const NOTIFICATION_RULES: Partial<Record<EventType, NotificationRule>> = {
  'domain.verified': domainRule('info', (host) => `${host} is verified`),
  'domain.verification_failed': domainRule(
    (event) => (event.data.status === 'failed_temporary' ? 'warning' : 'danger'),
    (host) => `Verification of ${host} failed`,
  ),
  'domain.drifted': domainRule('warning', (host) => `The ownership record of ${host} changed`),
  'domain.suspended': domainRule('danger', (host) => `${host} is suspended`),
  'certificate.failed': {
    category: 'certificates',
    audience: 'resource',
    severity: () => 'warning',
    title: (event) => `Certificate for ${hostname(event)} failed`,
    body: (event) => {
      const next = str(event.data.nextAttemptAt);
      return `Obtaining a certificate for ${hostname(event)} failed: ${str(event.data.error) || 'unknown error'}.${next ? ` Portico tries again at ${next}.` : ''}`;
    },
    link: domainLink,
  },
  'certificate.expiring': {
    category: 'certificates',
    audience: 'resource',
    severity: (event) => (Number(event.data.daysLeft) <= 7 ? 'danger' : 'warning'),
    title: (event) => `Certificate for ${hostname(event)} expires in ${Number(event.data.daysLeft)} days`,
    body: (event) => `The certificate for ${hostname(event)} expires at ${str(event.data.notAfter)} and has not been renewed yet.`,
    link: domainLink,
  },
  'webhook.endpoint_disabled': {
    category: 'webhooks',
    audience: 'organization',
    severity: () => 'danger',
    title: () => 'A webhook endpoint was disabled',
    body: (event) =>
      `Deliveries to ${origin(str(event.data.url))} failed ${Number(event.data.attempts)} times in a row, so the endpoint was disabled. Fix it, then enable it again.`,
    link: (event) => `/webhooks/${event.subject.id}`,
  },
  'usage.near_limit': usageRule((label) => `Near the limit of ${label}`, 'Remove some you no longer need or change the plan before the limit is reached.'),
  'usage.limit_reached': usageRule((label) => `Limit of ${label} reached`, 'No more can be added until some are removed or the plan changes.'),
};

/** The rule of an event type, if it notifies anyone. */
export function ruleOf(type: string): NotificationRule | undefined {
  return Object.hasOwn(NOTIFICATION_RULES, type) ? NOTIFICATION_RULES[type as EventType] : undefined;
}

/** Valid preference topics: a category or an event type that has a rule. */
export const TOPICS: string[] = [...CATEGORIES, ...Object.keys(NOTIFICATION_RULES)];
