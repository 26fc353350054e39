/**
 * `dns.powerdns`: Portico writes records through the PowerDNS Authoritative HTTP API. A thin adapter over the
 * vendor client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z } from '@portico/kernel';
import { connectPowerDns } from './adapter.ts';

export * from './client.ts';
export { connectPowerDns, normalApiUrl, POWERDNS_NAME_QUERY_LIMIT, resolveApiUrl } from './adapter.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL, e.g. http://127.0.0.1:8081' });

export const optionsSchema = z.object({
  /** The API every credential uses unless it names its own (one allowed below). */
  apiUrl: httpUrl.optional(),
  /** Other API URLs a credential may name. Empty: a credential may only repeat `apiUrl`. */
  allowedApiUrls: z.array(httpUrl).default([]),
  /** The server id in `/api/v1/servers/<id>`; PowerDNS Authoritative has only `localhost`. */
  serverId: z.string().min(1).default('localhost'),
  /** Longest wait for one API call, response body included. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Nameserver patterns detection matches (`*` one label). Self-hosted PowerDNS has no fixed names. */
  nameservers: z.array(z.string().min(1)).default([]),
});

export type PowerDnsPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  /** The server's `api-key`, sent as `X-API-Key`. */
  apiKey: z.string().min(1),
  /** This credential's own API URL; it must be the plugin's `apiUrl` or listed in `allowedApiUrls`. */
  apiUrl: httpUrl.optional(),
});

export type PowerDnsCredentials = z.output<typeof credentialsSchema>;

/** One line per permission, as the README states them. */
export const POWERDNS_PERMISSIONS = [
  'PowerDNS API key (api-key in pdns.conf, sent as X-API-Key): PowerDNS has no scopes or read-only keys, so the key reads and writes every zone on that server; give Portico a server that holds only the zones it manages.',
  'Network: the API (webserver-address) reachable from Portico, and webserver-allow-from admitting Portico\'s addresses only.',
  'Optional, detection only: a reverse proxy in front of the API that passes only GET; Portico\'s writes then fail as permission.',
];

export default defineDnsProvider({
  id: 'dns.powerdns',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'powerdns',
    displayName: 'PowerDNS Authoritative',
    setup: 'api',
    nameservers: options.nameservers,
    // One PATCH per apply, which PowerDNS runs in one transaction; comments are kept per record set.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'comment' },
    permissions: POWERDNS_PERMISSIONS,
    docsUrl: 'https://doc.powerdns.com/authoritative/http-api/index.html',
    connect: ({ credentials, services }) => connectPowerDns(options, credentials, services.fetch),
  }),
});
