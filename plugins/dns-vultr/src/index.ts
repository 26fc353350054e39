/**
 * `dns.vultr`: Portico writes records through the Vultr API v2 with an API key. A thin adapter over the vendor
 * client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient, type RecordSet } from '@portico/kernel';
import { createVultrClient, VULTR_API_URL, type VultrDnsClient, type VultrRecordSet } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** Vultr's nameservers, as in the kernel's well-known table. */
export const VULTR_NAMESERVERS: readonly string[] = ['ns1.vultr.com', 'ns2.vultr.com'];

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(VULTR_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...VULTR_NAMESERVERS]),
  /** Items per page when listing (Vultr allows at most 500). */
  perPage: z.number().int().min(1).max(500).default(500),
});

export type VultrPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  apiKey: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'API key', description: 'Vultr customer portal → Account → API (the account\'s key), or the key of a user with the Manage DNS permission' }),
});

export type VultrCredentials = z.output<typeof credentialsSchema>;

/** What the key needs, one line each; the README says the same. Vultr API keys have no per-product scopes. */
export const VULTR_PERMISSIONS: readonly string[] = [
  'API access enabled (Account → API → Enable API) for the account, or for a user whose permissions include Manage DNS',
  'Access Control: the addresses Portico calls from are allowed (Vultr refuses the key from any other address)',
];

/** The kernel's client over the Vultr client: names and values in Portico's form, errors with a `kind`. */
export function adapt(client: VultrDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones, message: `The Vultr API key sees ${zones.length} domain(s)` };
    },
    listZones: (ctx) => client.listZones(ctx),
    getZone: (zone, ctx) => client.getZone(zone, ctx),
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },
    /** Not atomic: one result per change, in the order given; failures about the call are thrown (the kernel's rules). */
    async applyChanges(zone, changes, ctx) {
      const signal = ctx?.signal;
      let read: Promise<Map<string, VultrRecordSet>> | undefined;
      const current = () => (read ??= client.getRecordSets(zone, { signal }).then((sets) => new Map(sets.map((s) => [`${s.name} ${s.type}`, s]))));
      const record = (set: RecordSet, value: string) => ({ name: set.name, type: set.type, value, ttl: set.ttl });
      return applyRecordChanges(
        {
          create: (set, value) => client.createRecord(zone, record(set, value), { signal }),
          update: (ref, set, value) => client.updateRecord(zone, String(ref.id), record(set, value), { signal }),
          remove: (ref) => client.deleteRecord(zone, String(ref.id), { signal }),
          recordsOf: async (name, type) => (await current()).get(`${normalName(name)} ${type}`)?.records ?? [],
        },
        changes,
      );
    },
  };
}

export default defineDnsProvider({
  id: 'dns.vultr',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'vultr',
    displayName: 'Vultr DNS',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each (not atomic); no comment field on records, so TXT owner records.
    // No ALIAS and no CNAME at the apex: the apex gets A/AAAA. Wildcard names (`*`) are accepted.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...VULTR_PERMISSIONS],
    docsUrl: 'https://my.vultr.com/settings/#settingsapi',
    connect: ({ credentials, services }) =>
      adapt(createVultrClient({ apiKey: credentials.apiKey, baseURL: options.baseURL, timeoutMs: options.timeoutMs, perPage: options.perPage, fetch: services.fetch })),
  }),
});
