/**
 * `dns.ns1`: Portico writes records through the NS1 (IBM NS1 Connect) REST API with an API key. A thin adapter
 * over the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createNs1Client, NS1_API_URL, normalName, type Ns1DnsClient } from './client.ts';

export * from './client.ts';

/** NS1's managed nameservers (`dns1.p01.nsone.net` …), as in the kernel's well-known table. */
export const NS1_NAMESERVERS: readonly string[] = ['**.nsone.net'];

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(NS1_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label, `**` any number). */
  nameservers: z.array(z.string().min(1)).default([...NS1_NAMESERVERS]),
});

export type Ns1PluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  /** An NS1 API key (Account settings → Users & teams → API keys). */
  apiKey: z.string().trim().min(1).meta({ title: 'API key', description: 'NS1 portal → Account settings → Users & teams → API keys' }),
});

export type Ns1Credentials = z.output<typeof credentialsSchema>;

/** One line per permission, in the words of the NS1 portal's API key form; the README says the same. */
export const NS1_PERMISSIONS: readonly string[] = [
  'DNS → View zones (reads zones and records)',
  'DNS → Manage zones (creates, changes and deletes records)',
  'Zone access (if restricted): allow each zone Portico manages',
  'IP whitelist (if used): the addresses Portico calls from',
];

/** The kernel's client over the NS1 client: one NS1 record per record set, ownership by TXT. */
export function adapt(client: Ns1DnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones, message: `the API key can see ${zones.length} zone(s)` };
    },
    async getZone(zone, ctx) {
      const { id, name, nameservers } = await client.getZone(zone, ctx);
      return { ...(id ? { id } : {}), name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecords(zone, ctx);
      return sets.filter((set) => !wanted || wanted.has(set.name));
    },
    applyChanges: (zone, changes, ctx) => client.applyChanges(zone, changes, ctx),
    listZones: (ctx) => client.listZones(ctx),
  };
}

export default defineDnsProvider({
  id: 'dns.ns1',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'ns1',
    displayName: 'NS1 (IBM NS1 Connect)',
    setup: 'api',
    nameservers: options.nameservers,
    // One record per name and type whose answers are the values: rrset granularity, one request per change, no
    // transaction across records. NS1 records carry no free-text comment, so ownership is a TXT record.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...NS1_PERMISSIONS],
    docsUrl: 'https://www.ibm.com/docs/en/ns1-connect?topic=keys-create-api-key',
    connect: ({ credentials, services }) =>
      adapt(createNs1Client({ apiKey: credentials.apiKey, baseURL: options.baseURL, timeoutMs: options.timeoutMs, fetch: services.fetch })),
  }),
});
