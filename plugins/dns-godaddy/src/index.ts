/**
 * `dns.godaddy`: Portico writes records through the GoDaddy Domains API with an API key and secret. A thin adapter
 * over the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createGoDaddyClient, GODADDY_API_URL, normalName, type GoDaddyDnsClient } from './client.ts';

export * from './client.ts';

export const optionsSchema = z.object({
  /** The API's base URL; `https://api.ote-godaddy.com` is GoDaddy's test environment, tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(GODADDY_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default(['*.domaincontrol.com']),
  /** Records per page when listing a domain's records. */
  pageSize: z.number().int().min(1).max(1000).default(500),
});

export type GoDaddyPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  /** A production API key from https://developer.godaddy.com/keys. */
  apiKey: z.string().trim().min(1),
  /** The secret shown once beside it. */
  apiSecret: z.string().trim().min(1),
});

export type GoDaddyCredentials = z.output<typeof credentialsSchema>;

/** One line per requirement; the README says the same. GoDaddy API keys carry no scopes. */
export const GODADDY_PERMISSIONS = [
  'A Production API key and secret (developer.godaddy.com → API Keys → Create New API Key → Environment: Production), made by the account that holds the domain.',
  'GoDaddy keys have no scopes: the key can read and change the DNS of every domain in that account.',
  'The account must be allowed to use the Domains API (GoDaddy grants it to accounts with 10 or more domains or a Discount Domain Club plan); otherwise every call is refused with 403 (permission).',
];

/** The kernel's client over the GoDaddy client. */
export function adapt(client: GoDaddyDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones: zones.map((zone) => zone.name), message: `The GoDaddy API key sees ${zones.length} domain(s)` };
    },
    async getZone(zone, ctx) {
      const { id, name, nameservers } = await client.getZone(zone, ctx);
      return { id, name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return sets.filter((set) => !wanted || wanted.has(set.name));
    },
    // Per record set, not all or nothing (capabilities.atomic false): one result per change.
    applyChanges: (zone, changes, ctx) => client.applyChanges(zone, changes, ctx),
    listZones: async (ctx) => (await client.listZones(ctx)).map((zone) => zone.name),
  };
}

export default defineDnsProvider({
  id: 'dns.godaddy',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'godaddy',
    displayName: 'GoDaddy',
    setup: 'api',
    nameservers: options.nameservers,
    // One PUT replaces one name and type (a record set); no comment field, so ownership is by TXT record; `*`
    // names are accepted; GoDaddy has no ALIAS or flattening at the apex.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: GODADDY_PERMISSIONS,
    docsUrl: 'https://developer.godaddy.com/keys',
    connect: ({ credentials, services }) =>
      adapt(createGoDaddyClient({ ...credentials, baseURL: options.baseURL, timeoutMs: options.timeoutMs, pageSize: options.pageSize, fetch: services.fetch })),
  }),
});
