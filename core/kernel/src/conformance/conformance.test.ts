/**
 * Runs the conformance suites against two small plugins written here, so the suites themselves are tested
 * (and so is createTestKernel). The reference DNS provider lives in plugins/dns-memory and runs them too.
 */
import { z } from 'zod';
import { definePlugin } from '../define-plugin.ts';
import type { ApplyRecordsInput, ApplyRecordsResult } from '../hooks.ts';
import type { ExpectedRecord, RecordChange, RecordSet } from '../records.ts';
import type { DnsAnswer, DnsLookup } from '../services.ts';
import { dnsProviderConformance } from './dns-provider.ts';
import { createTestKernel } from './test-services.ts';
import { verifierConformance } from './verifier.ts';

const sameValues = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/** Record sets by `name type`, applied with the semantics the applyRecords hook documents. */
function applyToStore(store: Map<string, RecordSet>, input: ApplyRecordsInput): ApplyRecordsResult {
  for (const set of [...input.upsert, ...input.remove]) {
    if (!inZone(set.name, input.zone)) throw new Error(`${set.name} is outside the zone ${input.zone}`);
  }
  const changes: RecordChange[] = [];
  const next = new Map(store);
  for (const set of input.upsert) {
    const before = next.get(`${set.name} ${set.type}`)?.values ?? [];
    const action = before.length === 0 ? 'create' : sameValues(before, set.values) ? 'noop' : 'update';
    changes.push({ action, name: set.name, type: set.type, before, after: set.values });
    next.set(`${set.name} ${set.type}`, set);
  }
  for (const set of input.remove) {
    const before = next.get(`${set.name} ${set.type}`)?.values ?? [];
    changes.push({ action: before.length === 0 ? 'noop' : 'delete', name: set.name, type: set.type, before, after: [] });
    next.delete(`${set.name} ${set.type}`);
  }
  if (!input.dryRun) {
    store.clear();
    for (const [key, set] of next) store.set(key, set);
  }
  return { changes, applied: !input.dryRun };
}

const fakeProvider = definePlugin({
  id: 'dns.fake',
  version: '0.1.0',
  kernel: '^0.1.0',
  options: z.object({}),
  describe: { dnsProviders: [{ provider: 'fake', displayName: 'Fake', nameservers: [], recordTypes: ['A', 'CNAME', 'TXT'] }] },
  apply({ hooks }) {
    const store = new Map<string, RecordSet>();
    hooks.applyRecords.for('fake').tapPromise('dns.fake', async (input) => applyToStore(store, input));
  },
});

dnsProviderConformance({
  name: 'in-test fake',
  provider: 'fake',
  zone: 'example.com',
  setup: async () => {
    const kernel = await createTestKernel([{ plugin: fakeProvider }]);
    return { kernel, teardown: () => kernel.close() };
  },
});

const fakeVerifier = definePlugin({
  id: 'verify.fake',
  version: '0.1.0',
  kernel: '^0.1.0',
  options: z.object({ prefix: z.string().default('_fake') }),
  describe: {
    verificationMethods: [
      {
        method: 'fake-txt',
        title: 'Fake TXT',
        challenge: ({ hostname, token }) => [{ name: `_fake.${hostname}`, type: 'TXT', value: `fake=${token}` }],
      },
    ],
  },
  apply({ hooks, services, options }) {
    hooks.verify.for('fake-txt').tapPromise('verify.fake', async ({ hostname, token, signal }) => {
      const expected: ExpectedRecord[] = [{ name: `${options.prefix}.${hostname}`, type: 'TXT', value: `fake=${token}` }];
      const answer = await services.dns.query(expected[0].name, 'TXT', { signal });
      if (answer.status === 'error') return { status: 'error', expected, message: `DNS lookup failed (${answer.code}); will retry` };
      if (answer.status !== 'found') return { status: 'missing', expected, message: `No TXT record at ${expected[0].name} yet` };
      if (answer.values.includes(expected[0].value)) return { status: 'verified', expected, message: 'Found the TXT record' };
      return { status: 'mismatch', expected, found: answer.values, message: `The TXT record at ${expected[0].name} has another value` };
    });
  },
});

verifierConformance({
  name: 'in-test fake',
  method: 'fake-txt',
  setup: async () => {
    const records = new Map<string, string[]>();
    let broken = false;
    const dns: DnsLookup = {
      query: async (name, type): Promise<DnsAnswer> => {
        if (broken) return { status: 'error', code: 'ETIMEOUT', message: 'timed out' };
        const values = records.get(`${name} ${type}`);
        return values?.length ? { status: 'found', values } : { status: 'nxdomain' };
      },
    };
    const kernel = await createTestKernel([{ plugin: fakeVerifier }], { services: { dns } });
    const key = (r: ExpectedRecord) => `${r.name} ${r.type}`;
    return {
      kernel,
      publish: async (published) => {
        for (const r of published) records.set(key(r), [...(records.get(key(r)) ?? []), r.value]);
      },
      unpublish: async (published) => {
        for (const r of published) records.set(key(r), (records.get(key(r)) ?? []).filter((v) => v !== r.value));
      },
      breakDns: async () => {
        broken = true;
      },
      restoreDns: async () => {
        broken = false;
      },
      teardown: () => kernel.close(),
    };
  },
});
