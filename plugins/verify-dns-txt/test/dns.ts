import { startMemoryDnsHarness, type MemoryDnsHarness } from '@portico/dns-memory/testing';
import dnsTxt from '../src/index.ts';

/** A kernel with dns.memory serving on an ephemeral port and verify.dns-txt asking it. */
export type TestDns = MemoryDnsHarness;
export const startTestDns = (options: { id: string; zone: string; recordName?: string }): Promise<TestDns> =>
  startMemoryDnsHarness({ lookup: 'authoritative', id: options.id, zones: [options.zone], plugins: [{ plugin: dnsTxt, options: options.recordName ? { recordName: options.recordName } : {} }] });
