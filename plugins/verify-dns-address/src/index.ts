import { defineVerifier, packageFacts, verifierOptions, z } from '@portico/kernel';
import { canonicalIp, decide, expectedRecords, shouldAskCname } from './check.ts';

export { VALUE_PREFIX, canonicalIp, decide, decideAddresses, decideToken, expectedRecords, shouldAskCname } from './check.ts';
export type { Edge, Evidence } from './check.ts';

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
    recordName: verifierOptions.recordName(),
  })
  .refine((options) => options.ipv4.length + options.ipv6.length > 0, {
    message: 'list at least one edge address in ipv4 or ipv6: the addresses apex hostnames must point to',
    path: ['ipv4'],
  });

export type DnsAddressOptions = z.input<typeof optionsSchema>;

export default defineVerifier({
  id: 'verify.dns-address',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  methods: [
    {
      method: 'dns-address',
      title: 'A/AAAA records (apex)',
      challenge: ({ hostname, token }, options) => expectedRecords(options, hostname, token),
      async check({ hostname, token, options, dns, signal }) {
        const [a, aaaa, txt] = await Promise.all([
          dns.query(hostname, 'A', { signal }),
          dns.query(hostname, 'AAAA', { signal }),
          dns.query(`${options.recordName}.${hostname}`, 'TXT', { signal }),
        ]);
        const cname = shouldAskCname(a, aaaa) ? await dns.query(hostname, 'CNAME', { signal }) : undefined;
        return decide({ a, aaaa, cname, txt }, options, hostname, token);
      },
    },
  ],
});
