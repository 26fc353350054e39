import { isIP } from 'node:net';
import type { RecordType } from 'dns-packet';
import type { CnameChain, DnsAnswer, DnsLookup, DnsServerEvidence, ZoneDiscovery } from '../services.ts';
import { answer, checkBounds, type QueryType } from './dns-lookup.ts';
import { agree, classifyAuthoritative, isAskable, isWithin, normaliseHost, presentation, type Agreed, type Said } from './interpret.ts';
import { exchange, parseServer, rcodeOf, type Server } from './wire.ts';

export interface AuthoritativeLookupOptions {
  /**
   * Servers that seed zone discovery: IP addresses with optional port (`192.0.2.53`, `127.0.0.1:5353`,
   * `[2001:db8::53]:53`). Recursive resolvers, or the operator's own authoritative servers. They are asked only
   * for the topmost zone they know (the top-level domain, through a resolver) and for nameserver addresses the
   * zones' own replies do not carry; every zone below is learned from its parent's nameservers.
   */
  resolvers: string[];
  /** Per-try timeout in milliseconds, for every question. Default 2000. */
  timeoutMs?: number;
  /** UDP attempts per server address before giving up. Default 2. */
  tries?: number;
  /** Port the authoritative servers are asked on. Default 53; tests set their server's port. */
  nameserverPort?: number;
  /** NS hostname → addresses (`ip` or `ip:port`), used instead of glue or resolving the hostname. */
  addressOverrides?: Record<string, string[]>;
  /** How long a learned delegation (and a name's zone) is reused, in milliseconds. Default 30000, at most 300000; 0 disables. */
  zoneCacheMs?: number;
  /** Nameservers of one zone asked at once (in parallel); more are left out. Default 8. */
  maxNameservers?: number;
}

/** A `DnsLookup` whose optional methods are always present. */
export interface AuthoritativeLookup extends DnsLookup {
  findZone(name: string, options?: { signal?: AbortSignal }): Promise<ZoneDiscovery>;
  resolveChain(name: string, options?: { maxDepth?: number; signal?: AbortSignal }): Promise<CnameChain>;
}

interface Nameserver {
  host: string;
  addresses: Server[];
}
interface Zone {
  apex: string;
  /** Every NS hostname of the zone, sorted. */
  hosts: string[];
  /** The ones asked (at most `maxNameservers`), with their addresses. */
  nameservers: Nameserver[];
}
type Failure = { status: 'error'; code: string; message: string; evidence?: DnsServerEvidence[] };
type Signal = AbortSignal | undefined;

const CACHE_LIMIT = 1000;
const MAX_CACHE_MS = 300_000;
/** Delegations followed for one name before giving up (a real tree is a handful deep). */
const MAX_REFERRALS = 16;
/** Failures that say nothing about the server's data: the next address of the same nameserver is tried. */
const UNREACHABLE = new Set(['ETIMEOUT', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'EADDRNOTAVAIL', 'EPIPE']);
/** Seed replies meaning "not a name I serve": look one label further down. */
const NOT_SERVED = new Set(['EREFUSED', 'ENOTAUTH']);

const isFailure = (value: unknown): value is Failure => (value as Failure).status === 'error';
const parentOf = (name: string) => (name.includes('.') ? name.slice(name.indexOf('.') + 1) : '');
const fail = (code: string, message: string, evidence?: DnsServerEvidence[]): Failure => ({ status: 'error', code, message, ...(evidence ? { evidence } : {}) });

/**
 * A `DnsLookup` that asks every nameserver of a name's zone directly, as an iterative resolver does: it takes the
 * topmost zone the seeds know, then walks down, learning each zone's nameservers from its parent's (referrals
 * followed, so a delegated sub-zone is found without a recursive resolver). Only answers with the AA bit count;
 * the nameservers' answers must agree (`EINCONSISTENT` otherwise). Delegations are reused for `zoneCacheMs`
 * only. Never rejects.
 */
export function createAuthoritativeLookup(options: AuthoritativeLookupOptions): AuthoritativeLookup {
  const { resolvers, timeoutMs = 2000, tries = 2, nameserverPort = 53, addressOverrides = {}, zoneCacheMs = 30_000, maxNameservers = 8 } = options;
  const bad = (message: string) => new TypeError(`createAuthoritativeLookup: ${message}`);
  if (!Array.isArray(resolvers) || resolvers.length === 0) throw bad('resolvers must list at least one server');
  checkBounds('createAuthoritativeLookup', timeoutMs, tries);
  if (!Number.isInteger(nameserverPort) || nameserverPort < 1 || nameserverPort > 65535) throw bad('nameserverPort must be a port number');
  if (!(zoneCacheMs >= 0 && zoneCacheMs <= MAX_CACHE_MS)) throw bad(`zoneCacheMs must be from 0 to ${MAX_CACHE_MS}`);
  if (!Number.isInteger(maxNameservers) || maxNameservers < 1) throw bad('maxNameservers must be 1 or more');
  const seeds = resolvers.map((server) => parseServer(server));
  const overrides = new Map<string, Server[]>();
  for (const [host, ips] of Object.entries(addressOverrides)) {
    if (!Array.isArray(ips) || ips.length === 0) throw bad(`addressOverrides.${host} must list IP addresses`);
    try {
      overrides.set(normaliseHost(host), ips.map((ip) => parseServer(ip, nameserverPort)));
    } catch {
      throw bad(`addressOverrides.${host} must list IP addresses (with an optional port)`);
    }
  }

  const zones = new Map<string, { expires: number; zone: Zone }>();
  const names = new Map<string, { expires: number; apex: string }>();
  function remember<T>(map: Map<string, { expires: number } & T>, key: string, value: T): void {
    if (zoneCacheMs === 0) return;
    if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value as string);
    map.set(key, { ...value, expires: Date.now() + zoneCacheMs });
  }
  function recall<T>(map: Map<string, { expires: number } & T>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry && entry.expires > Date.now()) return entry;
    map.delete(key);
    return undefined;
  }
  const asked = { timeoutMs, tries, recursionDesired: false };

  /** One nameserver's reply: its addresses in turn until one is reachable (IPv4 first). */
  async function askNameserver(ns: Nameserver, apex: string, name: string, type: RecordType, signal: Signal): Promise<Said> {
    if (ns.addresses.length === 0) return { nameserver: ns.host, server: ns.host, outcome: { status: 'error', code: 'ENOADDRESS', message: 'no address' } };
    let first: Said | undefined;
    for (const server of ns.addresses) {
      const reply = await exchange(server, name, type, { ...asked, signal });
      if (reply.kind === 'reply') return { nameserver: ns.host, server: server.label, outcome: classifyAuthoritative(reply.packet, name, type, apex) };
      const said: Said = { nameserver: ns.host, server: server.label, outcome: { status: 'error', code: reply.code, message: reply.message } };
      first ??= said;
      if (!UNREACHABLE.has(reply.code)) return said;
    }
    return first!;
  }

  /** Every nameserver of `zone` (in parallel, at most `maxNameservers`), and what they agree on. */
  async function askZone(zone: Zone, name: string, type: RecordType, signal: Signal): Promise<Agreed> {
    const said = await Promise.all(zone.nameservers.map((ns) => askNameserver(ns, zone.apex, name, type, signal)));
    return agree(said, `${type} ${name} at the ${zone.apex} nameservers`, type === 'SOA');
  }

  /** The addresses of each NS hostname: overrides, then glue from the referring reply, then the seeds. */
  async function nameserversOf(hosts: string[], glue: Record<string, string[]>, signal: Signal): Promise<Nameserver[] | Failure> {
    const failures: Failure[] = [];
    const list = await Promise.all(
      hosts.map(async (host): Promise<Nameserver> => {
        const override = overrides.get(host);
        if (override) return { host, addresses: override };
        let ips = glue[host] ?? [];
        if (ips.length === 0) {
          const found = await Promise.all((['A', 'AAAA'] as const).map((type) => answer(host, type, { servers: seeds, timeoutMs, tries, signal })));
          for (const result of found) if (result.status === 'error') failures.push(result);
          ips = found.flatMap((result) => (result.status === 'found' ? result.values : []));
        }
        // IPv4 first: hosts without IPv6 routes then reach a server before trying unreachable addresses.
        const ordered = [...new Set(ips)].sort((a, b) => (isIP(a) === 4 ? 0 : 1) - (isIP(b) === 4 ? 0 : 1));
        return { host, addresses: ordered.map((ip) => parseServer(isIP(ip) === 6 ? `[${ip}]:${nameserverPort}` : `${ip}:${nameserverPort}`)) };
      }),
    );
    if (list.some((ns) => ns.addresses.length > 0)) return list;
    return failures[0] ?? fail('ENOADDRESS', `No address for ${hosts.join(', ')}`);
  }

  async function delegation(apex: string, hosts: string[], glue: Record<string, string[]>, signal: Signal): Promise<Zone | Failure> {
    const sorted = [...hosts].sort();
    const nameservers = await nameserversOf(sorted.slice(0, maxNameservers), glue, signal);
    if (isFailure(nameservers)) return fail(nameservers.code, `finding the nameservers of ${apex}: ${nameservers.message}`);
    const zone = { apex, hosts: sorted, nameservers };
    remember(zones, apex, { zone });
    return zone;
  }

  /**
   * The topmost zone enclosing `fqdn` that the seeds know, asked from the top-level domain down: a resolver
   * knows the TLD; the operator's own authoritative server knows the zones it serves and refuses the rest.
   */
  async function fromSeeds(fqdn: string, signal: Signal): Promise<Zone | Failure> {
    const labels = fqdn.split('.');
    for (let i = labels.length - 1; i >= 0; i--) {
      const candidate = labels.slice(i).join('.');
      let reply: Extract<Awaited<ReturnType<typeof exchange>>, { kind: 'reply' }> | undefined;
      const failures: Failure[] = [];
      for (const seed of seeds) {
        const result = await exchange(seed, candidate, 'NS', { timeoutMs, tries, recursionDesired: true, signal });
        if (result.kind === 'failure') {
          if (result.code === 'ECANCELLED') return fail(result.code, result.message);
          failures.push(fail(result.code, `${seed.label} ${result.code}: ${result.message}`));
          continue;
        }
        const rcode = rcodeOf(result.packet);
        if (rcode === 'NOERROR' || rcode === 'NXDOMAIN') {
          reply = result;
          break;
        }
        const code = rcode === 'REFUSED' ? 'EREFUSED' : rcode === 'NOTAUTH' ? 'ENOTAUTH' : rcode === 'SERVFAIL' ? 'ESERVFAIL' : 'EBADRESP';
        failures.push(fail(code, `${seed.label} answered ${rcode}`));
      }
      if (!reply) {
        if (failures.every((failure) => NOT_SERVED.has(failure.code))) continue;
        const first = failures.find((failure) => !NOT_SERVED.has(failure.code))!;
        return fail(first.code, `finding the zone of ${fqdn} (NS ${candidate}): ${failures.map((f) => f.message).join('; ')}`);
      }
      // NS records owned by the name itself (in the answer, or a referral from a seed that is its parent); a
      // resolver that chased an alias returns the target's NS, which say nothing about this name.
      const packet = reply.packet;
      const ns = [...(packet.answers ?? []), ...(packet.authorities ?? [])].filter((r) => r.type === 'NS' && normaliseHost(r.name) === candidate);
      if (ns.length === 0) continue;
      const hosts = [...new Set(ns.map(presentation))];
      const glue: Record<string, string[]> = {};
      for (const record of packet.additionals ?? []) {
        const owner = normaliseHost(record.name);
        if ((record.type === 'A' || record.type === 'AAAA') && hosts.includes(owner)) (glue[owner] ??= []).push(presentation(record));
      }
      return delegation(candidate, hosts, glue, signal);
    }
    return fail('ENOZONE', `No enclosing name of ${fqdn} has NS records at ${seeds.map((s) => s.label).join(', ')}`);
  }

  /** The zone whose apex is `apex`, held by the same servers as `parent` (asked for its NS records there). */
  async function childAt(parent: Zone, apex: string, signal: Signal): Promise<Zone | Failure> {
    const { outcome, evidence } = await askZone(parent, apex, 'NS', signal);
    if (outcome.status === 'found') return delegation(apex, outcome.values, outcome.glue ?? {}, signal);
    if (outcome.status === 'referral' && outcome.zone === apex) return delegation(apex, outcome.nameservers, outcome.glue, signal);
    if (outcome.status === 'error') return { ...outcome, evidence };
    return fail('ELAME', `the ${parent.apex} nameservers answer for zone ${apex} but list no NS records for it`, evidence);
  }

  /** Walks down from `start` to the zone that holds `fqdn`, asking each zone's nameservers for `fqdn`'s SOA. */
  async function descend(start: Zone, fqdn: string, signal: Signal): Promise<Zone | Failure> {
    let zone = start;
    let name = fqdn;
    for (let step = 0; step < MAX_REFERRALS; step++) {
      const { outcome, evidence } = await askZone(zone, name, 'SOA', signal);
      switch (outcome.status) {
        case 'error':
          return { ...outcome, message: `finding the zone of ${fqdn}: ${outcome.message}`, evidence };
        case 'referral': {
          const next = await delegation(outcome.zone, outcome.nameservers, outcome.glue, signal);
          if (isFailure(next)) return next;
          zone = next;
          continue;
        }
        case 'alias':
          // An alias is never a zone apex: it lives in its parent's zone.
          if (name === zone.apex) return zone;
          name = parentOf(name);
          continue;
        case 'found':
          return name === zone.apex ? zone : childAt(zone, name, signal);
        case 'nxdomain':
        case 'nodata': {
          const soa = outcome.soa;
          if (soa === undefined || soa === zone.apex) return zone;
          if (isWithin(soa, zone.apex) && isWithin(name, soa)) return childAt(zone, soa, signal);
          return fail('ELAME', `the ${zone.apex} nameservers answered for ${name} from zone ${soa}`, evidence);
        }
      }
    }
    return fail('EMAXDEPTH', `More than ${MAX_REFERRALS} delegations below ${start.apex} for ${fqdn}`);
  }

  async function zoneOf(fqdn: string, signal: Signal): Promise<Zone | Failure> {
    if (!isAskable(fqdn)) return fail('EBADNAME', `"${fqdn}" is not a domain name`);
    if (signal?.aborted) return fail('ECANCELLED', `finding the zone of ${fqdn} was cancelled`);
    const known = recall(names, fqdn);
    const cached = known && recall(zones, known.apex);
    if (cached) return cached.zone;
    let start: Zone | Failure | undefined;
    for (let candidate = fqdn; candidate !== '' && !start; candidate = parentOf(candidate)) start = recall(zones, candidate)?.zone;
    start ??= await fromSeeds(fqdn, signal);
    if (isFailure(start)) return start;
    const zone = await descend(start, fqdn, signal);
    if (!isFailure(zone)) remember(names, fqdn, { apex: zone.apex });
    return zone;
  }

  /** Asks the zone's nameservers, following a referral when a cached delegation has changed below it. */
  async function askAt(zone: Zone, name: string, type: RecordType, signal: Signal): Promise<{ zone: Zone; agreed: Agreed } | Failure> {
    for (let step = 0; step < MAX_REFERRALS; step++) {
      const agreed = await askZone(zone, name, type, signal);
      if (agreed.outcome.status !== 'referral') return { zone, agreed };
      const next = await delegation(agreed.outcome.zone, agreed.outcome.nameservers, agreed.outcome.glue, signal);
      if (isFailure(next)) return next;
      zone = next;
    }
    return fail('EMAXDEPTH', `More than ${MAX_REFERRALS} delegations for ${name}`);
  }

  async function query(name: string, type: QueryType, { signal }: { signal?: AbortSignal } = {}): Promise<DnsAnswer> {
    const start = normaliseHost(name);
    const path = [start];
    for (let current = start; ; ) {
      const zone = await zoneOf(current, signal);
      if (isFailure(zone)) return zone;
      const asked = await askAt(zone, current, type, signal);
      if (isFailure(asked)) return asked;
      const { outcome, evidence } = asked.agreed;
      const detail = { zone: asked.zone.apex, evidence };
      if (outcome.status === 'found') return { status: 'found', values: outcome.values, ...detail };
      if (outcome.status === 'nxdomain' || outcome.status === 'nodata') return { status: outcome.status, ...detail };
      if (outcome.status === 'error') return { ...outcome, ...detail };
      if (outcome.status !== 'alias') return fail('EBADRESP', `unexpected ${outcome.status} for ${type} ${current}`, evidence);
      // A server answers for its own zones: follow the alias to the target's zone and ask there, as a resolver would.
      const target = outcome.target;
      path.push(target);
      if (path.indexOf(target) !== path.length - 1) return fail('ELOOP', `CNAME loop: ${path.join(' → ')}`, evidence);
      if (path.length > 9) return fail('EMAXDEPTH', `More than 8 CNAMEs: ${path.join(' → ')}`, evidence);
      current = target;
    }
  }

  async function resolveChain(name: string, { maxDepth = 8, signal }: { maxDepth?: number; signal?: AbortSignal } = {}): Promise<CnameChain> {
    const start = normaliseHost(name);
    const chain: string[] = [];
    for (let current = start; ; ) {
      const zone = await zoneOf(current, signal);
      if (isFailure(zone)) return zone;
      const asked = await askAt(zone, current, 'CNAME', signal);
      if (isFailure(asked)) return asked;
      const { outcome, evidence } = asked.agreed;
      if (outcome.status === 'error') return { ...outcome, message: `CNAME ${current}: ${outcome.message}`, zone: asked.zone.apex, evidence };
      if (outcome.status !== 'found') return chain.length > 0 ? { status: 'found', chain } : outcome.status === 'nxdomain' ? { status: 'nxdomain' } : { status: 'nodata' };
      const target = outcome.values[0];
      const path = [start, ...chain, target].join(' → ');
      if (target === start || chain.includes(target)) return fail('ELOOP', `CNAME loop: ${path}`);
      if (chain.length >= maxDepth) return fail('EMAXDEPTH', `More than ${maxDepth} CNAMEs: ${path}`);
      chain.push(target);
      current = target;
    }
  }

  async function findZone(name: string, { signal }: { signal?: AbortSignal } = {}): Promise<ZoneDiscovery> {
    const zone = await zoneOf(normaliseHost(name), signal);
    if (isFailure(zone)) return zone;
    const addresses = [...new Set(zone.nameservers.flatMap((ns) => ns.addresses.map((server) => server.host)))];
    return {
      status: 'found',
      zone: zone.apex,
      nameservers: zone.hosts,
      addresses: [...addresses.filter((ip) => isIP(ip) === 4), ...addresses.filter((ip) => isIP(ip) !== 4)],
    };
  }

  // The contract says never reject: anything unforeseen is an answer too.
  const unexpected = (error: unknown): Failure => fail('EUNEXPECTED', error instanceof Error ? error.message : String(error));
  return {
    query: (name, type, options) => query(name, type, options).catch(unexpected),
    findZone: (name, options) => findZone(name, options).catch(unexpected),
    resolveChain: (name, options) => resolveChain(name, options).catch(unexpected),
  };
}
