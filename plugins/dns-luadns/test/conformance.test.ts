import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, type ApplyRecordsInput, type DnsProviderError, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import luadnsDns, { createLuadnsClient, LuadnsDnsError } from '../src/index.ts';
import { FAKE_NAMESERVERS, startFakeLuadns, type FakeLuadns } from './fake-luadns.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
const EMAIL = 'owner@customer.example';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const KEY = `luadns${randomBytes(16).toString('hex')}`;
const BASIC = Buffer.from(`${EMAIL}:${KEY}`).toString('base64');

const account = (keys: Array<[string, { zone?: string }]>, api = true) => ({ keys: new Map(keys), api });

// The whole suite runs with pages of 5 items, so every read of the zone follows `x-total-pages`.
dnsProviderConformance({
  name: 'dns.luadns against a fake LuaDNS API',
  provider: 'luadns',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeLuadns({ maxPerPage: 5 });
    fake.addZone(ZONE);
    fake.accounts.set(EMAIL, account([[KEY, {}]]));
    const kernel = await createTestKernel([{ plugin: luadnsDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner record.
    const person = createLuadnsClient({ email: EMAIL, apiKey: KEY, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { email: EMAIL, apiKey: KEY },
      badCredentials: { email: EMAIL, apiKey: 'luadns-key-that-luadns-refuses' },
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

describe('dns.luadns against a fake LuaDNS API', () => {
  let fake: FakeLuadns;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const credentials = { email: EMAIL, apiKey: KEY };
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('luadns', { zone: ZONE, upsert: [], remove: [], credentials, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.records(ZONE).filter((r) => r.name === `${name}.`);

  beforeAll(async () => {
    fake = await startFakeLuadns({ maxPerPage: 5 });
    fake.addZone(ZONE);
    fake.accounts.set(EMAIL, account([[KEY, {}]]));
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: luadnsDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
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
        plugin: 'dns.luadns',
        provider: 'luadns',
        setup: 'api',
        nameservers: ['*.luadns.net'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: expect.arrayContaining([expect.stringContaining('Enable API'), expect.stringContaining('restricted to the zone')]),
      }),
    ]);
  });

  it('writes fully qualified names and CNAME targets with the dot, TXT as plain text, and an owner TXT record', async () => {
    const cname = fresh('shop');
    const result = await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 300, values: ['edge.portico.example'] }] });
    expect(result.changes).toMatchObject([{ action: 'create' }]);
    expect(stored(cname)).toMatchObject([{ type: 'CNAME', name: `${cname}.`, content: 'edge.portico.example.', ttl: 300 }]);
    expect(stored(`_portico-owner.cname.${cname}`)).toMatchObject([{ type: 'TXT', content: MARKER }]);
    expect((await apply({ upsert: [{ name: ZONE, type: 'A', ttl: 300, values: ['192.0.2.1'] }] })).changes).toMatchObject([{ action: 'create' }]);
    expect(stored(ZONE).filter((r) => r.type === 'A')).toMatchObject([{ name: `${ZONE}.`, content: '192.0.2.1' }]);
    // Basic authentication and `Accept: application/json` on every request (LuaDNS answers 403 otherwise).
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.every((r) => r.accept === 'application/json')).toBe(true);
  });

  it('reads every page of a zone and of the zone list by following x-total-pages', async () => {
    fake.addZone('paged.example');
    for (let i = 0; i < 17; i++) fake.insert('paged.example', { name: `host-${i}.paged.example.`, type: 'A', content: `192.0.2.${i}` });
    const read = await kernel.dns('luadns').getRecords('paged.example', credentials);
    expect(read).toHaveLength(17);
    // 17 A records and 4 NS at 5 a page: pages 1 to 5.
    const zoneId = fake.records('paged.example')[0]!.zone_id;
    expect(fake.requests.filter((r) => r.path === `/v1/zones/${zoneId}/records`).map((r) => r.query.get('page'))).toEqual(['1', '2', '3', '4', '5']);
    for (let i = 0; i < 4; i++) fake.addZone(`more-${i}.example`);
    fake.requests.length = 0;
    const verified = await kernel.dns('luadns').verifyCredentials(credentials);
    expect(verified.zones).toHaveLength(6);
    expect(verified.zones).toEqual(expect.arrayContaining([ZONE, 'paged.example', 'more-3.example']));
    expect(fake.requests.filter((r) => r.path === '/v1/zones').map((r) => r.query.get('page'))).toEqual(['1', '2']);
  });

  it('getZone returns the id and the apex NS records; a zone the key cannot see is not_found', async () => {
    expect(await kernel.dns('luadns').getZone(ZONE, credentials)).toEqual({ id: String(fake.records(ZONE)[0]!.zone_id), name: ZONE, nameservers: [...FAKE_NAMESERVERS].sort() });
    expect(await failure(kernel.dns('luadns').getZone('missing.example', credentials))).toMatchObject({ kind: 'not_found' });
  });

  it('an update keeps the records whose value stays and reuses the ids of the others', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.content, r.id]));
    fake.requests.length = 0;
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.content, r.id]));
    expect([...after.keys()].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('not atomic: a change LuaDNS refuses (400 with field errors) is that change\'s validation error, the others land', async () => {
    const taken = fresh('taken');
    const free = fresh('_free');
    // An MX the planner does not read; LuaDNS refuses a CNAME next to it.
    fake.insert(ZONE, { name: `${taken}.`, type: 'MX', content: `10 mail.${ZONE}.` });
    const result = await apply({ upsert: [{ name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }, { name: free, type: 'TXT', ttl: 300, values: ['free'] }] });
    expect(result.applied).toBe(true);
    expect(result.changes[0]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('CNAME') } });
    expect(result.changes[1]!.error).toBeUndefined();
    expect(stored(free)).toMatchObject([{ content: 'free' }]);
  });

  it('429 is rate_limit with the seconds until X-Ratelimit-Reset', async () => {
    fake.failNext(1, { status: 429, resetIn: 42 });
    const limited = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(limited).toMatchObject({ kind: 'rate_limit', providerCode: '429' });
    // Whole seconds from now to the reset: 42, or 43 when the second turned between the fake and the client.
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(41);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(43);
    fake.failNext(1, { status: 429 });
    const window = await failure(kernel.dns('luadns').verifyCredentials(credentials));
    expect(window).toMatchObject({ kind: 'rate_limit' });
    expect(window.retryAfterSeconds).toBeLessThanOrEqual(300);
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: '500' });
    fake.failNext(1, { status: 502 });
    const html = await failure(kernel.dns('luadns').verifyCredentials(credentials));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createLuadnsClient({ email: EMAIL, apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('401 is auth; 403 (API access disabled, or a key restricted to another zone) is permission', async () => {
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { email: EMAIL, apiKey: 'luadns-refused' } }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    fake.accounts.set('off@customer.example', account([[KEY, {}]], false));
    expect(await failure(apply({ upsert, credentials: { email: 'off@customer.example', apiKey: KEY } }))).toMatchObject({ kind: 'permission', providerCode: '403' });
    // A key restricted to another zone: the zone list hides the zone, and its id is refused.
    fake.addZone('other.example');
    fake.accounts.get(EMAIL)!.keys.set('luadns-other-zone-only', { zone: 'other.example' });
    expect(await failure(apply({ upsert, credentials: { email: EMAIL, apiKey: 'luadns-other-zone-only' } }))).toMatchObject({ kind: 'not_found' });
    const restricted = createLuadnsClient({ email: EMAIL, apiKey: 'luadns-other-zone-only', baseURL: fake.url });
    const zoneId = fake.records(ZONE)[0]!.zone_id;
    await expect(restricted.listZones()).resolves.toEqual(['other.example']);
    const direct = await fetch(`${fake.url}/zones/${zoneId}/records`, { headers: { authorization: `Basic ${Buffer.from(`${EMAIL}:luadns-other-zone-only`).toString('base64')}`, accept: 'application/json' } });
    expect(direct.status).toBe(403);
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    const client = createLuadnsClient({ email: EMAIL, apiKey: KEY, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the API key (or the Basic header) in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.accounts.set('leak-off@customer.example', account([[KEY, {}]], false));
    errors.push(await failure(apply({ upsert, credentials: { email: EMAIL, apiKey: `${KEY}-refused` } })));
    errors.push(await failure(apply({ upsert, credentials: { email: 'leak-off@customer.example', apiKey: KEY } })));
    for (const fault of [{ status: 429, resetIn: 1 }, { status: 500 }, { status: 502 }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof LuadnsDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('LuadnsDnsError');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(BASIC);
  });
});
