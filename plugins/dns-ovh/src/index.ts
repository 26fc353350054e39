/**
 * `dns.ovh`: Portico writes records through the OVHcloud API v1 (`/domain/zone`) with an application key, its secret
 * and a consumer key. A thin adapter over the vendor client (client.ts); the kernel plans, checks ownership and
 * refuses to clobber (dns-plan.ts).
 */
import { applyRecordChanges, defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createOvhClient, OVH_ENDPOINTS, OvhDnsError, type OvhDnsClient } from './client.ts';

export * from './client.ts';

export const optionsSchema = z.object({
  /** The API root for every credential, instead of the one its `endpoint` names; tests point it at a fake. */
  baseURL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default(['*.ovh.net', '*.ovh.co.uk', '*.anycast.me']),
  /** Record reads in flight at once (OVHcloud lists ids; each record is one GET). */
  concurrency: z.number().int().min(1).max(32).default(8),
});

export type OvhPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  endpoint: z
    .enum(['ovh-eu', 'ovh-ca', 'ovh-us'])
    .default('ovh-eu')
    .meta({ title: 'API endpoint', description: 'The region of the OVHcloud account: ovh-eu (eu.api.ovh.com), ovh-ca (ca.api.ovh.com) or ovh-us (api.us.ovhcloud.com)' }),
  applicationKey: z.string().trim().min(1).meta({ title: 'Application key', description: 'From https://<endpoint>/createToken/ (or createApp)' }),
  applicationSecret: z.string().trim().min(1).meta({ title: 'Application secret', description: 'Shown once when the application is created' }),
  consumerKey: z.string().trim().min(1).meta({ title: 'Consumer key', description: 'The validated consumer key holding the access rules below' }),
});

export type OvhCredentials = z.output<typeof credentialsSchema>;

/** One line per access rule of the consumer key, as OVHcloud's createToken form takes them; the README says the same. */
export const OVH_PERMISSIONS = [
  'GET /domain/zone (lists the zones when the credential is checked; optional).',
  'GET /domain/zone/<zone> (reads the zone and its nameservers).',
  'GET /domain/zone/<zone>/record and GET /domain/zone/<zone>/record/* (reads the records).',
  'POST /domain/zone/<zone>/record, PUT /domain/zone/<zone>/record/* and DELETE /domain/zone/<zone>/record/* (writes the records).',
  'POST /domain/zone/<zone>/refresh (puts the changes into the served zone).',
];

/** The kernel's client over the OVHcloud client. */
export function adapt(client: OvhDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const { credentialId } = await client.currentCredential(ctx);
      const key = `OVHcloud consumer key${credentialId === undefined ? '' : ` ${credentialId}`}`;
      try {
        const zones = await client.listZones(ctx);
        return { zones, message: `${key} is validated and sees ${zones.length} zone(s)` };
      } catch (error) {
        // A key scoped to some zones may not list them all: GET /domain/zone is optional.
        if (error instanceof OvhDnsError && error.kind === 'permission') return { message: `${key} is validated (it may not list zones)` };
        throw error;
      }
    },
    getZone: (zone, ctx) => client.getZone(zone, ctx),
    getRecords: (zone, query, ctx) => client.getRecordSets(zone, { signal: ctx?.signal, names: query?.names }),
    async applyChanges(zone, changes, ctx) {
      const signal = ctx?.signal;
      let writes = 0;
      const count = async <T>(write: Promise<T>) => {
        const result = await write;
        writes++;
        return result;
      };
      let results: Array<Error | undefined>;
      try {
        results = await applyRecordChanges(
          {
            create: (set, value) => count(client.createRecord(zone, set, value, { signal })),
            update: (record, set, value) => count(client.updateRecord(zone, Number(record.id), set, value, { signal })),
            remove: (record) => count(client.deleteRecord(zone, Number(record.id), { signal })),
            recordsOf: async (name, type) => (await client.getRecordSets(zone, { signal, names: [name] })).find((set) => set.name === name && set.type === type)?.records ?? [],
          },
          changes,
        );
      } catch (error) {
        // What landed before the failure is served too, so the zone matches what the retry will read.
        if (writes > 0 && !signal?.aborted) await client.refresh(zone, { signal }).catch(() => undefined);
        throw error;
      }
      if (writes > 0) await client.refresh(zone, { signal });
      return results;
    },
    listZones: (ctx) => client.listZones(ctx),
  };
}

export default defineDnsProvider({
  id: 'dns.ovh',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'ovh',
    displayName: 'OVHcloud',
    setup: 'api',
    nameservers: options.nameservers,
    // Single records with ids, one request each, then one zone refresh; no comment field (ownership by TXT marker),
    // no ALIAS record and no CNAME at the apex.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: OVH_PERMISSIONS,
    docsUrl: 'https://help.ovhcloud.com/csm/en-gb-api-getting-started-ovhcloud-api',
    connect: ({ credentials, services }) =>
      adapt(
        createOvhClient({
          applicationKey: credentials.applicationKey,
          applicationSecret: credentials.applicationSecret,
          consumerKey: credentials.consumerKey,
          baseURL: options.baseURL ?? OVH_ENDPOINTS[credentials.endpoint],
          timeoutMs: options.timeoutMs,
          concurrency: options.concurrency,
          fetch: services.fetch,
        }),
      ),
  }),
});
