import { createSocket } from 'node:dgram';
import memoryDns, { getMemoryDnsInstance, type MemoryZones } from '@portico/dns-memory';
import { createDnsLookup, createKernel, type DnsLookup, type ExpectedRecord, type Kernel, type RecordSet } from '@portico/kernel';
import { createTestServices, type TestServices } from '@portico/kernel/conformance';
import dnsCname, { type DnsCnameOptions } from '../src/index.ts';

/** Test helpers: a kernel with dns.memory serving on an ephemeral port and verify.dns-cname asking it. */

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

export interface TestDns {
  kernel: Kernel;
  services: TestServices;
  zones: MemoryZones;
  /** Write record sets (each to the served zone that encloses its name). */
  set(sets: RecordSet[]): void;
  /** Remove record sets by name and type. */
  clear(sets: Array<Pick<RecordSet, 'name' | 'type'>>): void;
  publish(records: ExpectedRecord[]): Promise<void>;
  unpublish(records: ExpectedRecord[]): Promise<void>;
  breakDns(): Promise<void>;
  restoreDns(): Promise<void>;
  teardown(): Promise<void>;
}

/** Group expected records into record sets (one per name and type), as a DNS host stores them. */
function toRecordSets(records: ExpectedRecord[]): RecordSet[] {
  const sets = new Map<string, RecordSet>();
  for (const { name, type, value } of records) {
    if (type === 'HTTP') throw new Error('toRecordSets: an HTTP challenge is not a DNS record');
    const set = sets.get(`${name} ${type}`) ?? { name, type, ttl: 60, values: [] };
    set.values.push(value);
    sets.set(`${name} ${type}`, set);
  }
  return [...sets.values()];
}

export async function startTestDns(options: { id: string; zones: string[]; plugin?: DnsCnameOptions }): Promise<TestDns> {
  const unused: DnsLookup = { query: async () => ({ status: 'error', code: 'ENOTREADY', message: 'DNS not started yet' }) };
  const dns = switchableDns(unused);
  const services = createTestServices({ dns: dns.lookup });
  const kernel = createKernel({ services });
  await kernel.register({ plugin: memoryDns, options: { id: options.id, zones: options.zones.map((name) => ({ name })), serve: {} } });
  const { zones, address } = getMemoryDnsInstance(options.id)!;
  const working = createDnsLookup({ servers: [`${address!.host}:${address!.port}`], timeoutMs: 1000, tries: 2 });
  dns.use(working);
  await kernel.register({ plugin: dnsCname, options: options.plugin ?? {} });

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
    set,
    clear,
    async publish(records) {
      set(toRecordSets(records));
    },
    async unpublish(records) {
      clear(toRecordSets(records));
    },
    async breakDns() {
      dns.use(createDnsLookup({ servers: [`127.0.0.1:${await deadPort()}`], timeoutMs: 500, tries: 1 }));
    },
    async restoreDns() {
      dns.use(working);
    },
    teardown: () => kernel.close(),
  };
}
