import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { CnameChain, DnsAnswer, DnsLookup, ZoneDiscovery } from '../services.ts';
import { answer, normaliseHost, type QueryType } from './dns-lookup.ts';

export interface AuthoritativeLookupOptions {
  /**
   * Resolvers used only to discover a name's zone, its NS hostnames and their addresses: IP addresses with
   * optional port (`192.0.2.53`, `127.0.0.1:5353`, `[2001:db8::53]:53`). Never asked the question itself.
   */
  resolvers: string[];
  /** Per-try timeout in milliseconds, for every question (discovery and authoritative). Default 2000. */
  timeoutMs?: number;
  /** Attempts per server before giving up. Default 2. */
  tries?: number;
  /** Port the authoritative servers are asked on. Default 53; tests set their server's port. */
  nameserverPort?: number;
  /** NS hostname → IP addresses, used instead of resolving that hostname (tests, split horizons). */
  addressOverrides?: Record<string, string[]>;
  /** How long a discovered zone is reused for the same name, in milliseconds. Default 30000; 0 disables. */
  zoneCacheMs?: number;
}

/** A `DnsLookup` whose optional methods are always present. */
export interface AuthoritativeLookup extends DnsLookup {
  findZone(name: string, options?: { signal?: AbortSignal }): Promise<ZoneDiscovery>;
  resolveChain(name: string, options?: { maxDepth?: number; signal?: AbortSignal }): Promise<CnameChain>;
}

type FoundZone = Extract<ZoneDiscovery, { status: 'found' }>;
type Failure = { status: 'error'; code: string; message: string };

const CACHE_LIMIT = 1000;

/**
 * A `DnsLookup` that finds each name's zone through `resolvers`, then asks that zone's authoritative servers
 * directly, so a verifier sees what the zone says now rather than what a cache remembers. Never rejects.
 */
export function createAuthoritativeLookup({
  resolvers,
  timeoutMs = 2000,
  tries = 2,
  nameserverPort = 53,
  addressOverrides = {},
  zoneCacheMs = 30_000,
}: AuthoritativeLookupOptions): AuthoritativeLookup {
  const fail = (message: string) => new TypeError(`createAuthoritativeLookup: ${message}`);
  if (!Array.isArray(resolvers) || resolvers.length === 0) throw fail('resolvers must list at least one server');
  // Fails early on a hostname (ERR_INVALID_IP_ADDRESS) or a bad timeout/tries instead of at the first query.
  new Resolver({ timeout: timeoutMs, tries }).setServers(resolvers);
  if (!Number.isInteger(nameserverPort) || nameserverPort < 1 || nameserverPort > 65535) throw fail('nameserverPort must be a port number');
  if (!(zoneCacheMs >= 0)) throw fail('zoneCacheMs must be 0 or more');
  const overrides = new Map<string, string[]>();
  for (const [host, ips] of Object.entries(addressOverrides)) {
    if (!Array.isArray(ips) || ips.length === 0 || ips.some((ip) => isIP(ip) === 0)) throw fail(`addressOverrides.${host} must list IP addresses`);
    overrides.set(normaliseHost(host), ips);
  }

  const zones = new Map<string, { expires: number; zone: FoundZone }>();
  const viaResolvers = (name: string, type: QueryType, signal?: AbortSignal) => askEach(resolvers, name, type, signal);
  const atAuthority = (zone: FoundZone, name: string, type: QueryType, signal?: AbortSignal) =>
    askEach(zone.addresses.map(withPort(nameserverPort)), name, type, signal);

  /**
   * Asks each server in turn until one answers found, nxdomain or nodata; an error only when all fail (the
   * first server's code, every server's message). c-ares itself does not move on to the next server after
   * a REFUSED or SERVFAIL, which a lame server returns. Worst case: servers × tries × timeoutMs.
   */
  async function askEach(servers: string[], name: string, type: QueryType, signal?: AbortSignal): Promise<DnsAnswer> {
    const failures: Failure[] = [];
    for (const server of servers) {
      const result = await answer(name, type, { servers: [server], timeoutMs, tries, signal });
      if (result.status !== 'error') return result;
      if (result.code === 'ECANCELLED') return result;
      failures.push(failure(result, server));
    }
    return { status: 'error', code: failures[0].code, message: failures.map((f) => f.message).join('; ') };
  }

  async function findZone(name: string, { signal }: { signal?: AbortSignal } = {}): Promise<ZoneDiscovery> {
    const fqdn = normaliseHost(name);
    if (fqdn === '') return { status: 'error', code: 'EBADNAME', message: `"${name}" is not a domain name` };
    const cached = zones.get(fqdn);
    if (cached && cached.expires > Date.now()) return cached.zone;
    zones.delete(fqdn);
    const discovered = await discover(fqdn, signal);
    if (discovered.status === 'found' && zoneCacheMs > 0) {
      if (zones.size >= CACHE_LIMIT) zones.delete(zones.keys().next().value as string);
      zones.set(fqdn, { expires: Date.now() + zoneCacheMs, zone: discovered });
    }
    return discovered;
  }

  async function discover(fqdn: string, signal?: AbortSignal): Promise<ZoneDiscovery> {
    for (let candidate = fqdn; candidate !== ''; candidate = parentOf(candidate)) {
      const at = `finding the zone of ${fqdn} (%s ${candidate})`;
      const ns = await viaResolvers(candidate, 'NS', signal);
      if (ns.status === 'nxdomain' || ns.status === 'nodata') continue;
      if (ns.status === 'error' && ns.code !== 'ESERVFAIL') return failure(ns, at.replace('%s', 'NS'));
      // An alias is never a zone apex: it lives in its parent's zone. Yet a resolver chases it, so its NS
      // question answers with the target's NS (c-ares does not check owner names) or fails (SERVFAIL on a
      // loop or a dead target). A CNAME question is never chased: it tells an alias from an apex.
      const alias = await viaResolvers(candidate, 'CNAME', signal);
      if (alias.status === 'found') continue;
      if (ns.status === 'error') return failure(ns, at.replace('%s', 'NS'));
      if (alias.status === 'error') return failure(alias, at.replace('%s', 'CNAME'));
      const addresses = await addressesOf(ns.values, signal);
      if (!Array.isArray(addresses)) return failure(addresses, `finding the servers of ${candidate}`);
      return { status: 'found', zone: candidate, nameservers: ns.values, addresses };
    }
    return { status: 'error', code: 'ENOZONE', message: `No enclosing name of ${fqdn} has NS records at ${resolvers.join(', ')}` };
  }

  async function addressesOf(nameservers: string[], signal?: AbortSignal): Promise<string[] | Failure> {
    const failures: Failure[] = [];
    const lists = await Promise.all(
      nameservers.flatMap((host) =>
        overrides.has(host)
          ? [Promise.resolve(overrides.get(host) ?? [])]
          : (['A', 'AAAA'] as const).map(async (type) => {
              const result = await viaResolvers(host, type, signal);
              if (result.status === 'error') failures.push(failure(result, `${type} ${host}`));
              return result.status === 'found' ? result.values : [];
            }),
      ),
    );
    const all = [...new Set(lists.flat())];
    // IPv4 first: hosts without IPv6 routes then reach a server before trying unreachable addresses.
    const addresses = [...all.filter((ip) => isIP(ip) === 4), ...all.filter((ip) => isIP(ip) !== 4)];
    if (addresses.length > 0) return addresses;
    return failures[0] ?? { status: 'error', code: 'ENOADDRESS', message: `No address for ${nameservers.join(', ')}` };
  }

  async function resolveChain(name: string, { maxDepth = 8, signal }: { maxDepth?: number; signal?: AbortSignal } = {}): Promise<CnameChain> {
    const start = normaliseHost(name);
    const chain: string[] = [];
    for (let current = start; ; ) {
      const zone = await findZone(current, { signal });
      if (zone.status === 'error') return zone;
      const alias = await atAuthority(zone, current, 'CNAME', signal);
      if (alias.status === 'error') return failure(alias, `CNAME ${current} at the ${zone.zone} servers`);
      if (alias.status !== 'found') return chain.length === 0 ? alias : { status: 'found', chain };
      const target = alias.values[0];
      const path = [start, ...chain, target].join(' → ');
      if (target === start || chain.includes(target)) return { status: 'error', code: 'ELOOP', message: `CNAME loop: ${path}` };
      if (chain.length >= maxDepth) return { status: 'error', code: 'EMAXDEPTH', message: `More than ${maxDepth} CNAMEs: ${path}` };
      chain.push(target);
      current = target;
    }
  }

  async function query(name: string, type: QueryType, { signal }: { signal?: AbortSignal } = {}): Promise<DnsAnswer> {
    const fqdn = normaliseHost(name);
    const zone = await findZone(fqdn, { signal });
    if (zone.status === 'error') return zone;
    const result = await atAuthority(zone, fqdn, type, signal);
    if (result.status === 'error') return failure(result, `${type} ${fqdn} at the ${zone.zone} servers`);
    if (result.status !== 'nodata' || type === 'CNAME') return result;
    // A server answers for its own zones only: an alias into another zone comes back as nodata. Follow it to
    // the end of the chain and ask there, as a resolver would.
    const chain = await resolveChain(fqdn, { signal });
    if (chain.status !== 'found') return chain.status === 'error' ? chain : result;
    const last = chain.chain[chain.chain.length - 1];
    const target = await findZone(last, { signal });
    if (target.status === 'error') return target;
    const final = await atAuthority(target, last, type, signal);
    return final.status === 'error' ? failure(final, `${type} ${last} at the ${target.zone} servers`) : final;
  }

  return { query, findZone, resolveChain };
}

function parentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}

function withPort(port: number): (ip: string) => string {
  return (ip) => (isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
}

/** The same error, its message saying which question failed. */
function failure(error: Failure, context: string): Failure {
  return { status: 'error', code: error.code, message: `${context}: ${error.message}` };
}
