import { Resolver } from 'node:dns/promises';
import type { DnsAnswer, DnsLookup } from '../services.ts';

export interface DnsLookupOptions {
  /** Servers to ask, as IP addresses with optional port: `192.0.2.53`, `127.0.0.1:5353`, `[2001:db8::53]:53`. */
  servers: string[];
  /** Per-try timeout in milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Attempts per server before giving up. Default 2. */
  tries?: number;
}

export type QueryType = Parameters<DnsLookup['query']>[1];

/** How one question is put to servers; shared by `createDnsLookup` and `createAuthoritativeLookup`. */
export interface AskOptions {
  servers: string[];
  timeoutMs: number;
  tries: number;
  signal?: AbortSignal;
}

const ask: Record<QueryType, (resolver: Resolver, name: string) => Promise<string[]>> = {
  A: (resolver, name) => resolver.resolve4(name),
  AAAA: (resolver, name) => resolver.resolve6(name),
  CNAME: async (resolver, name) => (await resolver.resolveCname(name)).map(normaliseHost),
  NS: async (resolver, name) => (await resolver.resolveNs(name)).map(normaliseHost),
  // A TXT record arrives as its character-strings (255 bytes each); the value is their concatenation.
  TXT: async (resolver, name) => (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')),
};

/** Lower case, no trailing dot: the form every name takes in a `DnsAnswer` and in comparisons. */
export function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * Asks `servers` one question and maps the outcome to the tri-state `DnsAnswer`. Never rejects: every failure
 * becomes `{ status: 'error', code }`.
 */
export async function answer(name: string, type: QueryType, { servers, timeoutMs, tries, signal }: AskOptions): Promise<DnsAnswer> {
  if (signal?.aborted) return { status: 'error', code: 'ECANCELLED', message: `DNS query for ${name} ${type} was cancelled` };
  // One resolver per query: cancel() cancels everything pending on a resolver, not just this query.
  const resolver = new Resolver({ timeout: timeoutMs, tries });
  const cancel = () => resolver.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    resolver.setServers(servers);
    const values = await ask[type](resolver, name);
    return values.length > 0 ? { status: 'found', values } : { status: 'nodata' };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOTFOUND') return { status: 'nxdomain' };
    if (code === 'ENODATA') return { status: 'nodata' };
    return {
      status: 'error',
      code: typeof code === 'string' ? code : 'EUNKNOWN',
      message: err instanceof Error ? err.message : String(err),
    };
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/**
 * A `DnsLookup` asking the given servers directly (no system resolver, no cache), so a verifier sees what the
 * authoritative servers say now. Never rejects: every failure becomes `{ status: 'error', code }`.
 */
export function createDnsLookup({ servers, timeoutMs = 2000, tries = 2 }: DnsLookupOptions): DnsLookup {
  if (!Array.isArray(servers) || servers.length === 0) throw new TypeError('createDnsLookup: servers must list at least one server');
  // Fails early (ERR_INVALID_IP_ADDRESS) on a hostname instead of at the first query.
  new Resolver().setServers(servers);

  return {
    query: (name, type, { signal } = {}) => answer(name, type, { servers, timeoutMs, tries, signal }),
  };
}
