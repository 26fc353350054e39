/**
 * `dns.gandi`: Portico writes records through the Gandi LiveDNS API v5 with a personal access token. A thin
 * adapter over the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber.
 */
import { defineDnsProvider, isOwnerRecordName, packageFacts, z, type DnsProviderClient, type ProviderChange } from '@portico/kernel';
import { createGandiClient, GANDI_LIVEDNS_URL, GandiError, type GandiClient } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** Gandi's LiveDNS nameservers (`ns-12-a.gandi.net`), as in the kernel's well-known table. */
export const GANDI_NAMESERVERS: readonly string[] = ['*.gandi.net'];

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  apiUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(GANDI_LIVEDNS_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Items asked for per page when listing domains and records. */
  perPage: z.number().int().min(1).max(1000).default(100),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...GANDI_NAMESERVERS]),
});

export type GandiPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  token: z.string().trim().min(1).meta({
    title: 'Personal access token',
    description: 'Gandi Admin → Organizations → (the organization owning the domains) → Sharing → Create a token',
  }),
});

export type GandiCredentials = z.output<typeof credentialsSchema>;

/** One line per permission, in the words of Gandi's token form; the README says the same. */
export const GANDI_PERMISSIONS: readonly string[] = [
  'Organization: the organization that owns the domains Portico manages.',
  'Resources: all domains of the organization, or a selection holding each domain Portico manages.',
  'Permissions: Domains → Manage domain name technical configurations (LiveDNS records).',
  'Expiry: a date after which Portico stops working with this token; make a new one before then.',
];

/** Failures about the call, not one change: thrown, so the job layer stops or retries the whole apply. */
const CALL_LEVEL = new Set(['auth', 'permission', 'rate_limit', 'transient']);

/**
 * Deletes first (so a CNAME can replace an A at the same name in one apply), owner records after their sets;
 * then owner records before the sets they mark. A failure then leaves at worst a marker without a set.
 */
function writeOrder(changes: readonly ProviderChange[]): number[] {
  const rank = (c: ProviderChange) => (c.action === 'delete' ? (isOwnerRecordName(c.set.name) ? 1 : 0) : isOwnerRecordName(c.set.name) ? 2 : 3);
  return changes.map((_, i) => i).sort((a, b) => rank(changes[a]!) - rank(changes[b]!) || a - b);
}

export function adapt(client: GandiClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listDomains(ctx?.signal);
      return { zones, message: `The Gandi token sees ${zones.length} LiveDNS domain(s)` };
    },
    listZones: (ctx) => client.listDomains(ctx?.signal),
    async getZone(zone, ctx) {
      const { name, nameservers } = await client.getDomain(zone, ctx?.signal);
      return { name, id: name, nameservers };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx?.signal);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },
    /** One request per record set: not atomic, so one result per change, in the order given. */
    async applyChanges(zone, changes, ctx) {
      const results: Array<Error | undefined> = new Array(changes.length).fill(undefined);
      for (const i of writeOrder(changes)) {
        const { action, set } = changes[i]!;
        try {
          if (action === 'delete') await client.deleteRecordSet(zone, set.name, set.type, ctx?.signal);
          else await client.putRecordSet(zone, set, ctx?.signal);
        } catch (error) {
          if (!(error instanceof GandiError) || CALL_LEVEL.has(error.kind)) throw error;
          results[i] = error;
        }
      }
      return results;
    },
  };
}

export default defineDnsProvider({
  id: 'dns.gandi',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'gandi',
    displayName: 'Gandi LiveDNS',
    setup: 'api',
    nameservers: options.nameservers,
    // Record sets by name and type, one request each (not atomic). No comment field: owner TXT records.
    // Gandi offers ALIAS at the apex, but this plugin writes only A/AAAA/CNAME/TXT: the apex gets A/AAAA.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...GANDI_PERMISSIONS],
    docsUrl: 'https://docs.gandi.net/en/managing_an_organization/organizations/personal_access_token.html',
    connect: ({ credentials, services }) =>
      adapt(createGandiClient({ token: credentials.token, apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, perPage: options.perPage, fetch: services.fetch })),
  }),
});
