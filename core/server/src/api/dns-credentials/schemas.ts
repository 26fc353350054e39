import { z } from 'zod';
import type { DnsCredential } from '../../modules/credentials/entity.ts';

export const credentialSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    provider: z.string(),
    label: z.string(),
    customerRef: z.string().nullable().meta({ description: 'Set when your customer connected the credential in the widget: it serves only that customer’s domains.' }),
    zones: z.array(z.string()).nullable().meta({ description: 'Zones the provider said the credential reaches, when it says.' }),
    verifiedAt: z.string(),
    lastUsedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'DnsCredential', description: 'A stored provider credential. Its secret fields are never returned.' });

export const createCredentialBody = z.object({
  provider: z.string().min(1).max(64).meta({ example: 'powerdns' }),
  label: z.string().trim().min(1).max(120).meta({ example: 'Production PowerDNS' }),
  credentials: z
    .record(z.string(), z.unknown())
    .meta({ description: "The provider's credential fields (GET /v1/providers gives each provider's JSON Schema). Verified with the provider before it is stored; never returned." }),
});

export const credentialView = (c: DnsCredential) => ({
  id: c.id,
  projectId: c.project.id,
  provider: c.provider,
  label: c.label,
  customerRef: c.customerRef ?? null,
  zones: c.zones ?? null,
  verifiedAt: c.verifiedAt.toISOString(),
  lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
});
