import { z } from 'zod';
import { DELIVERY_STATUSES, type WebhookAttempt, type WebhookDelivery, type WebhookEndpoint } from '../../modules/webhooks/entity.ts';
import { EVENT_FILTER } from '../../modules/webhooks/service.ts';
import { uuid } from '../schemas.ts';

export const webhookParams = z.object({ organizationId: uuid, webhookId: uuid });
export const deliveryParams = z.object({ organizationId: uuid, deliveryId: uuid });

const eventTypes = z
  .array(z.string().regex(EVENT_FILTER, 'an event type (domain.verified), a prefix (domain.*) or *'))
  .min(1)
  .max(100)
  .meta({ description: 'Event types of the catalogue (docs/reference/events.md), prefixes like `domain.*`, or `*` for every event.', example: ['domain.*', 'certificate.issued'] });

export const createWebhookBody = z.object({
  url: z.string().min(1).max(2048).meta({ description: 'Where events are POSTed: https, at a public address.', example: 'https://hooks.saas.example/portico' }),
  description: z.string().trim().max(500).optional(),
  eventTypes: eventTypes.default(['*']),
  projectId: uuid.nullable().optional().meta({ description: 'Send only events of this project.' }),
  enabled: z.boolean().optional(),
});

export const updateWebhookBody = z.object({
  url: z.string().min(1).max(2048).optional(),
  description: z.string().trim().max(500).optional(),
  eventTypes: eventTypes.optional(),
  projectId: uuid.nullable().optional(),
  enabled: z.boolean().optional().meta({ description: 'Enabling an endpoint starts its failure streak afresh.' }),
});

export const rotateSecretBody = z
  .object({ overlapHours: z.number().min(0).max(168).default(24).meta({ description: 'How long the old secret keeps signing beside the new one (0: stop at once).' }) })
  .prefault({});

export const replayBody = z.object({
  since: z.iso.datetime({ offset: true }).meta({ description: 'Events that occurred at or after this time (ISO 8601).' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Events that occurred before this time; default now.' }),
  status: z.enum(['failed', 'all']).default('failed').meta({ description: '`failed` (default): only deliveries that gave up; `all`: every finished delivery.' }),
});

export const deliveriesQuery = z.object({
  webhookId: uuid.optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.string().max(120).optional(),
  eventId: uuid.optional(),
  before: uuid.optional().meta({ description: 'The `next` of the previous page.' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const webhookSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    projectId: z.string().nullable(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().meta({ description: '`failures` when Portico disabled the endpoint after a long failure streak.' }),
    disabledAt: z.string().nullable(),
    failingSince: z.string().nullable(),
    consecutiveFailures: z.number(),
    previousSecretExpiresAt: z.string().nullable().meta({ description: 'Until then the secret before the last rotation signs too.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook', description: 'A webhook endpoint. Its signing secret is returned only when created or rotated.' });

export const webhookWithSecretSchema = webhookSchema
  .extend({ secret: z.string().meta({ description: 'The signing secret (`whsec_…`), shown this once. Verify deliveries with any Standard Webhooks library.' }) })
  .meta({ id: 'WebhookWithSecret' });

export const deliverySchema = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string().meta({ description: 'Also the `webhook-id` header of every attempt.' }),
    eventType: z.string(),
    occurredAt: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const attemptSchema = z
  .object({
    attempt: z.number(),
    succeeded: z.boolean(),
    statusCode: z.number().nullable(),
    latencyMs: z.number(),
    responseBody: z.string().nullable().meta({ description: 'The first 4 KB of the answer.' }),
    error: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookAttempt' });

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export const webhookView = (w: WebhookEndpoint) => ({
  id: w.id,
  organizationId: w.organization.id,
  projectId: w.project?.id ?? null,
  url: w.url,
  description: w.description,
  eventTypes: w.eventTypes,
  enabled: w.enabled,
  disabledReason: w.disabledReason ?? null,
  disabledAt: iso(w.disabledAt),
  failingSince: iso(w.failingSince),
  consecutiveFailures: w.consecutiveFailures,
  previousSecretExpiresAt: iso(w.previousSecretExpiresAt),
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
});

export const deliveryView = (d: WebhookDelivery) => ({
  id: d.id,
  webhookId: d.endpoint.id,
  eventId: d.eventId,
  eventType: d.eventType,
  occurredAt: d.occurredAt.toISOString(),
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: iso(d.nextAttemptAt),
  lastAttemptAt: iso(d.lastAttemptAt),
  lastStatusCode: d.lastStatusCode ?? null,
  lastError: d.lastError ?? null,
  deliveredAt: iso(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
});

export const attemptView = (a: WebhookAttempt) => ({
  attempt: a.attempt,
  succeeded: a.succeeded,
  statusCode: a.statusCode ?? null,
  latencyMs: a.latencyMs,
  responseBody: a.responseBody ?? null,
  error: a.error ?? null,
  createdAt: a.createdAt.toISOString(),
});
