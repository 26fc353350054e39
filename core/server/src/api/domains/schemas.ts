import { z } from 'zod';
import { DOMAIN_STATUSES } from '../../modules/domains/lifecycle.ts';
import type { Domain } from '../../modules/domains/entity.ts';
import type { DomainEvent } from '../../modules/domains/event.entity.ts';

export const recordSchema = z
  .object({ name: z.string(), type: z.enum(['A', 'AAAA', 'CNAME', 'TXT']), value: z.string() })
  .meta({ id: 'ExpectedRecord', description: 'A DNS record to publish.' });

export const domainSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    projectId: z.string().nullable(),
    hostname: z.string(),
    status: z.enum(DOMAIN_STATUSES),
    statusMessage: z.string().nullable(),
    method: z.string(),
    instructions: z.array(recordSchema),
    verifiedAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Domain' });

export const createDomainBody = z.object({
  hostname: z.string().min(1).max(300).meta({ example: 'shop.customer.com' }),
  projectId: z.uuid().nullable().optional(),
  method: z.string().regex(/^[a-z0-9-]{1,64}$/).optional().meta({ description: 'Verification method; defaults to dns-txt.' }),
});

export const eventSchema = z
  .object({
    id: z.string(),
    fromStatus: z.enum(DOMAIN_STATUSES).nullable(),
    toStatus: z.enum(DOMAIN_STATUSES),
    reason: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'DomainEvent' });

export const domainView = (d: Domain, instructions: z.input<typeof recordSchema>[]) => ({
  id: d.id,
  organizationId: d.organization.id,
  projectId: d.project?.id ?? null,
  hostname: d.hostname,
  status: d.status,
  statusMessage: d.statusMessage ?? null,
  method: d.method,
  instructions,
  verifiedAt: d.verifiedAt?.toISOString() ?? null,
  lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export const eventView = (e: DomainEvent) => ({
  id: e.id,
  fromStatus: e.fromStatus ?? null,
  toStatus: e.toStatus,
  reason: e.reason,
  message: e.message,
  details: e.details ?? null,
  createdAt: e.createdAt.toISOString(),
});
