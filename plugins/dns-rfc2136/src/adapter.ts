/**
 * The RFC 2136 client as a Portico DNS provider client. The client is per zone, so one is made for each zone the
 * kernel asks about; reads are signed queries by name (no zone transfer), writes one signed UPDATE.
 */
import { DnsProviderError, type DnsProviderClient, type ProviderCallContext } from '@portico/kernel';
import { createRfc2136Client, type Rfc2136Client } from './client.ts';
import { parseServer, serverKey, type Rfc2136Credentials } from './schema.ts';

export interface Rfc2136AdapterOptions {
  allowedServers: string[];
  timeoutMs: number;
  tries: number;
}

/** Names read at once by `getRecords` (each is four signed queries, one per type, sent together). */
export const RFC2136_NAME_CONCURRENCY = 8;

/** `connect` of the provider: no network here, only the server allow-list and the parsing of the credential. */
export function connectRfc2136(options: Rfc2136AdapterOptions, credentials: Rfc2136Credentials): DnsProviderClient {
  const server = parseServer(credentials.server);
  const where = serverKey(server);
  if (options.allowedServers.length > 0 && !options.allowedServers.some((allowed) => serverKey(parseServer(allowed)) === where)) {
    throw new DnsProviderError('validation', `The DNS server ${where} is not one the dns.rfc2136 "allowedServers" option lists`);
  }
  const key = { name: credentials.keyName, algorithm: credentials.algorithm, secret: credentials.secret };
  const clients = new Map<string, Rfc2136Client>();
  const forZone = (zone: string): Rfc2136Client => {
    const name = zone.trim().toLowerCase().replace(/\.$/, '');
    let client = clients.get(name);
    if (!client) {
      client = createRfc2136Client({ server, zone: name, key, timeoutMs: options.timeoutMs, tries: options.tries });
      clients.set(name, client);
    }
    return client;
  };
  // The client has its own timeouts and takes no signal: an aborted call is refused before it sends anything.
  const started = (ctx: ProviderCallContext | undefined) => ctx?.signal?.throwIfAborted();

  return {
    async verifyCredentials(ctx) {
      started(ctx);
      if (credentials.zone === undefined) {
        return { message: `Only the credential's shape was checked: without "zone" nothing can prove key ${credentials.keyName} to ${where}; the first write will.` };
      }
      const client = forZone(credentials.zone);
      await client.verifyCredentials();
      return { zones: [client.zone], message: `${where} accepted key ${credentials.keyName} for ${client.zone}; what the key may change shows on the first write.` };
    },

    async getZone(zone, ctx) {
      started(ctx);
      const client = forZone(zone);
      return { name: client.zone, nameservers: await client.getNameservers() };
    },

    async getRecords(zone, { names } = {}, ctx) {
      started(ctx);
      const client = forZone(zone);
      // A whole zone needs a transfer (AXFR), which the key must be allowed; the kernel always names what it reads.
      if (names === undefined) return client.getRecords();
      const unique = [...new Set(names.map((name) => name.trim().toLowerCase().replace(/\.$/, '')))];
      return (await inBatches(unique, RFC2136_NAME_CONCURRENCY, (name) => client.getRecords(name))).flat();
    },

    async applyChanges(zone, changes, ctx) {
      started(ctx);
      await forZone(zone).apply({
        upsert: changes.filter((change) => change.action !== 'delete').map((change) => change.set),
        remove: changes.filter((change) => change.action === 'delete').map(({ set }) => ({ name: set.name, type: set.type })),
      });
    },
  };
}

/** `fn` over `items`, at most `limit` at a time, results in input order. */
async function inBatches<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
