import { startMemoryDnsHarness, type MemoryDnsHarness } from '@portico/dns-memory/testing';
import dnsAddress, { type DnsAddressOptions } from '../src/index.ts';

/** A kernel with dns.memory serving on an ephemeral port and verify.dns-address asking it. */
export type TestDns = MemoryDnsHarness;
export const startTestDns = (options: { id: string; zones: string[]; plugin: DnsAddressOptions }): Promise<TestDns> =>
  startMemoryDnsHarness({ lookup: 'authoritative', id: options.id, zones: options.zones, plugins: [{ plugin: dnsAddress, options: options.plugin }] });
