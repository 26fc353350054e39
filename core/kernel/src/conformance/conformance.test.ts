/**
 * Runs the conformance suites against two small plugins written here, so the suites themselves are tested
 * (and so is createTestKernel). The reference DNS provider lives in plugins/dns-memory and runs them too.
 */
import { z } from 'zod';
import { definePlugin } from '../define-plugin.ts';
import { DELIVERY_STAGE } from '../hooks.ts';
import { defineDnsProvider, type ProviderRecordSet } from '../dns-provider.ts';
import { DnsProviderError } from '../provider-errors.ts';
import type { ExpectedRecord, RecordSet } from '../records.ts';
import type { DnsAnswer, DnsLookup } from '../services.ts';
import { dnsProviderConformance } from './dns-provider.ts';
import { edgeTargetConformance } from './edge-target.ts';
import { createTestKernel } from './test-services.ts';
import { verifierConformance } from './verifier.ts';

const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/**
 * A provider over a Map, keeping a comment per record set (ownership: 'comment'); a token option stands for
 * its credential. Writes outside the zone are refused by the kernel's planner before they reach it.
 */
function fakeProvider(store: Map<string, ProviderRecordSet>) {
  return defineDnsProvider({
    id: 'dns.fake',
    version: '0.1.0',
    kernel: '^0.1.0',
    options: z.object({ token: z.string().default('good') }),
    credentials: z.object({ token: z.string().min(1) }),
    provider: (options) => ({
      provider: 'fake',
      displayName: 'Fake',
      setup: 'api',
      nameservers: ['*.ns.fake.test'],
      capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'comment' },
      permissions: ['none: an in-test fake'],
      connect: ({ credentials }) => {
        const check = () => {
          if (credentials.token !== options.token) throw new DnsProviderError('auth', 'wrong token');
        };
        return {
          async verifyCredentials() {
            check();
            return {};
          },
          async getZone(zone) {
            check();
            return { name: zone, nameservers: ['a.ns.fake.test'] };
          },
          async getRecords(zone, { names } = {}) {
            check();
            return [...store.values()].filter((set) => inZone(set.name, zone) && (!names || names.includes(set.name))).map((set) => ({ ...set }));
          },
          async applyChanges(_zone, changes, { comment } = {}) {
            check();
            for (const { action, set } of changes) {
              if (action === 'delete') store.delete(`${set.name} ${set.type}`);
              else store.set(`${set.name} ${set.type}`, { ...set, comment });
            }
          },
        };
      },
    }),
  });
}

dnsProviderConformance({
  name: 'in-test fake',
  provider: 'fake',
  zone: 'example.com',
  setup: async () => {
    const store = new Map<string, ProviderRecordSet>();
    const kernel = await createTestKernel([{ plugin: fakeProvider(store) }]);
    return {
      kernel,
      credentials: { token: 'good' },
      badCredentials: { token: 'bad' },
      writeForeign: async (set: RecordSet) => {
        store.set(`${set.name} ${set.type}`, { ...set });
      },
      teardown: () => kernel.close(),
    };
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

/**
 * An edge whose "edge" is a Map: rendering is JSON of the routes sorted by precedence, delivery stores it, a
 * dry run compares with what is stored.
 */
function mapEdge(store: Map<string, string>) {
  return definePlugin({
    id: 'edge.map',
    version: '0.1.0',
    kernel: '^0.1.0',
    options: z.object({}),
    describe: { edges: [{ edge: 'map', displayName: 'Map' }] },
    apply({ hooks }) {
      hooks.renderRoutes.for('map').tap('edge.map', (state) => ({
        ...state,
        output: state.routes.map((r) => JSON.stringify([r.hostname, r.basePath, r.upstream, r.stripPath, r.protocol])).sort(),
      }));
      hooks.renderRoutes.for('map').tap({ name: 'edge.map', stage: DELIVERY_STAGE }, (state) => {
        const text = (state.output as string[]).join('\n');
        if (state.dryRun) {
          const changed = store.get('config') !== text;
          return { ...state, preview: { changed, diff: changed ? `-${store.get('config') ?? ''}\n+${text}` : '', summary: changed ? 'config would change' : 'unchanged' } };
        }
        if (!state.deliver) return state;
        store.set('config', text);
        return { ...state, delivered: { at: new Date() } };
      });
    },
  });
}

const edgeStore = new Map<string, string>();
edgeTargetConformance({
  name: 'in-test map edge',
  edge: 'map',
  setup: async () => ({ kernel: await createTestKernel([{ plugin: mapEdge(edgeStore) }]), readEdge: async () => edgeStore.get('config') }),
});
