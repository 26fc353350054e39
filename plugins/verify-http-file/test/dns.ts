import { createSocket } from 'node:dgram';
import memoryDns, { getMemoryDnsInstance, type MemoryZones } from '@portico/dns-memory';
import { createDnsLookup, createKernel, type DnsLookup, type ExpectedRecord, type Kernel, type RecordSet } from '@portico/kernel';
import { createTestServices, type TestServices } from '@portico/kernel/conformance';
import httpFile, { type HttpFileOptions } from '../src/index.ts';
import type { TestSite } from './site.ts';

/**
 * Test helpers: a kernel with dns.memory serving on an ephemeral port and verify.http-file asking it, and a web
 * server on loopback. Publishing an HTTP challenge serves the file and points its hostname at 127.0.0.1.
 */

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

export interface TestWeb {
  kernel: Kernel;
  services: TestServices;
  zones: MemoryZones;
  site: TestSite;
  /** Point `hostname` at these addresses (A or AAAA by form), or remove its addresses with `[]`. */
  point(hostname: string, addresses: string[]): void;
  publish(records: ExpectedRecord[]): Promise<void>;
  unpublish(records: ExpectedRecord[]): Promise<void>;
  breakDns(): Promise<void>;
  restoreDns(): Promise<void>;
  teardown(): Promise<void>;
}

export async function startTestWeb(options: { id: string; zone: string; site: TestSite; plugin?: HttpFileOptions }): Promise<TestWeb> {
  const { site, zone } = options;
  const unused: DnsLookup = { query: async () => ({ status: 'error', code: 'ENOTREADY', message: 'DNS not started yet' }) };
  const dns = switchableDns(unused);
  const services = createTestServices({ dns: dns.lookup });
  const kernel = createKernel({ services });
  await kernel.register({ plugin: memoryDns, options: { id: options.id, zones: [{ name: zone }], serve: {} } });
  const { zones, address } = getMemoryDnsInstance(options.id)!;
  const working = createDnsLookup({ servers: [`${address!.host}:${address!.port}`], timeoutMs: 1000, tries: 2 });
  dns.use(working);
  await kernel.register({ plugin: httpFile, options: { port: site.port, allowPrivateAddresses: true, timeoutMs: 2000, ...options.plugin } });

  const point = (hostname: string, addresses: string[]) => {
    const sets = (['A', 'AAAA'] as const).map((type): RecordSet => ({
      name: hostname,
      type,
      ttl: 60,
      values: addresses.filter((ip) => ip.includes(':') === (type === 'AAAA')),
    }));
    zones.apply({ zone, upsert: sets.filter((set) => set.values.length > 0), remove: sets.filter((set) => set.values.length === 0) });
  };
  const http = (records: ExpectedRecord[]) =>
    records.map((record) => {
      if (record.type !== 'HTTP') throw new Error(`verify.http-file challenged with a ${record.type} record`);
      return { url: new URL(record.name), body: record.value };
    });

  return {
    kernel,
    services,
    zones,
    site,
    point,
    async publish(records) {
      for (const { url, body } of http(records)) {
        site.files.set(url.pathname, body);
        point(url.hostname, ['127.0.0.1']);
      }
    },
    async unpublish(records) {
      for (const { url } of http(records)) {
        site.files.delete(url.pathname);
        point(url.hostname, []);
      }
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
