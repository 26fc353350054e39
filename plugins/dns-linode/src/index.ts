/**
 * `dns.linode`: Portico writes records through the Linode (Akamai Cloud) API v4 DNS Manager with a personal access
 * token. A thin adapter over the vendor client (client.ts); the kernel plans, checks ownership and refuses to
 * clobber (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createLinodeClient, LINODE_API_URL, type LinodeDnsClient } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(LINODE_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default(['*.linode.com']),
  /** Records and domains per page (Linode allows 25–500; its default is 100). */
  pageSize: z.number().int().min(25).max(500).default(100),
});

export type LinodePluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  token: z
    .string()
    .trim()
    .min(1)
    .meta({ title: 'Personal access token', description: 'Cloud Manager → your profile → API Tokens → Create a Personal Access Token, with Domains: Read/Write' }),
});

export type LinodeCredentials = z.output<typeof credentialsSchema>;

/** One line per permission, in the words of Cloud Manager's token form; the README says the same. */
export const LINODE_PERMISSIONS = [
  'Domains: Read/Write (OAuth scope domains:read_write): reads the domains and writes their records.',
  'Every other scope: No Access.',
];

/** The kernel's client over the Linode client. */
export function adapt(client: LinodeDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones: zones.map((zone) => zone.name), message: `The Linode token sees ${zones.length} domain(s)` };
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
    listZones: async (ctx) => (await client.listZones(ctx)).map((zone) => zone.name),
  };
}

export default defineDnsProvider({
  id: 'dns.linode',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'linode',
    displayName: 'Linode (Akamai Cloud)',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each; no comment field on a record (ownership by TXT marker), no ALIAS.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: LINODE_PERMISSIONS,
    docsUrl: 'https://techdocs.akamai.com/cloud-computing/docs/manage-personal-access-tokens',
    connect: ({ credentials, services }) =>
      adapt(createLinodeClient({ token: credentials.token, baseURL: options.baseURL, timeoutMs: options.timeoutMs, pageSize: options.pageSize, fetch: services.fetch })),
  }),
});
