/**
 * `dns.cloudflare`: Portico writes records through the Cloudflare API v4 with an API token. A thin adapter over
 * the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { CLOUDFLARE_API_URL, createCloudflareClient, type CloudflareDnsClient } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(CLOUDFLARE_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default(['*.ns.cloudflare.com']),
  /** Records per page when listing a zone (Cloudflare's default is 100; larger pages mean fewer requests). */
  perPage: z.number().int().min(5).max(5000).default(100),
  /** Most record operations one batch may carry: 200 on Free zones, 3,500 on Pro, Business and Enterprise. */
  maxBatchSize: z.number().int().min(1).max(3500).default(200),
});

export type CloudflarePluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  /** A Cloudflare API token (My Profile → API Tokens, or an account API token), not the Global API Key. */
  apiToken: z.string().trim().min(1),
  /** The zone's id (32 hex digits, on the zone's Overview page): no lookup by name, no Zone → Zone → Read needed. */
  zoneId: z.string().regex(/^[0-9a-f]{32}$/, 'expected the 32 hex digits of a Cloudflare zone id').optional(),
});

export type CloudflareCredentials = z.output<typeof credentialsSchema>;

/** One line per permission, in the words of the Cloudflare dashboard's token form; the README says the same. */
export const CLOUDFLARE_PERMISSIONS = [
  'Permissions: Zone → DNS → Edit (reads and writes the records).',
  'Permissions: Zone → Zone → Read (finds the zone by name; not needed when the credential gives zoneId).',
  'Zone Resources: Include → Specific zone → each zone Portico manages (or Include → All zones from an account).',
  'Client IP Address Filtering, if used: Is in → the addresses Portico calls from.',
];

/** The kernel's client over the Cloudflare client: names and values in Portico's form, errors with a `kind`. */
export function adapt(client: CloudflareDnsClient): DnsProviderClient {
  return {
    verifyCredentials: (ctx) => client.verify(ctx),
    async getZone(zone, ctx) {
      const { id, name, nameservers } = await client.getZone(zone, ctx);
      return { id, name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return sets.filter((set) => !wanted || wanted.has(set.name)).map(({ records: _records, ...set }) => set);
    },
    async applyChanges(zone, changes, ctx) {
      // One batch, all or nothing: a failure throws and nothing was written (capabilities.atomic).
      await client.applyChanges(zone, changes.map(({ action, set }) => ({ action, set })), { signal: ctx?.signal, comment: ctx?.comment });
    },
    listZones: async (ctx) => (await client.listZones(ctx)).map((zone) => zone.name),
  };
}

export default defineDnsProvider({
  id: 'dns.cloudflare',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'cloudflare',
    displayName: 'Cloudflare',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids and comments; every apply is one batch request, run in one transaction.
    // apexAlias: Cloudflare flattens a CNAME at the apex. Records are always written DNS-only (proxied: false).
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: true, wildcard: true, apexAlias: true, ownership: 'comment' },
    permissions: CLOUDFLARE_PERMISSIONS,
    docsUrl: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
    connect: ({ credentials, services }) =>
      adapt(
        createCloudflareClient({
          ...credentials,
          baseURL: options.baseURL,
          timeoutMs: options.timeoutMs,
          perPage: options.perPage,
          maxBatchSize: options.maxBatchSize,
          fetch: services.fetch,
          logger: services.logger,
        }),
      ),
  }),
});
