import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, type ApplyRecordsInput, type DnsProviderError, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import namecomDns, { createNamecomClient, NamecomDnsError } from '../src/index.ts';
import { FAKE_NAMESERVERS, startFakeNamecom, type FakeNamecom } from './fake-namecom.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
const USER = 'portico-customer';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const TOKEN = `NAMECOM${randomBytes(16).toString('hex').toUpperCase()}`;
const BASIC = Buffer.from(`${USER}:${TOKEN}`).toString('base64');

// The whole suite runs with pages of 5 records, so every read of the zone follows `nextPage`.
dnsProviderConformance({
  name: 'dns.namecom against a fake Name.com API',
  provider: 'namecom',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeNamecom({ maxPerPage: 5 });
    fake.addDomain(ZONE);
    fake.accounts.set(USER, { token: TOKEN, api: true });
    const kernel = await createTestKernel([{ plugin: namecomDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner record.
    const person = createNamecomClient({ username: USER, token: TOKEN, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { username: USER, token: TOKEN },
      badCredentials: { username: USER, token: 'NAMECOM-TOKEN-THAT-NAMECOM-REFUSES' },
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

describe('dns.namecom against a fake Name.com API', () => {
  let fake: FakeNamecom;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const credentials = { username: USER, token: TOKEN };
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('namecom', { zone: ZONE, upsert: [], remove: [], credentials, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const relative = (name: string) => (name === ZONE ? '' : name.slice(0, -(ZONE.length + 1)));
  const stored = (name: string) => fake.records(ZONE).filter((r) => r.host === relative(name));

  beforeAll(async () => {
    fake = await startFakeNamecom({ maxPerPage: 5 });
    fake.addDomain(ZONE);
    fake.accounts.set(USER, { token: TOKEN, api: true });
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: namecomDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
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
        plugin: 'dns.namecom',
        provider: 'namecom',
        setup: 'api',
        nameservers: ['*.name.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: expect.arrayContaining([expect.stringContaining('API token'), expect.stringContaining('API Access')]),
      }),
    ]);
  });

  it('writes relative hosts (empty at the apex), CNAME targets without the dot, TXT as plain text, and an owner TXT record', async () => {
    const cname = fresh('shop');
    const result = await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 300, values: ['edge.portico.example'] }] });
    expect(result.changes).toMatchObject([{ action: 'create' }]);
    expect(stored(cname)).toMatchObject([{ type: 'CNAME', host: relative(cname), fqdn: `${cname}.`, answer: 'edge.portico.example', ttl: 300 }]);
    expect(stored(`_portico-owner.cname.${cname}`)).toMatchObject([{ type: 'TXT', answer: MARKER }]);
    expect((await apply({ upsert: [{ name: ZONE, type: 'A', ttl: 300, values: ['192.0.2.1'] }] })).changes).toMatchObject([{ action: 'create' }]);
    expect(stored(ZONE).filter((r) => r.type === 'A')).toMatchObject([{ host: '', answer: '192.0.2.1' }]);
    // Basic authentication on every request, and JSON declared on every write (Name.com answers 403 otherwise).
    const writes = fake.requests.filter((r) => r.method === 'POST' || r.method === 'PUT');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((r) => r.contentType === 'application/json')).toBe(true);
    // The apex record comes back without `host` (Name.com leaves out default values) and reads as the zone.
    expect(await kernel.dns('namecom').getRecords(ZONE, credentials, { names: [ZONE] })).toEqual([expect.objectContaining({ name: ZONE, type: 'A', values: ['192.0.2.1'] })]);
  });

  it('raises a TTL under 300 to Name.com\'s minimum', async () => {
    const name = fresh('_short');
    await apply({ upsert: [{ name, type: 'TXT', ttl: 60, values: ['short'] }] });
    expect(stored(name)).toMatchObject([{ ttl: 300 }]);
  });

  it('reads every page of a zone and of the domain list by following nextPage', async () => {
    fake.addDomain('paged.example');
    for (let i = 0; i < 21; i++) fake.insert('paged.example', { host: `host-${i}`, type: 'A', answer: `192.0.2.${i}` });
    const read = await kernel.dns('namecom').getRecords('paged.example', credentials);
    expect(read).toHaveLength(21);
    // 21 records at 5 a page: pages 1 to 5, each asked for once.
    const pages = fake.requests.filter((r) => r.path === '/v4/domains/paged.example/records').map((r) => r.query.get('page'));
    expect(pages).toEqual(['1', '2', '3', '4', '5']);
    for (let i = 0; i < 5; i++) fake.addDomain(`more-${i}.example`);
    const verified = await kernel.dns('namecom').verifyCredentials(credentials);
    expect(verified.zones).toHaveLength(7);
    expect(verified.zones).toEqual(expect.arrayContaining([ZONE, 'paged.example', 'more-4.example']));
    expect(fake.requests.filter((r) => r.path === '/v4/domains').map((r) => r.query.get('page'))).toEqual(['1', '2']);
  });

  it('getZone returns the domain\'s nameservers; an unknown domain is not_found', async () => {
    expect(await kernel.dns('namecom').getZone(ZONE, credentials)).toEqual({ name: ZONE, nameservers: [...FAKE_NAMESERVERS].sort() });
    expect(await failure(kernel.dns('namecom').getZone('missing.example', credentials))).toMatchObject({ kind: 'not_found', providerCode: '404' });
  });

  it('an update keeps the records whose value stays and reuses the ids of the others', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.answer, r.id]));
    fake.requests.length = 0;
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.answer, r.id]));
    expect([...after.keys()].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });

  it('not atomic: a change Name.com refuses (400) is that change\'s validation error, the others land', async () => {
    const taken = fresh('taken');
    const free = fresh('_free');
    // An MX the planner does not read; Name.com refuses a CNAME next to it.
    fake.insert(ZONE, { host: relative(taken), type: 'MX', answer: `mail.${ZONE}` });
    const result = await apply({ upsert: [{ name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }, { name: free, type: 'TXT', ttl: 300, values: ['free'] }] });
    expect(result.applied).toBe(true);
    expect(result.changes[0]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('CNAME') } });
    expect(result.changes[1]!.error).toBeUndefined();
    expect(stored(free)).toMatchObject([{ answer: 'free' }]);
  });

  it('429 is rate_limit: seconds from Retry-After, else the one-second window', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    expect(await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: '429' });
    fake.failNext(1, { status: 429 });
    expect(await failure(kernel.dns('namecom').verifyCredentials(credentials))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 1 });
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: '500' });
    fake.failNext(1, { status: 503 });
    expect(await failure(kernel.dns('namecom').verifyCredentials(credentials))).toMatchObject({ kind: 'transient', providerCode: '503' });
    fake.failNext(1, { status: 502 });
    const html = await failure(kernel.dns('namecom').getZone(ZONE, credentials));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createNamecomClient({ username: USER, token: TOKEN, baseURL: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('401 is auth, 403 (API access not allowed for the account) is permission', async () => {
    fake.accounts.set('no-api', { token: TOKEN, api: false });
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { username: USER, token: 'NAMECOM-REFUSED' } }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    expect(await failure(apply({ upsert, credentials: { username: 'no-api', token: TOKEN } }))).toMatchObject({ kind: 'permission', providerCode: '403' });
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    const client = createNamecomClient({ username: USER, token: TOKEN, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the token (or the Basic header) in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.accounts.set('leak-no-api', { token: TOKEN, api: false });
    errors.push(await failure(apply({ upsert, credentials: { username: USER, token: `${TOKEN}-REFUSED` } })));
    errors.push(await failure(apply({ upsert, credentials: { username: 'leak-no-api', token: TOKEN } })));
    for (const fault of [{ status: 429, retryAfter: '1' }, { status: 500 }, { status: 502 }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof NamecomDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('NamecomDnsError');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(BASIC);
  });
});
