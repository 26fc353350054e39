import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';

/**
 * Where an organization wants its events POSTed. `secretSealed` is the signing secret (`whsec_…`) sealed with
 * the secret box, bound to `webhook:<organizationId>:<id>`; after a rotation the previous secret keeps signing
 * too until `previousSecretExpiresAt`, so receivers can switch without losing a message. The failure streak
 * (`failingSince`, `consecutiveFailures`) counts failed attempts since the last success; a long one disables
 * the endpoint.
 */
export const WebhookEndpointSchema = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoints',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** Set: only events of this project are sent. */
    project: () => p.manyToOne(Project).deleteRule('cascade').nullable(),
    url: p.string().length(2048),
    description: p.string().length(500).default(''),
    /** Catalogue types (`domain.verified`), prefixes (`domain.*`) or `*`. */
    eventTypes: p.array(),
    enabled: p.boolean().default(true),
    secretSealed: p.text().hidden().lazy(),
    previousSecretSealed: p.text().hidden().lazy().nullable(),
    previousSecretExpiresAt: p.datetime().nullable(),
    failingSince: p.datetime().nullable(),
    consecutiveFailures: p.integer().default(0),
    /** Why the endpoint stopped (`failures`), when Portico disabled it; null when a person did or it is enabled. */
    disabledReason: p.string().length(64).nullable(),
    disabledAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['organization', 'createdAt'] }],
});
export class WebhookEndpoint extends WebhookEndpointSchema.class {}
WebhookEndpointSchema.setClass(WebhookEndpoint);

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event for one endpoint. At most one row per (endpoint, event): fan-out runs again without sending twice,
 * and retries and replays reuse the row, so the receiver sees the same `webhook-id` every time. `payload` is
 * the body as sent (kept so a replay sends the same bytes' content even after the event is gone from the
 * outbox). The row decides whether an attempt runs, not the queue: a job runs only while the delivery is
 * pending, due, and not claimed by another worker (`claimedUntil`).
 */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    ...baseColumns,
    endpoint: () => p.manyToOne(WebhookEndpoint).deleteRule('cascade'),
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** The event's id; also the `webhook-id` header. */
    eventId: p.uuid(),
    eventType: p.string().length(120),
    occurredAt: p.datetime(),
    payload: p.json<Record<string, unknown>>(),
    status: p.enum(DELIVERY_STATUSES).default('pending'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    claimedUntil: p.datetime().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
    deliveredAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'webhook_deliveries_endpoint_event_unique', properties: ['endpoint', 'eventId'] }],
  indexes: [{ properties: ['organization', 'createdAt'] }, { properties: ['status', 'nextAttemptAt'] }],
});
export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);

/** One POST of a delivery: what came back (response body cut to 4 KB) or why nothing did. */
export const WebhookAttemptSchema = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempts',
  properties: {
    ...baseColumns,
    delivery: () => p.manyToOne(WebhookDelivery).deleteRule('cascade'),
    attempt: p.integer(),
    succeeded: p.boolean(),
    statusCode: p.integer().nullable(),
    latencyMs: p.integer(),
    responseBody: p.text().nullable(),
    /** No answer: `ETIMEDOUT`, `ECONNREFUSED`, `refused:<reason>` for an address Portico will not call, … with a message. */
    error: p.text().nullable(),
  },
  indexes: [{ properties: ['delivery', 'attempt'] }],
});
export class WebhookAttempt extends WebhookAttemptSchema.class {}
WebhookAttemptSchema.setClass(WebhookAttempt);
