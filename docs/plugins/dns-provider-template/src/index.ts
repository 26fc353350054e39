/**
 * The `dns.example` plugin: a thin adapter from Portico's DNS provider contract (apiVersion 1, see
 * docs/plugins/dns-providers.md) to the ExampleDNS client. It translates and nothing else: the kernel reads the
 * zone, plans, checks ownership, refuses conflicts, honours dry runs and decides about retries.
 *
 * COPIER: rename `dns.example` / `example` / `ExampleDNS`, keep the shape.
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient, type ProviderChange } from '@portico/kernel';
import { createExampleDnsClient, ExampleDnsError, type ExampleDnsClient } from './client.ts';

/** Plugin options (portico.config.json `plugins[].options`): the same for every credential. */
export const optionsSchema = z.object({
  /** The API's base URL; tests point it at the fake on 127.0.0.1. */
  apiUrl: z.url().default('https://api.exampledns.test/v1'),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Nameserver patterns detection matches (`*` is one label); override for vanity nameservers. */
  nameservers: z.array(z.string().min(1)).default(['*.ns.exampledns.net']),
});

/**
 * One stored credential. The kernel parses it with this schema before `connect`, and reports a bad one with
 * field names only (`DNS_CREDENTIALS_INVALID`), never the values. `GET /v1/providers` turns it into JSON
 * Schema for the console's form, `title` and `description` included: plain fields, no transforms.
 */
export const credentialsSchema = z.object({
  token: z.string().min(1).meta({ title: 'API token', description: 'ExampleDNS console → Account → API tokens, with the scopes listed below' }),
});

/**
 * Failures that are about the call, not one change: every later change would fail the same way. Thrown, so
 * the job layer stops (auth, permission) or retries the whole apply (rate_limit, transient); the writes done
 * before stay, and the next apply re-plans them as `noop`.
 */
const CALL_LEVEL = new Set(['auth', 'permission', 'rate_limit', 'transient']);

/** The runtime half: one per credential, built by `connect` without any network. */
function adapt(client: ExampleDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = await client.listZones(ctx?.signal);
      return { zones: zones.map((zone) => zone.name) };
    },

    async listZones(ctx) {
      return (await client.listZones(ctx?.signal)).map((zone) => zone.name);
    },

    async getZone(name, ctx) {
      const { id, name: zone, nameservers } = await client.findZone(name, ctx?.signal);
      return { id, name: zone, nameservers };
    },

    async getRecords(zone, query, ctx) {
      const { id } = await client.findZone(zone, ctx?.signal);
      const sets = await client.listRecordSets(id, ctx?.signal);
      // `names` is a filter the kernel may pass to read less; returning more is allowed, fewer is not.
      const wanted = query?.names && new Set(query.names);
      return wanted ? sets.filter((set) => wanted.has(set.name)) : sets;
    },

    /**
     * ExampleDNS writes one record set per request: not atomic, so one result per change, in the order given.
     * Deletes go first, so that a CNAME replacing an A at the same name in one apply does not meet the A.
     */
    async applyChanges(zone, changes, ctx) {
      const { id } = await client.findZone(zone, ctx?.signal);
      const results: Array<Error | undefined> = new Array(changes.length).fill(undefined);
      const order = changes.map((_, i) => i).sort((a, b) => Number(changes[b]!.action === 'delete') - Number(changes[a]!.action === 'delete'));
      for (const i of order) {
        try {
          await write(client, id, changes[i]!, ctx?.comment, ctx?.signal);
        } catch (error) {
          if (!(error instanceof ExampleDnsError) || CALL_LEVEL.has(error.kind)) throw error;
          results[i] = error;
        }
      }
      return results;
    },
  };
}

/** One change → one request. `comment` is the kernel's owner marker (`ownership: 'comment'`). */
function write(client: ExampleDnsClient, zoneId: string, change: ProviderChange, comment: string | undefined, signal?: AbortSignal): Promise<void> {
  if (change.action === 'delete') return client.deleteRecordSet(zoneId, change.set.name, change.set.type, signal);
  return client.putRecordSet(zoneId, { ...change.set, comment }, signal);
}

export default defineDnsProvider({
  id: 'dns.example',
  ...packageFacts(import.meta.url), // version and kernel range from package.json
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'example',
    displayName: 'ExampleDNS',
    setup: 'api',
    nameservers: options.nameservers,
    capabilities: {
      recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'],
      updateGranularity: 'rrset', // a PUT replaces one whole record set
      atomic: false, // one request per record set: some can land while another fails
      wildcard: true, // `*.shop.example.com` is accepted
      apexAlias: false, // no ALIAS/flattening: the apex gets A/AAAA
      ownership: 'comment', // ExampleDNS keeps a comment per record set
    },
    // The exact scopes a token needs; README.md ("Token permissions") says the same, and a test checks it.
    permissions: ['zones:read (Zones: Read) on the zones Portico manages', 'rrsets:write (Record sets: Edit) on the same zones'],
    docsUrl: 'https://docs.exampledns.test/api/tokens',
    connect: ({ credentials, services }) =>
      adapt(createExampleDnsClient({ apiUrl: options.apiUrl, token: credentials.token, timeoutMs: options.timeoutMs, fetch: services.fetch })),
  }),
});
