/**
 * `dns.bunny`: Portico writes records through the bunny.net API with an account API key. A thin adapter over the
 * vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { BUNNY_API_URL, createBunnyClient, normalName, type BunnyDnsClient } from './client.ts';

export * from './client.ts';

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(BUNNY_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default(['*.bunny.net']),
  /** Zones per page when listing or searching zones (bunny.net allows 5 to 1000). */
  perPage: z.number().int().min(5).max(1000).default(1000),
});

export type BunnyPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  /** The account's API key (bunny.net dashboard → Account settings → API key). */
  accessKey: z.string().trim().min(1),
});

export type BunnyCredentials = z.output<typeof credentialsSchema>;

/** One line per requirement; the README says the same. bunny.net account API keys carry no scopes. */
export const BUNNY_PERMISSIONS = [
  'The account API key (bunny.net dashboard → Account settings → API key) of the account that holds the DNS zone.',
  'bunny.net account API keys have no scopes: the key can change everything in that account, DNS zones included.',
];

/** The kernel's client over the Bunny DNS client. */
export function adapt(client: BunnyDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones: zones.map((zone) => zone.name), message: `The bunny.net API key sees ${zones.length} DNS zone(s)` };
    },
    async getZone(zone, ctx) {
      const { id, name, nameservers } = await client.getZone(zone, ctx);
      return { id, name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return sets.filter((set) => !wanted || wanted.has(set.name)).map(({ records: _records, ...set }) => set);
    },
    // Record by record, not all or nothing (capabilities.atomic false): one result per change.
    applyChanges: (zone, changes, ctx) => client.applyChanges(zone, changes, ctx),
    listZones: async (ctx) => (await client.listZones(ctx)).map((zone) => zone.name),
  };
}

export default defineDnsProvider({
  id: 'dns.bunny',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'bunny',
    displayName: 'Bunny DNS',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with numeric ids, each with a `Comment` that the API returns as written: ownership by
    // comment. `*` names are accepted. An apex CNAME would need bunny.net's own Flatten type: not offered.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'comment' },
    permissions: BUNNY_PERMISSIONS,
    docsUrl: 'https://docs.bunny.net/reference/bunnynet-api-overview',
    connect: ({ credentials, services }) =>
      adapt(createBunnyClient({ ...credentials, baseURL: options.baseURL, timeoutMs: options.timeoutMs, perPage: options.perPage, fetch: services.fetch })),
  }),
});
