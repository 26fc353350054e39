import { WELL_KNOWN_PROVIDERS } from '@portico/kernel';
import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';

const capabilitiesSchema = z.object({
  recordTypes: z.array(z.string()),
  updateGranularity: z.enum(['rrset', 'record', 'zone']),
  atomic: z.boolean(),
  wildcard: z.boolean(),
  apexAlias: z.boolean(),
  ownership: z.enum(['comment', 'txt']),
});

const providerSchema = z
  .object({
    provider: z.string(),
    displayName: z.string(),
    plugin: z.string().nullable().meta({ description: 'The enabled plugin that drives it; null for well-known providers without one.' }),
    setup: z.enum(['api', 'domain-connect', 'manual']).meta({ description: 'api: automatic with a stored credential; domain-connect: automatic after the user agrees at the provider; manual: records shown to add by hand.' }),
    nameservers: z.array(z.string()).meta({ description: 'Nameserver patterns detection matches (`*` is one label).' }),
    capabilities: capabilitiesSchema.nullable(),
    credentialSchema: z.record(z.string(), z.unknown()).nullable().meta({ description: 'JSON Schema of the credential fields (for forms).' }),
    permissions: z.array(z.string()).meta({ description: 'Exactly what a credential must be allowed to do.' }),
    docsUrl: z.string().nullable(),
  })
  .meta({ id: 'DnsProvider' });

/** The providers grid: which providers configure themselves, and how. */
export const providerRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/providers',
    tag: 'dns',
    summary: 'DNS providers: enabled plugins (automatic setup) first, then well-known providers (manual setup)',
    auth: 'principal',
    widget: true,
    response: z.object({ data: z.array(providerSchema) }),
    handler: ({ cradle }) => {
      const enabled = cradle.kernel.descriptors.dnsProviders.map((d) => ({
        provider: d.provider,
        displayName: d.displayName,
        plugin: d.plugin,
        setup: d.setup,
        nameservers: d.nameservers,
        capabilities: d.capabilities ?? null,
        credentialSchema: d.credentials ? (z.toJSONSchema(d.credentials, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) : null,
        permissions: d.permissions ?? [],
        docsUrl: d.docsUrl ?? null,
      }));
      const taken = new Set(enabled.map((p) => p.provider));
      const wellKnown = WELL_KNOWN_PROVIDERS.filter((p) => !taken.has(p.provider)).map((p) => ({
        provider: p.provider,
        displayName: p.displayName,
        plugin: null,
        setup: 'manual' as const,
        nameservers: [...p.nameservers],
        capabilities: null,
        credentialSchema: null,
        permissions: [],
        docsUrl: null,
      }));
      return { data: [...enabled, ...wellKnown] };
    },
  }),
];
