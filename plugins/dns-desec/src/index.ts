/**
 * `dns.desec`: Portico writes records through the deSEC DNS API v1 with an API token. A thin adapter over the
 * vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createDesecClient, DESEC_API_URL, type DesecClient } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** deSEC's nameservers, as in the kernel's well-known table. */
export const DESEC_NAMESERVERS: readonly string[] = ['ns1.desec.io', 'ns2.desec.org'];

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  apiUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(DESEC_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...DESEC_NAMESERVERS]),
});

export type DesecPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  token: z.string().trim().min(1).meta({ title: 'API token', description: 'deSEC web interface → Token management → + (the token secret is shown once)' }),
});

export type DesecCredentials = z.output<typeof credentialsSchema>;

/** One line per permission; the README says the same. */
export const DESEC_PERMISSIONS: readonly string[] = [
  'A deSEC API token of the account that owns the domains (Token management); "Can manage tokens" is not needed.',
  'Token policies, if any: a default policy plus one granting write permission on each domain Portico manages, for any subname and type.',
  'Allowed subnets, if restricted: the addresses Portico calls from.',
];

/** The kernel's client over the deSEC client: names and values in Portico's form, errors with a `kind`. */
export function adapt(client: DesecClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const domains = await client.listDomains(ctx?.signal);
      return { zones: domains.map((d) => d.name), message: `The deSEC token sees ${domains.length} domain(s)` };
    },
    listZones: async (ctx) => (await client.listDomains(ctx?.signal)).map((d) => d.name),
    async getZone(zone, ctx) {
      const domain = await client.getDomain(zone, ctx?.signal);
      return { name: domain.name, id: domain.name, nameservers: await client.getNameservers(domain.name, ctx?.signal) };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx?.signal);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },
    async applyChanges(zone, changes, ctx) {
      // One bulk request, all or nothing (capabilities.atomic): a failure throws and nothing was written.
      await client.writeRecordSets(zone, changes.map((change) => (change.action === 'delete' ? { ...change.set, values: [] } : change.set)), ctx?.signal);
    },
  };
}

export default defineDnsProvider({
  id: 'dns.desec',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'desec',
    displayName: 'deSEC',
    setup: 'api',
    nameservers: options.nameservers,
    // RRsets, written in one atomic bulk PATCH per apply. No per-RRset comment field: owner TXT records.
    // No ALIAS/ANAME at deSEC: the apex gets A/AAAA.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...DESEC_PERMISSIONS],
    docsUrl: 'https://desec.readthedocs.io/en/latest/auth/tokens.html',
    connect: ({ credentials, services }) =>
      adapt(createDesecClient({ token: credentials.token, apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, fetch: services.fetch })),
  }),
});
