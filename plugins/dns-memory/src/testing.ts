/**
 * `@portico/dns-memory/testing`: a test harness for plugins that ask DNS (verification methods). It starts a
 * kernel with dns.memory answering real DNS on an ephemeral loopback port, registers the plugins under test with
 * services whose DNS lookup asks that server, and lets a test publish records, and break and restore DNS.
 * Needs vitest (through @portico/kernel/conformance); import it from test files only.
 */
import { createSocket } from 'node:dgram';
import { createDnsLookup, createKernel, type DnsLookup, type ExpectedRecord, type Kernel, type PluginSpec, type RecordSet } from '@portico/kernel';
import { createTestServices, type TestServices } from '@portico/kernel/conformance';
import memoryDns, { getMemoryDnsInstance } from './index.ts';
import type { MemoryZones } from './zones.ts';

/** A DnsLookup that forwards to whichever lookup is current, so a test can break DNS and restore it. */
export function switchableDns(initial: DnsLookup): { lookup: DnsLookup; use(next: DnsLookup): void } {
  let current = initial;
  return {
    lookup: { query: (name, type, options) => current.query(name, type, options) },
    use(next) {
      current = next;
    },
  };
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
  /** Point the lookup at a port where nothing answers (every question becomes a checker error). */
  breakDns(): Promise<void>;
  restoreDns(): Promise<void>;
  teardown(): Promise<void>;
}

export async function startMemoryDnsHarness(options: { id: string; zones: string[]; plugins: PluginSpec[] }): Promise<MemoryDnsHarness> {
  const dns = switchableDns({ query: async () => ({ status: 'error', code: 'ENOTREADY', message: 'DNS not started yet' }) });
  const services = createTestServices({ dns: dns.lookup });
  const kernel = createKernel({ services });
  await kernel.register({ plugin: memoryDns, options: { id: options.id, zones: options.zones.map((name) => ({ name })), serve: {} } });
  const { zones, address } = getMemoryDnsInstance(options.id)!;
  const working = createDnsLookup({ servers: [`${address!.host}:${address!.port}`], timeoutMs: 1000, tries: 2 });
  dns.use(working);
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
    async breakDns() {
      dns.use(createDnsLookup({ servers: [`127.0.0.1:${await deadPort()}`], timeoutMs: 500, tries: 1 }));
    },
    restoreDns: async () => dns.use(working),
    teardown: () => kernel.close(),
  };
}
