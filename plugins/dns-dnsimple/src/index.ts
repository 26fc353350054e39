/**
 * `dns.dnsimple`: Portico writes records through the DNSimple API v2 with an access token. A thin adapter over the
 * vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createDnsimpleClient, DNSIMPLE_API_URL, type DnsimpleDnsClient } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

export const optionsSchema = z.object({
  /** The API's base URL (the sandbox is https://api.sandbox.dnsimple.com); tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(DNSIMPLE_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default(['*.dnsimple.com', '*.dnsimple-edge.com', '*.dnsimple-edge.io', '*.dnsimple-edge.net', '*.dnsimple-edge.org']),
  /** Records per page when listing a zone (DNSimple allows at most 100). */
  perPage: z.number().int().min(1).max(100).default(100),
});

export type DnsimplePluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  accessToken: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'Access token', description: 'DNSimple → Account → Access tokens → New access token (an account token)' }),
  accountId: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ title: 'Account id', description: 'The number in the DNSimple URL (/a/<id>/…); needed only for a user token that reaches several accounts' }),
});

export type DnsimpleCredentials = z.output<typeof credentialsSchema>;

/** One line per permission; the README says the same. */
export const DNSIMPLE_PERMISSIONS = [
  'An account access token (Account → Access tokens) of the account that holds the zones: it reads and writes their records.',
  'A plan with API access to DNS records (every current DNSimple plan).',
];

/** The kernel's client over the DNSimple client. */
export function adapt(client: DnsimpleDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const account = await client.account(ctx?.signal);
      const zones = await client.listZones(ctx);
      return { zones, message: `The DNSimple token works in account ${account} and sees ${zones.length} zone(s)` };
    },
    async getZone(zone, ctx) {
      const { id, name, nameservers } = await client.getZone(zone, ctx);
      return { id: String(id), name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },
    async applyChanges(zone, changes, ctx) {
      const signal = ctx?.signal;
      return applyRecordChanges(
        {
          create: (set, value) => client.createRecord(zone, set, value, { signal }),
          update: (record, set, value) => client.updateRecord(zone, Number(record.id), set, value, { signal }),
          remove: (record) => client.deleteRecord(zone, Number(record.id), { signal }),
          recordsOf: async (name, type) => (await client.getRecordSets(zone, { signal })).find((set) => set.name === name && set.type === type)?.records ?? [],
        },
        changes,
      );
    },
    listZones: (ctx) => client.listZones(ctx),
  };
}

export default defineDnsProvider({
  id: 'dns.dnsimple',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'dnsimple',
    displayName: 'DNSimple',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each; no comment field on a record (ownership by TXT marker).
    // apexAlias: DNSimple has ALIAS records, but this plugin writes only A, AAAA, CNAME and TXT, so the apex gets A/AAAA.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: DNSIMPLE_PERMISSIONS,
    docsUrl: 'https://support.dnsimple.com/articles/api-access-token/',
    connect: ({ credentials, services }) =>
      adapt(
        createDnsimpleClient({
          accessToken: credentials.accessToken,
          accountId: credentials.accountId,
          baseURL: options.baseURL,
          timeoutMs: options.timeoutMs,
          perPage: options.perPage,
          fetch: services.fetch,
        }),
      ),
  }),
});
