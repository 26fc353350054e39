/**
 * `dns.namecheap`: Portico writes records through the Namecheap XML API with an API user and key. A thin adapter over
 * the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createNamecheapClient, NAMECHEAP_API_URL, NamecheapDnsError, normalName, type NamecheapDnsClient } from './client.ts';

export * from './client.ts';

export const optionsSchema = z.object({
  /** The API endpoint; `https://api.sandbox.namecheap.com/xml.response` is Namecheap's sandbox, tests use a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(NAMECHEAP_API_URL),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default(['*.registrar-servers.com', '*.namecheaphosting.com']),
  /** Domains per page when listing the account's domains (Namecheap allows 10 to 100). */
  pageSize: z.number().int().min(10).max(100).default(100),
  /** The IPv4 address Portico calls Namecheap from (Namecheap's `ClientIp`), unless a credential names its own. */
  clientIp: z.ipv4().optional(),
});

export type NamecheapPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  /** The API user: the Namecheap account's user name. */
  apiUser: z.string().trim().min(1).max(20),
  /** Profile → Tools → Business & Dev Tools → Namecheap API Access → API Key. */
  apiKey: z.string().trim().min(1).max(50),
  /** The account the commands act on, when it is not `apiUser`. */
  userName: z.string().trim().min(1).max(20).optional(),
  /** The whitelisted IPv4 address Portico calls from, when the plugin's `clientIp` option is not set. */
  clientIp: z.ipv4().optional(),
});

export type NamecheapCredentials = z.output<typeof credentialsSchema>;

/** One line per requirement; the README says the same. Namecheap API keys carry no scopes. */
export const NAMECHEAP_PERMISSIONS = [
  'API access turned on: Profile → Tools → Business & Dev Tools → Namecheap API Access → ON (Namecheap grants it to accounts with 20 or more domains, $50 on balance or $50 spent in the last two years).',
  'The address Portico calls from whitelisted: Namecheap API Access → Whitelisted IPs → the IPv4 address given as clientIp.',
  'Namecheap API keys have no scopes: the key can change every domain of the account; the domain must use Namecheap BasicDNS (or PremiumDNS/FreeDNS) nameservers.',
];

/** The kernel's client over the Namecheap client. */
export function adapt(client: NamecheapDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx);
      return { zones, message: `The Namecheap API user sees ${zones.length} domain(s)` };
    },
    getZone: (zone, ctx) => client.getZone(zone, ctx),
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      const sets = await client.getRecordSets(zone, ctx);
      return sets.filter((set) => !wanted || wanted.has(set.name));
    },
    // One setHosts carries every change: all or nothing (capabilities.atomic), so a failure throws.
    applyChanges: (zone, changes, ctx) => client.applyChanges(zone, changes, ctx),
    listZones: (ctx) => client.listZones(ctx),
  };
}

/** A client that fails every call with `validation` when no ClientIp is known: Namecheap requires one. */
function withoutClientIp(): DnsProviderClient {
  const fail = () => Promise.reject(new NamecheapDnsError('validation', 'Namecheap needs the whitelisted IPv4 address Portico calls from: set the plugin option clientIp or the credential field clientIp'));
  return { verifyCredentials: fail, getZone: fail, getRecords: fail, applyChanges: fail };
}

export default defineDnsProvider({
  id: 'dns.namecheap',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'namecheap',
    displayName: 'Namecheap',
    setup: 'api',
    nameservers: options.nameservers,
    // setHosts replaces the domain's whole host list in one call: zone granularity, all or nothing. Hosts have no
    // comment field, so ownership is by TXT record. `*` hosts are accepted; an apex alias would need Namecheap's
    // ALIAS type, which this plugin does not write.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'zone', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: NAMECHEAP_PERMISSIONS,
    docsUrl: 'https://www.namecheap.com/support/api/intro/',
    connect: ({ credentials, services }) => {
      const clientIp = credentials.clientIp ?? options.clientIp;
      if (!clientIp) return withoutClientIp();
      return adapt(createNamecheapClient({ ...credentials, clientIp, baseURL: options.baseURL, timeoutMs: options.timeoutMs, pageSize: options.pageSize, fetch: services.fetch }));
    },
  }),
});
