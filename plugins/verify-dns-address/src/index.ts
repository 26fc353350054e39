import { definePlugin, z, type DnsAnswer, type DnsLookup } from '@portico/kernel';
import { canonicalIp, decide, expectedRecords, normaliseHost, shouldAskCname } from './check.ts';

export { VALUE_PREFIX, canonicalIp, decide, decideAddresses, decideToken, expectedRecords, shouldAskCname } from './check.ts';
export type { Edge, Evidence } from './check.ts';

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

const address = (family: 4 | 6) =>
  z.string().refine((ip) => canonicalIp(ip) !== undefined && (family === 4 ? !ip.includes(':') : ip.includes(':')), {
    message: family === 4 ? 'must be an IPv4 address (192.0.2.10)' : 'must be an IPv6 address (2001:db8::10)',
  });

export const optionsSchema = z
  .object({
    /** The platform's edge IPv4 addresses: every A record of a verified hostname is one of these. */
    ipv4: z.array(address(4)).default([]),
    /** The platform's edge IPv6 addresses: every AAAA record of a verified hostname is one of these. */
    ipv6: z.array(address(6)).default([]),
    /** The label in front of the hostname where the TXT token lives: `<recordName>.<hostname>`. */
    recordName: z
      .string()
      .regex(LABEL, { message: "must be one DNS label: 1-63 lower-case letters, digits, '-' or '_', not starting or ending with '-'" })
      .default('_portico-challenge'),
  })
  .refine((options) => options.ipv4.length + options.ipv6.length > 0, {
    message: 'list at least one edge address in ipv4 or ipv6: the addresses apex hostnames must point to',
    path: ['ipv4'],
  });

export type DnsAddressOptions = z.input<typeof optionsSchema>;

/** `query` that never rejects: a lookup service that throws is still a checker error, not an absent record. */
async function safeQuery(dns: DnsLookup, name: string, type: 'A' | 'AAAA' | 'CNAME' | 'TXT', signal?: AbortSignal): Promise<DnsAnswer> {
  try {
    return await dns.query(name, type, { signal });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { status: 'error', code: typeof code === 'string' ? code : 'EUNKNOWN', message: error instanceof Error ? error.message : String(error) };
  }
}

export default definePlugin({
  id: 'verify.dns-address',
  version: '0.1.0',
  kernel: '^0.1.0',
  options: optionsSchema,
  describe: (options) => ({
    verificationMethods: [
      {
        method: 'dns-address',
        title: 'A/AAAA records (apex)',
        challenge: ({ hostname, token }) => expectedRecords(options, hostname, token),
      },
    ],
  }),
  apply({ hooks, services, options }) {
    hooks.verify.for('dns-address').tapPromise('verify.dns-address', async ({ hostname, token, signal }) => {
      const host = normaliseHost(hostname);
      const [a, aaaa, txt] = await Promise.all([
        safeQuery(services.dns, host, 'A', signal),
        safeQuery(services.dns, host, 'AAAA', signal),
        safeQuery(services.dns, `${options.recordName}.${host}`, 'TXT', signal),
      ]);
      const cname = shouldAskCname(a, aaaa) ? await safeQuery(services.dns, host, 'CNAME', signal) : undefined;
      return decide({ a, aaaa, cname, txt }, options, host, token);
    });
  },
});
