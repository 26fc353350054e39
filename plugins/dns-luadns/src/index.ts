/**
 * `dns.luadns`: Portico writes records through the LuaDNS REST API with the account email and an API key. A thin
 * adapter over the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber
 * (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient, type RecordSet } from '@portico/kernel';
import { createLuadnsClient, LUADNS_API_URL, type LuadnsDnsClient, type LuadnsRecordSet } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** LuaDNS's nameservers, as in the kernel's well-known table. */
export const LUADNS_NAMESERVERS: readonly string[] = ['*.luadns.net'];

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(LUADNS_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...LUADNS_NAMESERVERS]),
  /** Items per page when listing (`limit`). */
  perPage: z.number().int().min(1).max(1000).default(500),
});

export type LuadnsPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  email: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'Email', description: 'The email of the LuaDNS account' }),
  apiKey: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'API key', description: 'LuaDNS → Account → API Keys → Add API key (global, or restricted to the zone)' }),
});

export type LuadnsCredentials = z.output<typeof credentialsSchema>;

/** What the credential needs, one line each; the README says the same. */
export const LUADNS_PERMISSIONS: readonly string[] = [
  'API access enabled for the account (Account → Settings → Enable API; it is off by default)',
  'An API key (Account → API Keys) that is global, or restricted to the zone Portico writes',
];

/** The kernel's client over the LuaDNS client: names and values in Portico's form, errors with a `kind`. */
export function adapt(client: LuadnsDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones, message: `The LuaDNS API key sees ${zones.length} zone(s)` };
    },
    listZones: (ctx) => client.listZones(ctx),
    async getZone(zone, ctx) {
      const { id, name, nameservers } = await client.getZone(zone, ctx);
      return { id: String(id), name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },
    /** Not atomic: one result per change, in the order given; failures about the call are thrown (the kernel's rules). */
    async applyChanges(zone, changes, ctx) {
      const signal = ctx?.signal;
      let read: Promise<Map<string, LuadnsRecordSet>> | undefined;
      const current = () => (read ??= client.getRecordSets(zone, { signal }).then((sets) => new Map(sets.map((s) => [`${s.name} ${s.type}`, s]))));
      const record = (set: RecordSet, value: string) => ({ name: set.name, type: set.type, value, ttl: set.ttl });
      return applyRecordChanges(
        {
          create: (set, value) => client.createRecord(zone, record(set, value), { signal }),
          update: (ref, set, value) => client.updateRecord(zone, Number(ref.id), record(set, value), { signal }),
          remove: (ref) => client.deleteRecord(zone, Number(ref.id), { signal }),
          recordsOf: async (name, type) => (await current()).get(`${normalName(name)} ${type}`)?.records ?? [],
        },
        changes,
      );
    },
  };
}

export default defineDnsProvider({
  id: 'dns.luadns',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'luadns',
    displayName: 'LuaDNS',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each (not atomic); a record has no comment field, so TXT owner records.
    // apexAlias: LuaDNS has ALIAS records, but this plugin writes only A, AAAA, CNAME and TXT, so the apex gets A/AAAA.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...LUADNS_PERMISSIONS],
    docsUrl: 'https://luadns.com/api.html',
    connect: ({ credentials, services }) =>
      adapt(
        createLuadnsClient({
          email: credentials.email,
          apiKey: credentials.apiKey,
          baseURL: options.baseURL,
          timeoutMs: options.timeoutMs,
          perPage: options.perPage,
          fetch: services.fetch,
        }),
      ),
  }),
});
