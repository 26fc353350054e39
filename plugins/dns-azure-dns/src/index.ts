/**
 * `dns.azure-dns`: Portico writes records through Azure Resource Manager (Microsoft.Network/dnsZones) with a
 * service principal's client secret. A thin adapter over the vendor client (client.ts); the kernel plans, checks
 * ownership and refuses to clobber.
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { AZURE_RESOURCE_MANAGER, createAzureDnsClient, normalName, type AzureDnsClient } from './client.ts';

export * from './client.ts';

/** Azure DNS's nameservers (`ns1-01.azure-dns.com` …), as in the kernel's well-known table. */
export const AZURE_DNS_NAMESERVERS: readonly string[] = ['com', 'net', 'org', 'info'].map((tld) => `*.azure-dns.${tld}`);

export const optionsSchema = z.object({
  /** Azure Resource Manager; tests point it at a fake. Other clouds: e.g. `https://management.usgovcloudapi.net`. */
  endpoint: z.url({ protocol: /^https$/, error: 'expected an https:// URL (the Azure SDK sends tokens over TLS only)' }).optional(),
  /** Microsoft Entra ID; tests point it at a fake. Other clouds: e.g. `https://login.microsoftonline.us`. */
  authorityHost: z.url({ protocol: /^https$/, error: 'expected an https:// URL' }).optional(),
  /** Longest wait for one request, token requests included. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Record sets per page when listing a zone (`$top`). */
  pageSize: z.number().int().min(1).max(1000).default(100),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...AZURE_DNS_NAMESERVERS]),
});

export type AzureDnsPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  tenantId: z.string().min(1).meta({ title: 'Directory (tenant) ID', description: 'Microsoft Entra ID → App registrations → (the app) → Overview' }),
  clientId: z.string().min(1).meta({ title: 'Application (client) ID', description: 'Microsoft Entra ID → App registrations → (the app) → Overview' }),
  clientSecret: z.string().min(1).meta({ title: 'Client secret', description: 'App registrations → (the app) → Certificates & secrets → New client secret (the Value)' }),
  subscriptionId: z.string().min(1).meta({ title: 'Subscription ID', description: 'The subscription that holds the DNS zone' }),
  resourceGroup: z.string().min(1).meta({ title: 'Resource group', description: 'The resource group that holds the DNS zone' }),
});

export type AzureDnsCredentials = z.output<typeof credentialsSchema>;

export const AZURE_DNS_PERMISSIONS: readonly string[] = [
  'Role: DNS Zone Contributor on each DNS zone Portico manages (or on its resource group, to list zones in verification)',
  'Actions used: Microsoft.Network/dnsZones/read, Microsoft.Network/dnsZones/recordsets/read',
  'Actions used: Microsoft.Network/dnsZones/{A,AAAA,CNAME,TXT}/read, write and delete',
];

export function adapt(client: AzureDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = (await client.listZones(ctx)).map((zone) => zone.name);
      return { zones, message: `the service principal can see ${zones.length} zone(s) in the resource group` };
    },
    getZone: (zone, ctx) => client.getZone(zone, ctx),
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecords(zone, ctx);
      return sets.filter((set) => !wanted || wanted.has(set.name)).map(({ etag: _etag, metadata: _metadata, ...set }) => set);
    },
    applyChanges: (zone, changes, ctx) => client.applyChanges(zone, changes, ctx),
    listZones: async (ctx) => (await client.listZones(ctx)).map((zone) => zone.name),
  };
}

export default defineDnsProvider({
  id: 'dns.azure-dns',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'azure-dns',
    displayName: 'Azure DNS',
    setup: 'api',
    nameservers: options.nameservers,
    // Record sets per name and type, one request each, no transaction across them. Each record set keeps a
    // metadata map that round-trips: the owner marker goes there. Alias record sets point only at Azure resources.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false, wildcard: true, apexAlias: false, ownership: 'comment' },
    permissions: [...AZURE_DNS_PERMISSIONS],
    docsUrl: 'https://learn.microsoft.com/azure/dns/dns-protect-zones-recordsets',
    connect: ({ credentials, services }) =>
      adapt(
        createAzureDnsClient({
          ...credentials,
          endpoint: options.endpoint ?? AZURE_RESOURCE_MANAGER,
          ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
          timeoutMs: options.timeoutMs,
          pageSize: options.pageSize,
          fetch: services.fetch,
        }),
      ),
  }),
});
