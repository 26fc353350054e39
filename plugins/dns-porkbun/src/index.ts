/**
 * `dns.porkbun`: Portico writes records through the Porkbun API v3 with an API key pair. A thin adapter over the
 * vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, isOwnerRecordName, packageFacts, z, type DnsProviderClient, type ProviderChange } from '@portico/kernel';
import { createPorkbunClient, PORKBUN_API_URL, PorkbunError, type PorkbunClient, type PorkbunRecordSet } from './client.ts';
import { normalName } from './content.ts';

export * from './client.ts';

/** Porkbun's nameservers (`curitiba.ns.porkbun.com`), as in the kernel's well-known table. */
export const PORKBUN_NAMESERVERS: readonly string[] = ['*.ns.porkbun.com'];

export const optionsSchema = z.object({
  /** The API's base URL; tests point it at a fake. */
  apiUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(PORKBUN_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...PORKBUN_NAMESERVERS]),
});

export type PorkbunPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  apiKey: z.string().trim().min(1).meta({ title: 'API key', description: 'porkbun.com/account/api → Create API Key: the key starting pk1_' }),
  secretApiKey: z.string().trim().min(1).meta({ title: 'Secret API key', description: 'Shown once, when the key is created: the key starting sk1_' }),
});

export type PorkbunCredentials = z.output<typeof credentialsSchema>;

/** One line per permission; the README says the same. */
export const PORKBUN_PERMISSIONS: readonly string[] = [
  'An API key pair of the account that holds the domains (porkbun.com/account/api → Create API Key).',
  'API Access turned on for each domain Portico manages (Domain Management → the domain → Details → API Access).',
  'Key restrictions, if set: each domain Portico manages, and the addresses Portico calls from.',
];

const CALL_LEVEL = new Set(['auth', 'permission', 'rate_limit', 'transient']);

/** Deletes first, owner records after their sets; then owner records before the sets they mark. */
function writeOrder(changes: readonly ProviderChange[]): number[] {
  const rank = (c: ProviderChange) => (c.action === 'delete' ? (isOwnerRecordName(c.set.name) ? 1 : 0) : isOwnerRecordName(c.set.name) ? 2 : 3);
  return changes.map((_, i) => i).sort((a, b) => rank(changes[a]!) - rank(changes[b]!) || a - b);
}

export function adapt(client: PorkbunClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      await client.ping(ctx?.signal);
      const zones = await client.listDomains(ctx?.signal);
      return { zones, message: `The Porkbun API key pair works and sees ${zones.length} domain(s)` };
    },
    listZones: (ctx) => client.listDomains(ctx?.signal),
    async getZone(zone, ctx) {
      // Reading the records proves the domain exists and has API access; nameservers come from the registry.
      await client.getRecordSets(zone, ctx?.signal);
      const name = normalName(zone);
      return { name, id: name, nameservers: await client.getNameservers(name, ctx?.signal) };
    },
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx?.signal);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },
    /** One request per record: not atomic, so one result per change, in the order given. */
    async applyChanges(zone, changes, ctx) {
      const results: Array<Error | undefined> = new Array(changes.length).fill(undefined);
      for (const i of writeOrder(changes)) {
        const { action, set, before } = changes[i]!;
        const records = (before as PorkbunRecordSet | undefined)?.records ?? [];
        try {
          await client.writeRecordSet(zone, action === 'delete' ? { ...set, values: [] } : set, records, ctx?.signal);
        } catch (error) {
          if (!(error instanceof PorkbunError) || CALL_LEVEL.has(error.kind)) throw error;
          results[i] = error;
        }
      }
      return results;
    },
  };
}

export default defineDnsProvider({
  id: 'dns.porkbun',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'porkbun',
    displayName: 'Porkbun',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each (not atomic). Porkbun documents no writable per-record comment:
    // owner TXT records. Porkbun offers ALIAS, but this plugin writes only A/AAAA/CNAME/TXT: the apex gets A/AAAA.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...PORKBUN_PERMISSIONS],
    docsUrl: 'https://kb.porkbun.com/article/190-getting-started-with-the-porkbun-api',
    connect: ({ credentials, services }) =>
      adapt(createPorkbunClient({ ...credentials, apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, fetch: services.fetch })),
  }),
});
