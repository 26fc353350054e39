import { startMemoryDnsHarness, type MemoryDnsHarness } from '@portico/dns-memory/testing';
import type { ExpectedRecord, RecordSet } from '@portico/kernel';
import httpFile, { type HttpFileOptions } from '../src/index.ts';
import type { TestSite } from './site.ts';

/**
 * Test helpers: a kernel with dns.memory serving on an ephemeral port and verify.http-file asking it, and a web
 * server on loopback. Publishing an HTTP challenge serves the file and points its hostname at 127.0.0.1.
 */
export interface TestWeb extends MemoryDnsHarness {
  site: TestSite;
  /** Point `hostname` at these addresses (A or AAAA by form), or remove its addresses with `[]`. */
  point(hostname: string, addresses: string[]): void;
}

export async function startTestWeb(options: { id: string; zone: string; site: TestSite; plugin?: HttpFileOptions }): Promise<TestWeb> {
  const { site, zone } = options;
  const plugin = { plugin: httpFile, options: { port: site.port, allowPrivateAddresses: true, timeoutMs: 2000, ...options.plugin } };
  const harness = await startMemoryDnsHarness({ lookup: 'authoritative', id: options.id, zones: [zone], plugins: [plugin] });

  const point = (hostname: string, addresses: string[]) => {
    const sets = (['A', 'AAAA'] as const).map((type): RecordSet => ({
      name: hostname,
      type,
      ttl: 60,
      values: addresses.filter((ip) => ip.includes(':') === (type === 'AAAA')),
    }));
    harness.zones.apply({ zone, upsert: sets.filter((set) => set.values.length > 0), remove: sets.filter((set) => set.values.length === 0) });
  };
  const http = (records: ExpectedRecord[]) =>
    records.map((record) => {
      if (record.type !== 'HTTP') throw new Error(`verify.http-file challenged with a ${record.type} record`);
      return { url: new URL(record.name), body: record.value };
    });

  return {
    ...harness,
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
  };
}
