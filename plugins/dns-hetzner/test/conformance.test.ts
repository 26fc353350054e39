import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, type ApplyRecordsInput, type DnsProviderError, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import hetznerDns, { createHetznerClient, decodeTxt, encodeTxt, HetznerDnsError, retryAfterOf } from '../src/index.ts';
import { startFakeHetzner, type FakeHetzner } from './fake-hetzner.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const TOKEN = `hz-${randomBytes(16).toString('hex')}`;

// The whole suite runs with pages of 5 items, so every read of the zone follows `meta.pagination`.
dnsProviderConformance({
  name: 'dns.hetzner against a fake Hetzner DNS Console API',
  provider: 'hetzner',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeHetzner({ maxPerPage: 5 });
    fake.addZone(ZONE);
    fake.tokens.add(TOKEN);
    const kernel = await createTestKernel([{ plugin: hetznerDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner record.
    const person = createHetznerClient({ token: TOKEN, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { token: TOKEN },
      badCredentials: { token: 'hz-token-that-hetzner-refuses' },
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

describe('dns.hetzner against a fake Hetzner DNS Console API', () => {
  let fake: FakeHetzner;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('hetzner', { zone: ZONE, upsert: [], remove: [], credentials: { token: TOKEN }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const relative = (name: string) => (name === ZONE ? '@' : name.slice(0, -(ZONE.length + 1)));
  const stored = (name: string) => fake.zone(ZONE).records.filter((r) => r.name === relative(name));

  beforeAll(async () => {
    fake = await startFakeHetzner({ maxPerPage: 5 });
    fake.addZone(ZONE);
    fake.tokens.add(TOKEN);
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: hetznerDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.omitRecordMeta = false;
  });

  it('describes the provider', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.hetzner',
        provider: 'hetzner',
        setup: 'api',
        nameservers: ['*.ns.hetzner.com', '*.ns.hetzner.de', '*.ns.hetzner.cloud'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: expect.arrayContaining([expect.stringContaining('DNS Console API token')]),
      }),
    ]);
  });

  it('writes relative names, CNAME targets with the dot, TXT as quoted strings, and an owner TXT record', async () => {
    const cname = fresh('shop');
    const result = await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 300, values: ['edge.portico.example'] }] });
    expect(result.changes).toMatchObject([{ action: 'create' }]);
    expect(stored(cname)).toMatchObject([{ type: 'CNAME', name: relative(cname), value: 'edge.portico.example.', ttl: 300, zone_id: fake.zone(ZONE).id }]);
    expect(stored(`_portico-owner.cname.${cname}`)).toMatchObject([{ type: 'TXT', value: `"${MARKER}"` }]);
    expect((await apply({ upsert: [{ name: ZONE, type: 'A', ttl: 300, values: ['192.0.2.1'] }] })).changes).toMatchObject([{ action: 'create' }]);
    expect(stored(ZONE).filter((r) => r.type === 'A')).toMatchObject([{ name: '@', value: '192.0.2.1' }]);
  });

  it('TXT longer than 255 bytes is split into quoted strings and read back whole; unquoted values read as-is', async () => {
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)} "quoted" \\`;
    expect(decodeTxt(encodeTxt(value))).toBe(value);
    const long = fresh('_long');
    await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] });
    expect(stored(long)[0]!.value.match(/"(?:[^"\\]|\\.)*"/g)!.length).toBeGreaterThan(2);
    const hand = fresh('_hand');
    fake.insert(ZONE, { name: relative(hand), type: 'TXT', value: 'google-site-verification=abc' });
    const read = await kernel.dns('hetzner').getRecords(ZONE, { token: TOKEN }, { names: [long, hand] });
    expect(Object.fromEntries(read.map((set) => [set.name, set.values]))).toEqual({ [long]: [value], [hand]: ['google-site-verification=abc'] });
    expect((await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] })).changes).toMatchObject([{ action: 'noop' }]);
  });

  it('reads every page of a zone, with or without meta.pagination in the answer', async () => {
    fake.addZone('paged.example');
    for (let i = 0; i < 21; i++) fake.insert('paged.example', { name: `host-${i}`, type: 'A', value: `192.0.2.${i}` });
    const pages = () => fake.requests.filter((r) => r.path === '/api/v1/records').map((r) => [r.query.get('page'), r.query.get('per_page')]);
    // 21 A records, 3 NS and the SOA, at most 5 a page: the client asks for 100 and follows last_page.
    const read = await kernel.dns('hetzner').getRecords('paged.example', { token: TOKEN });
    expect(read).toHaveLength(21);
    expect(pages()).toEqual(['1', '2', '3', '4', '5'].map((page) => [page, '100']));
    // Without meta the client reads until a page comes back shorter than it asked for: here an empty sixth.
    fake.requests.length = 0;
    fake.omitRecordMeta = true;
    expect(await createHetznerClient({ token: TOKEN, baseURL: fake.url, perPage: 5 }).getRecordSets('paged.example')).toHaveLength(21);
    expect(pages()).toEqual(['1', '2', '3', '4', '5', '6'].map((page) => [page, '5']));
    expect(await kernel.dns('hetzner').verifyCredentials({ token: TOKEN })).toMatchObject({ zones: [ZONE, 'paged.example'] });
  });

  it('an update keeps the records whose value stays and reuses the ids of the others', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.value, r.id]));
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.value, r.id]));
    expect([...after.keys()].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
  });

  it('not atomic: a change Hetzner refuses (422) is that change\'s validation error, the others land', async () => {
    const taken = fresh('taken');
    const free = fresh('_free');
    // An MX the planner does not read; Hetzner refuses a CNAME next to it.
    fake.insert(ZONE, { name: relative(taken), type: 'MX', value: `10 mail.${ZONE}.` });
    const result = await apply({ upsert: [{ name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }, { name: free, type: 'TXT', ttl: 300, values: ['free'] }] });
    expect(result.applied).toBe(true);
    expect(result.changes[0]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('CNAME') } });
    expect(result.changes[1]!.error).toBeUndefined();
    expect(stored(free)).toMatchObject([{ value: '"free"' }]);
  });

  it('429 is rate_limit: seconds from Retry-After, else the window whose remaining count is 0', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    expect(await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: '429' });
    fake.failNext(1, { status: 429 });
    expect(await failure(kernel.dns('hetzner').verifyCredentials({ token: TOKEN }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 60 });
    expect(retryAfterOf(new Headers({ 'x-ratelimit-remaining-second': '0', 'x-ratelimit-remaining-minute': '0' }))).toBe(1);
    expect(retryAfterOf(new Headers({}))).toBeUndefined();
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: '500' });
    fake.failNext(1, { status: 502 });
    const html = await failure(kernel.dns('hetzner').getZone(ZONE, { token: TOKEN }));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createHetznerClient({ token: TOKEN, baseURL: `http://127.0.0.1:${port}/api/v1`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('401 is auth, 403 is permission, a zone the token cannot see is not_found', async () => {
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { token: 'hz-refused' } }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    fake.failNext(1, { status: 403 });
    expect(await failure(apply({ upsert }))).toMatchObject({ kind: 'permission', providerCode: '403' });
    expect(await failure(kernel.dns('hetzner').getZone('missing.example', { token: TOKEN }))).toMatchObject({ kind: 'not_found' });
    expect(await kernel.dns('hetzner').getZone(ZONE, { token: TOKEN })).toEqual({
      id: fake.zone(ZONE).id,
      name: ZONE,
      nameservers: ['helium.ns.hetzner.de', 'hydrogen.ns.hetzner.com', 'oxygen.ns.hetzner.com'],
    });
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    const client = createHetznerClient({ token: TOKEN, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the token in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    errors.push(await failure(apply({ upsert, credentials: { token: `${TOKEN}-refused` } })));
    for (const fault of [{ status: 403 }, { status: 429, retryAfter: '1' }, { status: 500 }, { status: 502 }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof HetznerDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('HetznerDnsError');
    expect(everything).not.toContain(TOKEN);
  });
});
