import { startMemoryDnsHarness, type MemoryDnsHarness } from '@portico/dns-memory/testing';
import dnsCname, { type DnsCnameOptions } from '../src/index.ts';

/** A kernel with dns.memory serving on an ephemeral port and verify.dns-cname asking it. */
export type TestDns = MemoryDnsHarness;
export const startTestDns = (options: { id: string; zones: string[]; plugin?: DnsCnameOptions }): Promise<TestDns> =>
  startMemoryDnsHarness({ lookup: 'authoritative', id: options.id, zones: options.zones, plugins: [{ plugin: dnsCname, options: options.plugin ?? {} }] });
