/**
 * `dns.hetzner`: Portico writes records through the Hetzner DNS Console API with an API token. A thin adapter over
 * the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient, type RecordSet } from '@portico/kernel';
import { createHetznerClient, HETZNER_DNS_API_URL, type HetznerDnsClient, type HetznerRecordSet } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** Hetzner's nameservers (`hydrogen.ns.hetzner.com`, `helium.ns.hetzner.de`…), as in the kernel's well-known table. */
export const HETZNER_NAMESERVERS: readonly string[] = ['*.ns.hetzner.com', '*.ns.hetzner.de', '*.ns.hetzner.cloud'];

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(HETZNER_DNS_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...HETZNER_NAMESERVERS]),
  /** Items per page when listing (Hetzner allows at most 100 zones a page). */
  perPage: z.number().int().min(1).max(100).default(100),
});

export type HetznerPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  token: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'API token', description: 'Hetzner DNS Console → Manage API tokens → Create access token' }),
});

export type HetznerCredentials = z.output<typeof credentialsSchema>;

/**
 * What the token needs; the README says the same. DNS Console tokens have no scopes: every token reads and writes
 * every zone of its account.
 */
export const HETZNER_PERMISSIONS: readonly string[] = [
  'A DNS Console API token of the account that holds the zone (Manage API tokens → Create access token)',
  'Hetzner offers no narrower scope: the token reads and writes every zone of that account',
];

/** The kernel's client over the Hetzner client: names and values in Portico's form, errors with a `kind`. */
export function adapt(client: HetznerDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones: zones.map((zone) => zone.name), message: `The Hetzner DNS token sees ${zones.length} zone(s)` };
    },
    listZones: async (ctx) => (await client.listZones(ctx)).map((zone) => zone.name),
    async getZone(zone, ctx) {
      const { id, name, nameservers } = await client.getZone(zone, ctx);
      return { id, name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },
    /** Not atomic: one result per change, in the order given; failures about the call are thrown (the kernel's rules). */
    async applyChanges(zone, changes, ctx) {
      const signal = ctx?.signal;
      let read: Promise<Map<string, HetznerRecordSet>> | undefined;
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
  id: 'dns.hetzner',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'hetzner',
    displayName: 'Hetzner DNS',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each (not atomic); no comment field on records, so TXT owner records.
    // No ALIAS and no CNAME at the apex: the apex gets A/AAAA. Wildcard names (`*`) are accepted.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...HETZNER_PERMISSIONS],
    docsUrl: 'https://dns.hetzner.com/settings/api-token',
    connect: ({ credentials, services }) =>
      adapt(createHetznerClient({ token: credentials.token, baseURL: options.baseURL, timeoutMs: options.timeoutMs, perPage: options.perPage, fetch: services.fetch })),
  }),
});
