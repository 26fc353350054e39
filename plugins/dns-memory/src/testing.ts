/**
 * `@portico/dns-memory/testing`: a test harness for plugins that ask DNS (verification methods). It starts a
 * kernel with dns.memory answering real DNS on an ephemeral loopback port, registers the plugins under test with
 * services whose DNS lookup asks that server, and lets a test publish records, and break and restore DNS.
 * Needs vitest (through @portico/kernel/conformance); import it from test files only.
 */
import { createSocket } from 'node:dgram';
import {
  createAuthoritativeLookup,
  createDnsLookup,
  createKernel,
  type AuthoritativeLookupOptions,
  type DnsLookup,
  type ExpectedRecord,
  type Kernel,
  type PluginSpec,
  type RecordSet,
} from '@portico/kernel';
import { createTestServices, type TestServices, type VerifierConformanceContext } from '@portico/kernel/conformance';
import memoryDns, { getMemoryDnsInstance } from './index.ts';
import { startDnsServer, type DnsServer, type DnsServerBehaviour } from './server.ts';
import { MEMORY_NAMESERVERS, MemoryZones, type ZoneSpec } from './zones.ts';

export { startDnsServer } from './server.ts';
export type { DnsDelegation, DnsServer, DnsServerBehaviour, DnsServerFault, DnsServerOptions } from './server.ts';
export { MEMORY_NAMESERVERS, MemoryZones } from './zones.ts';

/** A way to break DNS for a verifier under test (see `verifierConformance`). */
export type DnsFault = NonNullable<Parameters<VerifierConformanceContext['breakDns']>[0]>;

/**
 * A DnsLookup that forwards to whichever lookup is current, so a test can break DNS and restore it. `findZone`
 * and `resolveChain` are there exactly when the current lookup has them.
 */
export function switchableDns(initial: DnsLookup): { lookup: DnsLookup; use(next: DnsLookup): void } {
  let current = initial;
  const lookup: DnsLookup = {
    query: (name, type, options) => current.query(name, type, options),
    get findZone() {
      return current.findZone && ((name: string, options?: { signal?: AbortSignal }) => current.findZone!(name, options));
    },
    get resolveChain() {
      return current.resolveChain && ((name: string, options?: { maxDepth?: number; signal?: AbortSignal }) => current.resolveChain!(name, options));
    },
  };
  return {
    lookup,
    use(next) {
      current = next;
    },
  };
}

/** A lookup whose every method rejects, as a broken lookup service would (verifiers must still answer `error`). */
export const throwingDns: DnsLookup = {
  query: () => Promise.reject(Object.assign(new Error('the DNS lookup service failed'), { code: 'ELOOKUPFAILED' })),
  findZone: () => Promise.reject(Object.assign(new Error('the DNS lookup service failed'), { code: 'ELOOKUPFAILED' })),
  resolveChain: () => Promise.reject(Object.assign(new Error('the DNS lookup service failed'), { code: 'ELOOKUPFAILED' })),
};

/** One in-process authoritative server of `startAuthorities`, with the zones it serves. */
export interface AuthorityServer extends DnsServer {
  zones: MemoryZones;
}

/**
 * Start authoritative servers on 127.0.0.1, 127.0.0.2, … sharing one port, so that a lookup whose
 * `nameserverPort` is that port reaches each by address (as glue in a referral names it). Each serves its own
 * zones and may misbehave (`behaviour`: faults and delegations, changeable with `setBehaviour`).
 */
export async function startAuthorities(
  specs: Array<{ zones?: ZoneSpec[]; behaviour?: DnsServerBehaviour }>,
): Promise<{ port: number; servers: AuthorityServer[]; close(): Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    const started: AuthorityServer[] = [];
    try {
      for (const [index, spec] of specs.entries()) {
        const zones = new MemoryZones(spec.zones ?? []);
        const server = await startDnsServer({ zones, host: `127.0.0.${index + 1}`, port: started[0]?.port ?? 0, behaviour: spec.behaviour });
        started.push(Object.assign(server, { zones }));
      }
      return { port: started[0].port, servers: started, close: async () => void (await Promise.all(started.map((server) => server.close()))) };
    } catch (error) {
      await Promise.all(started.map((server) => server.close()));
      // The port picked on 127.0.0.1 may be taken on another loopback address; pick again.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw error;
    }
  }
}

/** A UDP port on loopback that nothing listens on (bound, read, released). */
export async function deadPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Group expected records into record sets (one per name and type), as a DNS host stores them. */
export function toRecordSets(records: ExpectedRecord[]): RecordSet[] {
  const sets = new Map<string, RecordSet>();
  for (const { name, type, value } of records) {
    if (type === 'HTTP') throw new Error('toRecordSets: an HTTP challenge is not a DNS record');
    const set = sets.get(`${name} ${type}`) ?? { name, type, ttl: 60, values: [] };
    set.values.push(value);
    sets.set(`${name} ${type}`, set);
  }
  return [...sets.values()];
}

export interface MemoryDnsHarness {
  kernel: Kernel;
  services: TestServices;
  zones: MemoryZones;
  /** The served zone that encloses `name` (the longest match). */
  zoneOf(name: string): string;
  /** Write record sets (each to the served zone that encloses its name). */
  set(sets: RecordSet[]): void;
  /** Remove record sets by name and type. */
  clear(sets: Array<Pick<RecordSet, 'name' | 'type'>>): void;
  publish(records: ExpectedRecord[]): Promise<void>;
  unpublish(records: ExpectedRecord[]): Promise<void>;
  /**
   * Break DNS the way `fault` says (default `unreachable`: a port where nothing answers). Faults of the zones'
   * nameservers (`timeout`, `refused`, `servfail`, `not-authoritative`, `referral`, `inconsistent`) are served by
   * extra servers over the same zones, asked through an authoritative lookup.
   */
  breakDns(fault?: DnsFault): Promise<void>;
  restoreDns(): Promise<void>;
  teardown(): Promise<void>;
}

/** What each nameserver fault makes the faulty server do. */
function behaviourFor(fault: DnsFault, zones: string[]): DnsServerBehaviour {
  switch (fault) {
    case 'timeout':
      return { fault: 'drop' };
    case 'refused':
      return { fault: 'refuse' };
    case 'servfail':
      return { fault: 'servfail' };
    case 'not-authoritative':
      return { fault: 'not-authoritative' };
    case 'referral':
      // The zone's own nameserver sends the question away instead of answering: a lame delegation.
      return { delegations: zones.map((zone) => ({ zone, nameservers: ['ns.lame.invalid'] })) };
    default:
      return {};
  }
}

export interface MemoryDnsHarnessOptions {
  id: string;
  zones: string[];
  plugins: PluginSpec[];
  /**
   * How the plugins' lookup asks the server: `resolver` (default) asks it as a resolver; `authoritative` uses
   * `createAuthoritativeLookup` with the server as seed and as every zone's nameserver, as production does (the
   * server then also serves, empty, the top-level domains of `zones` and `net`).
   */
  lookup?: 'resolver' | 'authoritative';
}

export async function startMemoryDnsHarness(options: MemoryDnsHarnessOptions): Promise<MemoryDnsHarness> {
  const dns = switchableDns({ query: async () => ({ status: 'error', code: 'ENOTREADY', message: 'DNS not started yet' }) });
  const services = createTestServices({ dns: dns.lookup });
  const kernel = createKernel({ services });
  await kernel.register({ plugin: memoryDns, options: { id: options.id, zones: options.zones.map((name) => ({ name })), serve: {} } });
  const { zones, address } = getMemoryDnsInstance(options.id)!;
  if (options.lookup === 'authoritative') {
    // As on the internet, a name outside the test zones gets an authoritative NXDOMAIN from its top-level domain
    // (a CNAME to a name that does not exist is a wrong target, not a lookup failure): serve those TLDs, empty.
    const tlds = new Set([...options.zones.map((zone) => zone.split('.').pop()!), 'net']);
    for (const tld of tlds) if (!zones.zoneNames().includes(tld)) zones.addZone(tld);
  }
  const seed = `${address!.host}:${address!.port}`;
  /** An authoritative lookup seeded by the working server, whose zones' nameservers are at `at`. */
  const authoritative = (at: [string, string], extra: Partial<AuthoritativeLookupOptions> = {}) =>
    createAuthoritativeLookup({
      resolvers: [seed],
      nameserverPort: address!.port,
      addressOverrides: { [MEMORY_NAMESERVERS[0]]: [at[0]], [MEMORY_NAMESERVERS[1]]: [at[1]] },
      timeoutMs: 1000,
      tries: 2,
      zoneCacheMs: 0,
      ...extra,
    });
  const working = options.lookup === 'authoritative' ? authoritative([seed, seed]) : createDnsLookup({ servers: [seed], timeoutMs: 1000, tries: 2 });
  dns.use(working);
  // Started on first use: one server over the same zones that misbehaves as told, one over empty zones of the
  // same names (it disagrees with the working server about every record).
  let faulty: DnsServer | undefined;
  let empty: DnsServer | undefined;
  await kernel.registerAll(options.plugins);

  const zoneOf = (name: string) => {
    const zone = options.zones.filter((z) => name === z || name.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0];
    if (!zone) throw new Error(`${name} is in none of the test zones ${options.zones.join(', ')}`);
    return zone;
  };
  const set = (sets: RecordSet[]) => {
    for (const recordSet of sets) zones.apply({ zone: zoneOf(recordSet.name), upsert: [recordSet], remove: [] });
  };
  const clear = (sets: Array<Pick<RecordSet, 'name' | 'type'>>) => {
    for (const { name, type } of sets) zones.apply({ zone: zoneOf(name), upsert: [], remove: [{ name, type, ttl: 60, values: [] }] });
  };
  return {
    kernel,
    services,
    zones,
    zoneOf,
    set,
    clear,
    publish: async (records) => set(toRecordSets(records)),
    unpublish: async (records) => clear(toRecordSets(records)),
    async breakDns(fault = 'unreachable') {
      if (fault === 'unreachable') return dns.use(createDnsLookup({ servers: [`127.0.0.1:${await deadPort()}`], timeoutMs: 500, tries: 1 }));
      if (fault === 'lookup-throws') return dns.use(throwingDns);
      if (fault === 'inconsistent') {
        empty ??= await startDnsServer({ zones: new MemoryZones(zones.zoneNames().map((name) => ({ name }))) });
        return dns.use(authoritative([seed, `${empty.host}:${empty.port}`]));
      }
      faulty ??= await startDnsServer({ zones });
      faulty.setBehaviour(behaviourFor(fault, options.zones));
      const at = `${faulty.host}:${faulty.port}`;
      dns.use(authoritative([at, at], { timeoutMs: 300, tries: 1 }));
    },
    restoreDns: async () => dns.use(working),
    async teardown() {
      await kernel.close();
      await Promise.all([faulty?.close(), empty?.close()]);
    },
  };
}
