/**
 * `dns.digitalocean`: Portico writes records through the DigitalOcean API v2 with a personal access token. A thin
 * adapter over the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber
 * (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient, type RecordSet } from '@portico/kernel';
import { createDigitalOceanClient, DIGITALOCEAN_API_URL, type DigitalOceanDnsClient, type DigitalOceanRecordSet } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** DigitalOcean's nameservers, as in the kernel's well-known table. */
export const DIGITALOCEAN_NAMESERVERS: readonly string[] = ['ns1.digitalocean.com', 'ns2.digitalocean.com', 'ns3.digitalocean.com'];

export const optionsSchema = z.object({
  /** The API's base URL (paths start with `/v2`); tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(DIGITALOCEAN_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...DIGITALOCEAN_NAMESERVERS]),
  /** Items per page when listing (DigitalOcean allows 1 to 200). */
  perPage: z.number().int().min(1).max(200).default(200),
});

export type DigitalOceanPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  token: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'Personal access token', description: 'DigitalOcean control panel → API → Tokens → Generate New Token, with the domain scopes listed below' }),
});

export type DigitalOceanCredentials = z.output<typeof credentialsSchema>;

/** One line per scope, in the words of the control panel's custom scopes; the README says the same. */
export const DIGITALOCEAN_PERMISSIONS: readonly string[] = [
  'domain:read (lists the domains and reads their records)',
  'domain:create (creates records)',
  'domain:update (changes records)',
  'domain:delete (deletes records)',
];

/** The kernel's client over the DigitalOcean client: names and values in Portico's form, errors with a `kind`. */
export function adapt(client: DigitalOceanDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones, message: `The DigitalOcean token sees ${zones.length} domain(s)` };
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
      let read: Promise<Map<string, DigitalOceanRecordSet>> | undefined;
      const current = () => (read ??= client.getRecordSets(zone, { signal }).then((sets) => new Map(sets.map((s) => [`${s.name} ${s.type}`, s]))));
      const record = (set: RecordSet, value: string) => ({ name: set.name, type: set.type, value, ttl: set.ttl });
      return applyRecordChanges(
        {
          create: (set, value) => client.createRecord(zone, record(set, value), { signal }),
          update: (ref, set, value) => client.updateRecord(zone, ref.id as number, record(set, value), { signal }),
          remove: (ref) => client.deleteRecord(zone, ref.id as number, { signal }),
          recordsOf: async (name, type) => (await current()).get(`${normalName(name)} ${type}`)?.records ?? [],
        },
        changes,
      );
    },
  };
}

export default defineDnsProvider({
  id: 'dns.digitalocean',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'digitalocean',
    displayName: 'DigitalOcean',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each (not atomic); no comment field on records, so TXT owner records.
    // No ALIAS and no CNAME at the apex: the apex gets A/AAAA. Wildcard names (`*`) are accepted.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...DIGITALOCEAN_PERMISSIONS],
    docsUrl: 'https://docs.digitalocean.com/reference/api/create-personal-access-token/',
    connect: ({ credentials, services }) =>
      adapt(createDigitalOceanClient({ token: credentials.token, baseURL: options.baseURL, timeoutMs: options.timeoutMs, perPage: options.perPage, fetch: services.fetch })),
  }),
});
