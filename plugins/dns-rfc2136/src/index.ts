/**
 * `dns.rfc2136`: Portico writes records with RFC 2136 dynamic updates signed with TSIG (BIND, Knot, any RFC 2136
 * server). A thin adapter over the vendor client (client.ts); the kernel plans, checks ownership and refuses to
 * clobber (dns-plan.ts). DNS keeps no comments, so Portico marks what it owns with owner TXT records.
 */
import { defineDnsProvider, packageFacts } from '@portico/kernel';
import { connectRfc2136 } from './adapter.ts';
import { credentialsSchema, optionsSchema } from './schema.ts';

export * from './client.ts';
export { connectRfc2136, RFC2136_NAME_CONCURRENCY } from './adapter.ts';
export { credentialsSchema, optionsSchema, parseServer, serverKey } from './schema.ts';
export type { Rfc2136Credentials, Rfc2136PluginOptions, ServerAddress } from './schema.ts';

/** One line per permission, as the README states them (with the BIND and Knot configuration lines). */
export const RFC2136_PERMISSIONS = [
  'TSIG key (name, algorithm, base64 secret) that the zone\'s primary server knows.',
  'Update: the key may update A, AAAA, CNAME and TXT records in the zone (BIND update-policy "grant <key> zonesub A AAAA CNAME TXT;", Knot acl "action: update" with "update-type: [A, AAAA, CNAME, TXT]").',
  'Query: signed queries for names in the zone (the default on BIND; on Knot the key must be named by an acl of the zone, which the update acl does). No zone transfer (AXFR) is needed.',
  'Network: UDP and TCP to the server\'s DNS port from Portico.',
];

export default defineDnsProvider({
  id: 'dns.rfc2136',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'rfc2136',
    displayName: 'RFC 2136 (BIND, Knot, TSIG)',
    setup: 'api',
    nameservers: options.nameservers,
    // One signed UPDATE per apply, which the server applies whole or not at all; no comments, so owner TXT records.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
    permissions: RFC2136_PERMISSIONS,
    docsUrl: 'https://www.rfc-editor.org/rfc/rfc2136',
    connect: ({ credentials }) => connectRfc2136(options, credentials),
  }),
});
