import { z } from 'zod';

const recordSetSchema = z
  .object({ name: z.string(), type: z.enum(['A', 'AAAA', 'CNAME', 'TXT']), ttl: z.number().int(), values: z.array(z.string()) })
  .meta({ id: 'RecordSet', description: 'Every value of one name and type.' });

const detectionSchema = z
  .object({
    provider: z.string(),
    displayName: z.string(),
    confidence: z.enum(['high', 'medium', 'low']),
    setup: z.enum(['api', 'domain-connect', 'manual']),
    evidence: z.array(z.string()).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'ProviderDetection' });

export const checkBody = z.object({
  hostname: z.string().min(1).max(300).meta({ example: 'shop.customer.com' }),
  organizationId: z.uuid().optional().meta({ description: 'Needed when the caller belongs to several organizations (API keys: implied).' }),
  projectId: z.uuid().optional().meta({ description: 'Look for stored credentials of this project only.' }),
  method: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
});

export const checkSchema = z
  .object({
    hostname: z.string(),
    zone: z.string().nullable(),
    nameservers: z.array(z.string()),
    error: z.string().optional(),
    provider: detectionSchema,
    candidates: z.array(detectionSchema),
    automatic: z.object({
      possible: z.boolean(),
      route: z.enum(['api', 'domain-connect']).nullable(),
      reason: z.enum(['ready', 'needs_credential', 'consent', 'no_plugin', 'unknown_provider', 'zone_not_found']),
      credentials: z.array(z.object({ id: z.string(), label: z.string(), projectId: z.string() })),
    }),
    records: z.array(recordSetSchema),
    existing: z.object({ id: z.string(), status: z.string() }).nullable(),
    available: z.boolean(),
  })
  .meta({ id: 'DomainCheck' });

export const setupBody = z.object({
  credentialId: z.uuid().optional().meta({ description: 'A stored credential of the provider that hosts the zone.' }),
  provider: z.string().max(64).optional().meta({ description: 'A consent-based provider (domainconnect) when no credential is given.' }),
  adopt: z.boolean().default(false).meta({ description: 'Take over record sets Portico did not write instead of stopping at them.' }),
});

export const planQuery = z.object({
  credentialId: z.uuid().optional(),
  provider: z.string().max(64).optional(),
  adopt: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const planSchema = z
  .object({
    provider: z.string(),
    zone: z.string(),
    changes: z.array(
      z.object({
        action: z.enum(['create', 'update', 'delete', 'noop', 'conflict']),
        name: z.string(),
        type: z.enum(['A', 'AAAA', 'CNAME', 'TXT']),
        before: z.array(z.string()),
        after: z.array(z.string()),
        reason: z.enum(['not_owned', 'owned_by_other', 'cname_exclusive']).optional(),
        error: z.object({ kind: z.string(), message: z.string() }).optional(),
      }),
    ),
    redirect: z.string().nullable().meta({ description: 'Consent-based providers: the page where the user agrees.' }),
  })
  .meta({ id: 'DnsPlan' });

export const diffSchema = z
  .object({
    zone: z.string(),
    inSync: z.boolean(),
    records: z.array(
      z.object({
        name: z.string(),
        type: z.enum(['A', 'AAAA', 'CNAME', 'TXT']),
        ttl: z.number().int(),
        desired: z.array(z.string()),
        current: z.array(z.string()),
        status: z.enum(['ok', 'missing', 'different', 'unknown']).meta({ description: 'unknown: the DNS servers did not answer (never taken as missing).' }),
        error: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'DnsDiff' });
