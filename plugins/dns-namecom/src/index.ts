/**
 * `dns.namecom`: Portico writes records through the Name.com API v4 with a username and an API token. A thin
 * adapter over the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber
 * (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient, type RecordSet } from '@portico/kernel';
import { createNamecomClient, NAMECOM_API_URL, type NamecomDnsClient, type NamecomRecordSet } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** Name.com's nameservers, as in the kernel's well-known table. */
export const NAMECOM_NAMESERVERS: readonly string[] = ['*.name.com'];

export const optionsSchema = z.object({
  /** The API's base URL (the test environment is https://api.dev.name.com); tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(NAMECOM_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...NAMECOM_NAMESERVERS]),
  /** Items per page when listing (Name.com's default is 1000). */
  perPage: z.number().int().min(1).max(1000).default(1000),
});

export type NamecomPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'Username', description: 'The Name.com account username (in the test environment, the username with -test)' }),
  token: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'API token', description: 'Name.com → Account → Settings → API Token Management → Create token' }),
});

export type NamecomCredentials = z.output<typeof credentialsSchema>;

/** What the credential needs, one line each; the README says the same. Name.com API tokens have no scopes. */
export const NAMECOM_PERMISSIONS: readonly string[] = [
  'A production API token of the Name.com account that holds the domains (tokens have no scopes: it reads and writes the DNS records of every domain of the account)',
  'Name.com API access allowed for the account (Account → Security: with two-step verification on, "Name.com API Access" must be enabled)',
];

/** The kernel's client over the Name.com client: names and values in Portico's form, errors with a `kind`. */
export function adapt(client: NamecomDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones, message: `The Name.com API token sees ${zones.length} domain(s)` };
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
      let read: Promise<Map<string, NamecomRecordSet>> | undefined;
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
  id: 'dns.namecom',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'namecom',
    displayName: 'Name.com',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each (not atomic); a record has no comment field, so TXT owner records.
    // apexAlias: Name.com has ANAME records, but this plugin writes only A, AAAA, CNAME and TXT, so the apex gets A/AAAA.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...NAMECOM_PERMISSIONS],
    docsUrl: 'https://www.name.com/account/settings/api',
    connect: ({ credentials, services }) =>
      adapt(
        createNamecomClient({
          username: credentials.username,
          token: credentials.token,
          baseURL: options.baseURL,
          timeoutMs: options.timeoutMs,
          perPage: options.perPage,
          fetch: services.fetch,
        }),
      ),
  }),
});
