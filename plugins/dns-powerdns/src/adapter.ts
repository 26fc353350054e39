/**
 * The PowerDNS client as a Portico DNS provider client: which API a credential may reach, record sets with their
 * ownership comment, and every change of one apply in one PATCH.
 */
import { DnsProviderError, markerOwner, toProviderError, type DnsProviderClient, type ProviderCallContext, type ProviderRecordSet } from '@portico/kernel';
import { createPowerDnsClient, type PowerDnsClient, type PowerDnsRecordSet } from './client.ts';

export interface PowerDnsAdapterOptions {
  apiUrl?: string;
  allowedApiUrls: string[];
  serverId: string;
  timeoutMs: number;
}

/**
 * Up to this many names, `getRecords` asks for each name on its own (a small filtered GET each, in parallel); past
 * it, one GET of the whole zone is cheaper than that many requests. The planner asks for the few names one apply
 * writes, and a SaaS zone may hold a record set per customer, so reading the whole zone on every apply would not
 * scale.
 */
export const POWERDNS_NAME_QUERY_LIMIT = 16;

/** An API URL as compared with the allow-list: no trailing slash or `/api/v1`, host lower-case, default port dropped. */
export function normalApiUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  parsed.search = '';
  parsed.hash = '';
  return parsed.href.replace(/\/+$/, '');
}

/**
 * The API URL a credential reaches: its own `apiUrl` only when it is the plugin's `apiUrl` or listed in
 * `allowedApiUrls` (tenants must not point Portico at arbitrary internal URLs), else the plugin's `apiUrl`.
 */
export function resolveApiUrl(options: Pick<PowerDnsAdapterOptions, 'apiUrl' | 'allowedApiUrls'>, credentialUrl: string | undefined): string {
  if (credentialUrl === undefined) {
    if (options.apiUrl === undefined) {
      throw new DnsProviderError('validation', 'No PowerDNS API URL: set the dns.powerdns "apiUrl" option, or an "apiUrl" in the credential that the option "allowedApiUrls" lists');
    }
    return options.apiUrl;
  }
  const wanted = normalApiUrl(credentialUrl);
  const allowed = [options.apiUrl, ...options.allowedApiUrls].filter((url) => url !== undefined).map(normalApiUrl);
  // The URL itself stays out of the message: it may carry user:password.
  if (!allowed.includes(wanted)) throw new DnsProviderError('validation', 'The credential\'s PowerDNS apiUrl is not allowed: it must be the plugin\'s "apiUrl" or listed in "allowedApiUrls"');
  return credentialUrl;
}

/** `connect` of the provider: no network here, only the URL rule and the client's own checks. */
export function connectPowerDns(options: PowerDnsAdapterOptions, credentials: { apiKey: string; apiUrl?: string }, fetch: typeof globalThis.fetch): DnsProviderClient {
  const apiUrl = resolveApiUrl(options, credentials.apiUrl);
  let client: PowerDnsClient;
  try {
    client = createPowerDnsClient({ apiUrl, apiKey: credentials.apiKey, serverId: options.serverId, timeoutMs: options.timeoutMs, fetch });
  } catch (error) {
    throw toProviderError(error);
  }
  return powerDnsProviderClient(client);
}

/** The contract's client over a PowerDNS client. Errors pass up as they are: they carry the kernel's `kind`. */
export function powerDnsProviderClient(client: PowerDnsClient): DnsProviderClient {
  // The vendor client has its own timeout and takes no signal: an aborted call is refused before it starts.
  const started = (ctx: ProviderCallContext | undefined) => ctx?.signal?.throwIfAborted();
  return {
    async verifyCredentials(ctx) {
      started(ctx);
      const server = await client.verifyCredentials();
      const zones = await client.listZones();
      return { zones: zones.map((zone) => zone.name).sort(), message: `PowerDNS ${server.version} (${server.daemonType}, server ${server.id})` };
    },

    async listZones(ctx) {
      started(ctx);
      return (await client.listZones()).map((zone) => zone.name).sort();
    },

    async getZone(zone, ctx) {
      started(ctx);
      const info = await client.getZone(zone);
      return { name: info.name, id: `${info.name}.`, nameservers: info.nameservers };
    },

    async getRecords(zone, { names } = {}, ctx) {
      started(ctx);
      if (names === undefined || names.length > POWERDNS_NAME_QUERY_LIMIT) {
        const wanted = names && new Set(names.map(bare));
        const sets = await client.getRecords(zone);
        return sets.filter((set) => !wanted || wanted.has(set.name)).map(toProviderSet);
      }
      const perName = await Promise.all([...new Set(names.map(bare))].map((name) => client.getRecords(zone, { name })));
      return perName.flat().map(toProviderSet);
    },

    async applyChanges(zone, changes, ctx) {
      started(ctx);
      await client.apply(zone, {
        upsert: changes.filter((change) => change.action !== 'delete').map((change) => change.set),
        remove: changes.filter((change) => change.action === 'delete').map(({ set }) => ({ name: set.name, type: set.type })),
        comment: ctx?.comment,
      });
    },
  };
}

const bare = (name: string) => name.trim().toLowerCase().replace(/\.+$/, '');

/**
 * PowerDNS keeps a list of comments per record set; the contract has one. Portico writes its marker as the only
 * comment, so the marker is taken when there is one, else the first comment (someone else's note: not ours).
 */
function toProviderSet({ comments, ...set }: PowerDnsRecordSet): ProviderRecordSet {
  const comment = comments.find((text) => markerOwner(text) !== undefined) ?? comments[0];
  return comment === undefined ? set : { ...set, comment };
}
