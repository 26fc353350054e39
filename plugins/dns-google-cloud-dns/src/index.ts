/**
 * `dns.google-cloud-dns`: Portico writes records through the Cloud DNS API v1 with a service account key. A thin
 * adapter over the vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber.
 */
import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createGoogleCloudDnsClient, GOOGLE_DNS_ENDPOINT, normalName, type GoogleCloudDnsClient } from './client.ts';

export * from './client.ts';

/** Cloud DNS's nameservers (`ns-cloud-a1.googledomains.com`), as in the kernel's well-known table. */
export const GOOGLE_CLOUD_DNS_NAMESERVERS: readonly string[] = ['*.googledomains.com'];

export const optionsSchema = z.object({
  /** The API's origin; tests point it at a fake. */
  endpoint: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).default(GOOGLE_DNS_ENDPOINT),
  /** Longest wait for one API request. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Nameserver patterns detection matches (`*` one label). */
  nameservers: z.array(z.string().min(1)).default([...GOOGLE_CLOUD_DNS_NAMESERVERS]),
});

export type GoogleCloudDnsPluginOptions = z.input<typeof optionsSchema>;

/** The fields of a service account JSON key Portico uses (the key file's `project_id`, `client_email`, …). */
export const credentialsSchema = z.object({
  projectId: z.string().min(1).meta({ title: 'Project ID', description: 'The project that holds the managed zone (the key file\'s project_id, unless the zone lives elsewhere)' }),
  clientEmail: z.email().meta({ title: 'Service account e-mail', description: 'The key file\'s client_email' }),
  privateKey: z.string().includes('PRIVATE KEY').meta({ title: 'Private key', description: 'The key file\'s private_key (PEM)' }),
  privateKeyId: z.string().min(1).optional().meta({ title: 'Private key ID', description: 'The key file\'s private_key_id' }),
  managedZone: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a managed zone name looks like my-zone').optional().meta({
    title: 'Managed zone',
    description: 'Optional: the managed zone\'s name, skipping the lookup by DNS name (and dns.managedZones.list)',
  }),
});

export type GoogleCloudDnsCredentials = z.output<typeof credentialsSchema>;

/** The IAM permissions Portico uses, one line each (all in roles/dns.admin). */
export const GOOGLE_CLOUD_DNS_PERMISSIONS: readonly string[] = [
  'dns.managedZones.list (checks the credential, finds the zone by DNS name; not needed with managedZone)',
  'dns.managedZones.get (reads the zone and its name servers)',
  'dns.resourceRecordSets.list (reads record sets)',
  'dns.changes.create, dns.resourceRecordSets.create, dns.resourceRecordSets.update, dns.resourceRecordSets.delete (writes record sets)',
  'Granted as roles/dns.admin on the project, or a custom role with the permissions above',
];

export function adapt(client: GoogleCloudDnsClient): DnsProviderClient {
  return {
    async verifyCredentials(ctx) {
      const zones = (await client.listZones(ctx)).map((zone) => zone.name);
      return { zones, message: `the service account can see ${zones.length} public managed zone(s)` };
    },
    getZone: (zone, ctx) => client.getZone(zone, ctx),
    async getRecords(zone, query, ctx) {
      const wanted = query?.names && new Set(query.names.map(normalName));
      return (await client.getRecords(zone, ctx)).filter((set) => !wanted || wanted.has(set.name));
    },
    async applyChanges(zone, changes, ctx) {
      // One Cloud DNS change, all or nothing: a failure throws and nothing was written (capabilities.atomic).
      await client.applyChanges(zone, changes, ctx);
    },
    listZones: async (ctx) => (await client.listZones(ctx)).map((zone) => zone.name),
  };
}

export default defineDnsProvider({
  id: 'dns.google-cloud-dns',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'google-cloud-dns',
    displayName: 'Google Cloud DNS',
    setup: 'api',
    nameservers: options.nameservers,
    // Record sets per name and type; one `changes.create` per apply, applied all or nothing. Cloud DNS keeps no
    // comment on a record set, so ownership is a TXT record. Its ALIAS type points only at Google load balancers.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...GOOGLE_CLOUD_DNS_PERMISSIONS],
    docsUrl: 'https://cloud.google.com/iam/docs/keys-create-delete',
    connect: ({ credentials }) => adapt(createGoogleCloudDnsClient({ ...credentials, endpoint: options.endpoint, timeoutMs: options.timeoutMs })),
  }),
});
