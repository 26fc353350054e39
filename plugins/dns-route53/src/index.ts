import { defineDnsProvider, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { createRoute53Dns, type Route53DnsOptions } from './client.ts';

export { createRoute53Dns, decodeTxt, encodeTxt, ROUTE53_BATCH_LIMITS, Route53Error } from './client.ts';
export type { BatchLimits, Route53ApplyResult, Route53Dns, Route53DnsOptions, Route53RecordSet, Route53Zone } from './client.ts';

const tlds = (prefix: string, names: string[]) => names.map((tld) => `${prefix}.${tld}`);

/** Route 53's delegation sets (`ns-1234.awsdns-12.org`), as in the kernel's well-known table. */
export const ROUTE53_NAMESERVERS: readonly string[] = [
  ...tlds('*.awsdns-*', ['com', 'net', 'org', 'co.uk']),
  ...tlds('*.amzndns', ['com', 'net', 'org', 'co.uk']),
];

export const optionsSchema = z.object({
  /** Another API endpoint (a local fake in tests, a proxy); unset: the SDK's for `region`. */
  endpoint: z.url().optional(),
  /** Route 53 is global; the region picks the partition and the signing region. */
  region: z.string().min(1).default('us-east-1'),
  /** Nameserver patterns detection matches for this provider. */
  nameservers: z.array(z.string().min(1)).default([...ROUTE53_NAMESERVERS]),
  /** Tries per API call, the first included. 1: the kernel's job layer retries, with its own backoff. */
  maxAttempts: z.number().int().min(1).max(10).default(1),
  /** Longest wait to connect and for one answer, in milliseconds. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});

export type Route53PluginOptions = z.input<typeof optionsSchema>;

/**
 * One stored credential: an IAM access key pair (or temporary STS credentials), checked with one read before it
 * is stored. Plain fields with a title and description each, for the console's form.
 */
export const credentialsSchema = z.object({
  accessKeyId: z.string().min(1).meta({ title: 'Access key ID', description: 'IAM console → Users → (the user for Portico) → Security credentials → Create access key' }),
  secretAccessKey: z.string().min(1).meta({ title: 'Secret access key', description: 'Shown once, when the access key is created' }),
  sessionToken: z.string().min(1).optional().meta({ title: 'Session token', description: 'Only for temporary credentials from AWS STS' }),
  hostedZoneId: z
    .string()
    .regex(/^(\/?hostedzone\/)?[A-Z0-9]{1,32}$/, 'a hosted zone id looks like Z0123456789ABCDEFGHIJ')
    .optional()
    .meta({
      title: 'Hosted zone ID',
      description: 'Optional: the zone to write (Route 53 console → Hosted zones). Needed when several public hosted zones have the same name',
    }),
});

export type Route53Credentials = z.output<typeof credentialsSchema>;

/** The IAM actions Portico calls, one permission line each (the README has the policy JSON). */
export const ROUTE53_PERMISSIONS: readonly string[] = [
  'route53:ListHostedZonesByName on * (the action takes no resource): checks the credential, finds the zone by name',
  'route53:GetHostedZone on arn:aws:route53:::hostedzone/<HOSTED_ZONE_ID> (reads the zone and its name servers)',
  'route53:ListResourceRecordSets on arn:aws:route53:::hostedzone/<HOSTED_ZONE_ID> (reads record sets)',
  'route53:ChangeResourceRecordSets on arn:aws:route53:::hostedzone/<HOSTED_ZONE_ID> (writes A, AAAA, CNAME and TXT record sets)',
  'route53:GetChange on arn:aws:route53:::change/* (reads whether a change has reached every Route 53 name server)',
];

function adapt(options: Omit<Route53DnsOptions, keyof Route53Credentials>, credentials: Route53Credentials): DnsProviderClient {
  const client = createRoute53Dns({ ...options, ...credentials });
  return {
    verifyCredentials: (ctx) => client.verifyCredentials(ctx),
    listZones: (ctx) => client.listZones(ctx),
    getZone: async (zone, ctx) => {
      const { name, id, nameservers } = await client.getZone(zone, ctx);
      return { name, id, nameservers };
    },
    getRecords: (zone, query, ctx) => client.getRecords(zone, query, ctx),
    applyChanges: async (zone, changes, ctx = {}) => (await client.applyChanges(zone, changes, ctx)).outcomes,
  };
}

export default defineDnsProvider({
  id: 'dns.route53',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'route53',
    displayName: 'Amazon Route 53',
    setup: 'api',
    nameservers: options.nameservers,
    // atomic: one request is all or nothing; an apply over 1000 records or 32000 characters is split (README).
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: [...ROUTE53_PERMISSIONS],
    docsUrl: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/security-iam.html',
    connect: ({ credentials }) =>
      adapt({ endpoint: options.endpoint, region: options.region, maxAttempts: options.maxAttempts, timeoutMs: options.timeoutMs }, credentials),
  }),
});
