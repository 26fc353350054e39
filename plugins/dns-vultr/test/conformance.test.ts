import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, type ApplyRecordsInput, type DnsProviderError, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import vultrDns, { createVultrClient, decodeTxt, encodeTxt, VultrDnsError } from '../src/index.ts';
import { startFakeVultr, type FakeVultr } from './fake-vultr.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const KEY = `VULTR${randomBytes(16).toString('hex').toUpperCase()}`;

// The whole suite runs with pages of 5 items, so every read of the zone follows `meta.links.next`.
dnsProviderConformance({
  name: 'dns.vultr against a fake Vultr API',
  provider: 'vultr',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeVultr({ maxPerPage: 5 });
    fake.addDomain(ZONE);
    fake.keys.set(KEY, { dns: true });
    const kernel = await createTestKernel([{ plugin: vultrDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner record.
    const person = createVultrClient({ apiKey: KEY, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { apiKey: KEY },
      badCredentials: { apiKey: 'VULTR-KEY-THAT-VULTR-REFUSES' },
      writeForeign: async (set) => {
        for (const value of set.values) await person.createRecord(ZONE, { name: set.name, type: set.type, value, ttl: set.ttl });
      },
      teardown: async () => {
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.vultr against a fake Vultr API', () => {
  let fake: FakeVultr;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('vultr', { zone: ZONE, upsert: [], remove: [], credentials: { apiKey: KEY }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const relative = (name: string) => (name === ZONE ? '' : name.slice(0, -(ZONE.length + 1)));
  const stored = (name: string) => fake.records(ZONE).filter((r) => r.name === relative(name));

  beforeAll(async () => {
    fake = await startFakeVultr({ maxPerPage: 5 });
    fake.addDomain(ZONE);
    fake.keys.set(KEY, { dns: true });
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: vultrDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('describes the provider', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.vultr',
        provider: 'vultr',
        setup: 'api',
        nameservers: ['ns1.vultr.com', 'ns2.vultr.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: expect.arrayContaining([expect.stringContaining('Manage DNS'), expect.stringContaining('Access Control')]),
      }),
    ]);
  });

  it('writes relative names (empty at the apex), CNAME targets without the dot, TXT quoted, and an owner TXT record', async () => {
    const cname = fresh('shop');
    const result = await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 300, values: ['edge.portico.example'] }] });
    expect(result.changes).toMatchObject([{ action: 'create' }]);
    expect(stored(cname)).toMatchObject([{ type: 'CNAME', name: relative(cname), data: 'edge.portico.example', ttl: 300 }]);
    expect(stored(`_portico-owner.cname.${cname}`)).toMatchObject([{ type: 'TXT', data: `"${MARKER}"` }]);
    expect((await apply({ upsert: [{ name: ZONE, type: 'A', ttl: 300, values: ['192.0.2.1'] }] })).changes).toMatchObject([{ action: 'create' }]);
    expect(stored(ZONE).filter((r) => r.type === 'A')).toMatchObject([{ name: '', data: '192.0.2.1' }]);
  });

  it('TXT longer than 255 bytes is split into quoted strings and read back whole; unquoted data reads as-is', async () => {
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)} "quoted" \\`;
    expect(decodeTxt(encodeTxt(value))).toBe(value);
    const long = fresh('_long');
    await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] });
    expect(stored(long)[0]!.data.match(/"(?:[^"\\]|\\.)*"/g)!.length).toBeGreaterThan(2);
    const hand = fresh('_hand');
    fake.insert(ZONE, { name: relative(hand), type: 'TXT', data: 'google-site-verification=abc' });
    const read = await kernel.dns('vultr').getRecords(ZONE, { apiKey: KEY }, { names: [long, hand] });
    expect(Object.fromEntries(read.map((set) => [set.name, set.values]))).toEqual({ [long]: [value], [hand]: ['google-site-verification=abc'] });
    expect((await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] })).changes).toMatchObject([{ action: 'noop' }]);
  });

  it('reads every page of a zone by following meta.links.next cursors', async () => {
    fake.addDomain('paged.example');
    for (let i = 0; i < 21; i++) fake.insert('paged.example', { name: `host-${i}`, type: 'A', data: `192.0.2.${i}` });
    const read = await kernel.dns('vultr').getRecords('paged.example', { apiKey: KEY });
    expect(read).toHaveLength(21);
    // 21 A records and 2 NS at 5 a page: 5 pages, the first without a cursor, each later one with the last `next`.
    const pages = fake.requests.filter((r) => r.path === '/v2/domains/paged.example/records').map((r) => r.query.get('cursor'));
    expect(pages).toHaveLength(5);
    expect(pages[0]).toBeNull();
    expect(new Set(pages.slice(1)).size).toBe(4);
    expect(await kernel.dns('vultr').verifyCredentials({ apiKey: KEY })).toMatchObject({ zones: [ZONE, 'paged.example'] });
  });

  it('an update keeps the records whose value stays and reuses the ids of the others', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.data, r.id]));
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.data, r.id]));
    expect([...after.keys()].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('not atomic: a change Vultr refuses (400) is that change\'s validation error, the others land', async () => {
    const taken = fresh('taken');
    const free = fresh('_free');
    // An MX the planner does not read; Vultr refuses a CNAME next to it.
    fake.insert(ZONE, { name: relative(taken), type: 'MX', data: `mail.${ZONE}` });
    const result = await apply({ upsert: [{ name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }, { name: free, type: 'TXT', ttl: 300, values: ['free'] }] });
    expect(result.applied).toBe(true);
    expect(result.changes[0]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('CNAME') } });
    expect(result.changes[1]!.error).toBeUndefined();
    expect(stored(free)).toMatchObject([{ data: '"free"' }]);
  });

  it('429 is rate_limit: seconds from Retry-After, else Vultr\'s one-second window', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    expect(await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: '429' });
    fake.failNext(1, { status: 429 });
    expect(await failure(kernel.dns('vultr').verifyCredentials({ apiKey: KEY }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 1 });
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: '500' });
    fake.failNext(1, { status: 502 });
    const html = await failure(kernel.dns('vultr').getZone(ZONE, { apiKey: KEY }));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createVultrClient({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v2`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('401 is auth, 403 (a user without Manage DNS) is permission, an unknown domain is not_found', async () => {
    fake.keys.set('VULTR-NO-DNS', { dns: false });
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { apiKey: 'VULTR-REFUSED' } }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    expect(await failure(apply({ upsert, credentials: { apiKey: 'VULTR-NO-DNS' } }))).toMatchObject({ kind: 'permission', providerCode: '403' });
    expect(await failure(kernel.dns('vultr').getZone('missing.example', { apiKey: KEY }))).toMatchObject({ kind: 'not_found', providerCode: '404' });
    expect(await kernel.dns('vultr').getZone(ZONE, { apiKey: KEY })).toEqual({ name: ZONE, nameservers: ['ns1.vultr.com', 'ns2.vultr.com'] });
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    const client = createVultrClient({ apiKey: KEY, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the API key in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.keys.set(`${KEY}-NO-DNS`, { dns: false });
    errors.push(await failure(apply({ upsert, credentials: { apiKey: `${KEY}-REFUSED` } })));
    errors.push(await failure(apply({ upsert, credentials: { apiKey: `${KEY}-NO-DNS` } })));
    for (const fault of [{ status: 429, retryAfter: '1' }, { status: 500 }, { status: 502 }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof VultrDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('VultrDnsError');
    expect(everything).not.toContain(KEY);
  });
});
