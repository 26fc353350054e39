import { z } from 'zod';
import type { ExpectedRecord, Kernel } from '@portico/kernel';
import { DOMAIN_SORTS } from '../../modules/domains/list-query.ts';
import { DOMAIN_STATUSES, STATUS_INFO } from '../../modules/domains/lifecycle.ts';
import type { Domain } from '../../modules/domains/entity.ts';
import type { DomainEvent } from '../../modules/domains/event.entity.ts';

/** The SaaS's opaque reference for its customer. */
export const customerRef = z.string().min(1).max(200);

export const recordSchema = z
  .object({ name: z.string(), type: z.enum(['A', 'AAAA', 'CNAME', 'TXT', 'HTTP']), value: z.string() })
  .meta({ id: 'ExpectedRecord', description: 'A DNS record to publish.' });

export const domainSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    projectIds: z.array(z.string()).meta({ description: 'Projects the domain is assigned to.' }),
    hostname: z.string(),
    status: z.enum(DOMAIN_STATUSES),
    statusLabel: z.string(),
    statusTone: z.enum(['neutral', 'progress', 'success', 'warning', 'danger']),
    statusMessage: z.string().nullable(),
    method: z.string(),
    instructions: z.array(recordSchema),
    methodAvailable: z.boolean().meta({
      description: 'False when no enabled plugin offers the domain’s verification method any more: `instructions` is empty and verifying answers 409 VERIFY_METHOD_UNAVAILABLE until an operator enables it again.',
    }),
    verifiedAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    nextCheckAt: z.string().nullable().meta({ description: 'When the next automatic check is due.' }),
    autoRetryCount: z.number().int(),
    setup: z
      .object({
        mode: z.enum(['manual', 'api', 'domain-connect']),
        provider: z.string().nullable(),
        credentialId: z.string().nullable(),
        zone: z.string().nullable(),
        redirectUrl: z.string().nullable().meta({ description: 'Domain Connect: open this page so the user agrees to the change.' }),
      })
      .meta({ description: 'How the DNS records get written: by hand, or automatically (GET /v1/domains/{id}/dns-diff shows where they stand).' }),
    customerRef: z.string().nullable().meta({ description: 'Your reference for the customer who connects the domain (from the widget token, or given when adding it); echoed in its events.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Domain' });

export const createDomainBody = z.object({
  hostname: z.string().min(1).max(300).meta({ example: 'shop.customer.com' }),
  projectId: z.uuid().nullable().optional(),
  method: z.string().regex(/^[a-z0-9-]{1,64}$/).optional().meta({ description: 'Verification method; defaults to dns-txt.' }),
  dnsCredentialId: z.uuid().optional().meta({ description: 'Set the records up automatically with this stored provider credential.' }),
  customerRef: customerRef.optional().meta({ description: 'Your reference for the customer (opaque, at most 200 characters); echoed in the domain’s events. A widget token’s own reference replaces it.' }),
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

export const domainView = (d: Domain, instructions: z.input<typeof recordSchema>[], projectIds: string[], methodAvailable = true) => ({
  id: d.id,
  organizationId: d.organization.id,
  projectIds,
  hostname: d.hostname,
  status: d.status,
  statusLabel: STATUS_INFO[d.status].label,
  statusTone: STATUS_INFO[d.status].tone,
  statusMessage: d.statusMessage ?? null,
  method: d.method,
  instructions,
  methodAvailable,
  verifiedAt: d.verifiedAt?.toISOString() ?? null,
  lastCheckedAt: d.lastCheckedAt?.toISOString() ?? null,
  nextCheckAt: d.nextCheckAt?.toISOString() ?? null,
  autoRetryCount: d.autoRetryCount,
  setup: {
    mode: d.setupMode,
    provider: d.dnsProvider ?? null,
    credentialId: d.dnsCredential?.id ?? null,
    zone: d.dnsZone ?? null,
    redirectUrl: d.setupRedirectUrl ?? null,
  },
  customerRef: d.customerRef ?? null,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

/**
 * A domain as the API shows it, with its instructions when an enabled plugin still offers its method; a domain whose
 * method went away is shown (flagged, without instructions) instead of failing the whole answer.
 */
export function viewDomain(kernel: Pick<Kernel, 'descriptors' | 'challenge'>, d: Domain, projectIds: string[]) {
  const available = kernel.descriptors.verificationMethods.some((m) => m.method === d.method);
  const instructions: ExpectedRecord[] = available ? kernel.challenge(d.method, { hostname: d.hostname, token: d.token }) : [];
  return domainView(d, instructions, projectIds, available);
}

export const eventView = (e: DomainEvent) => ({
  id: e.id,
  fromStatus: e.fromStatus ?? null,
  toStatus: e.toStatus,
  reason: e.reason,
  message: e.message,
  details: e.details ?? null,
  createdAt: e.createdAt.toISOString(),
});

export const listQuery = z.object({
  q: z.string().trim().max(253).optional().meta({ description: 'Case-insensitive part of the hostname.' }),
  status: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(DOMAIN_STATUSES)).optional())
    .meta({ description: 'Comma-separated statuses, e.g. pending,failed_temporary.' }),
  sort: z.enum(DOMAIN_SORTS).default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

/** How many projects and services use a domain (the list shows it per row). */
export const usageCountsSchema = z
  .object({
    projects: z.number().int().meta({ description: 'Projects the domain is assigned to (that the caller can see).' }),
    services: z.number().int().meta({ description: 'Distinct services with a mapping on the domain (that the caller can see).' }),
  })
  .meta({ id: 'DomainUsageCounts' });

export const domainListItemSchema = domainSchema.extend({ usage: usageCountsSchema }).meta({ id: 'DomainListItem' });

export const BULK_ACTIONS = ['verify', 'delete'] as const;
export const BULK_MAX_IDS = 100;

export const bulkBody = z.object({
  action: z.enum(BULK_ACTIONS),
  domainIds: z.array(z.uuid()).min(1).max(BULK_MAX_IDS).meta({ description: `At most ${BULK_MAX_IDS} domain ids; repeated ids are handled once.` }),
  confirm: z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'Delete: `delete <n> domains` (n = the number of distinct ids) confirms deleting the domains that are in use (owners only).' }),
});

export const bulkResultSchema = z
  .object({
    id: z.string(),
    ok: z.boolean(),
    code: z.string().optional().meta({ description: 'The stable error code when this item failed (NOT_FOUND for ids outside the caller’s reach).' }),
    message: z.string().optional(),
    status: z.enum(DOMAIN_STATUSES).optional().meta({ description: 'The domain’s status after the action, when it succeeded.' }),
    retryAfterSeconds: z.number().int().optional().meta({ description: 'RATE_LIMITED: when this domain may be verified again.' }),
  })
  .meta({ id: 'DomainBulkResult' });

export const usageSchema = z
  .object({ count: z.number().int(), projects: z.array(z.object({ id: z.string(), name: z.string(), slug: z.string() })) })
  .meta({ id: 'DomainUsage' });
