import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ovhDns, { createOvhClient, OvhDnsError, type OvhClientOptions } from '../src/index.ts';
import { startFakeOvh, type FakeOvh } from './fake-ovh.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
const APP_KEY = 'ovh-app-key-1234';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const APP_SECRET = `ovh-app-secret-${randomBytes(12).toString('hex')}`;
const CONSUMER = `ovh-consumer-${randomBytes(12).toString('hex')}`;
const CREDENTIALS = { applicationKey: APP_KEY, applicationSecret: APP_SECRET, consumerKey: CONSUMER };

dnsProviderConformance({
  name: 'dns.ovh against a fake OVHcloud API',
  provider: 'ovh',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeOvh();
    fake.addZone(ZONE);
    fake.applications.set(APP_KEY, APP_SECRET);
    fake.consumers.set(CONSUMER, { applicationKey: APP_KEY });
    const kernel = await createTestKernel([{ plugin: ovhDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone in the OVHcloud Control Panel: the vendor client straight, no owner marker.
    const person = createOvhClient({ ...CREDENTIALS, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: CREDENTIALS,
      badCredentials: { ...CREDENTIALS, consumerKey: 'ovh-consumer-that-ovh-refuses' },
      writeForeign: async (set) => {
        for (const value of set.values) await person.createRecord(ZONE, set, value);
        await person.refresh(ZONE);
      },
      teardown: async () => {
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.ovh against a fake OVHcloud API', () => {
  let fake: FakeOvh;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('ovh', { zone: ZONE, upsert: [], remove: [], credentials: CREDENTIALS, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const relative = (name: string) => (name === ZONE ? '' : name.slice(0, -(ZONE.length + 1)));
  const stored = (name: string) => fake.zone(ZONE).records.filter((r) => r.subDomain === relative(name));
  const served = (name: string) => fake.zone(ZONE).served.filter((r) => r.subDomain === relative(name));
  const client = (overrides: Partial<OvhClientOptions> = {}) => createOvhClient({ ...CREDENTIALS, baseURL: fake.url, timeoutMs: 5000, ...overrides });

  beforeAll(async () => {
    fake = await startFakeOvh();
    fake.addZone(ZONE);
    fake.applications.set(APP_KEY, APP_SECRET);
    fake.consumers.set(CONSUMER, { applicationKey: APP_KEY });
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: ovhDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.clockSkew = 0;
  });

  it('describes the provider', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.ovh',
        provider: 'ovh',
        setup: 'api',
        nameservers: ['*.ovh.net', '*.ovh.co.uk', '*.anycast.me'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
      }),
    ]);
  });

  it('writes records and owner markers, then refreshes the zone once so OVHcloud serves them', async () => {
    const a = fresh('a');
    const cname = fresh('www');
    const result = await apply({ upsert: [{ name: a, type: 'A', ttl: 30, values: ['192.0.2.1', '192.0.2.2'] }, { name: cname, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }] });
    expect(result.applied).toBe(true);
    expect(stored(a)).toMatchObject([
      { fieldType: 'A', subDomain: relative(a), target: '192.0.2.1', ttl: 60 },
      { fieldType: 'A', target: '192.0.2.2', ttl: 60 },
    ]);
    expect(stored(cname)).toMatchObject([{ fieldType: 'CNAME', target: 'edge.example.net.' }]);
    expect(stored(`_portico-owner.a.${a}`)).toMatchObject([{ fieldType: 'TXT', target: `"${MARKER}"` }]);
    const writes = fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/\d+$/, 'ID')}`);
    expect(writes.at(-1)).toBe(`POST /1.0/domain/zone/${ZONE}/refresh`);
    expect(writes.filter((w) => w.endsWith('/refresh'))).toHaveLength(1);
    expect(served(a)).toHaveLength(2);
    // Nothing to write, nothing to refresh.
    fake.requests.length = 0;
    expect(await apply({ upsert: [{ name: a, type: 'A', ttl: 30, values: ['192.0.2.1', '192.0.2.2'] }] })).toMatchObject({ changes: [{ action: 'noop' }] });
    expect(fake.requests.some((r) => r.path.endsWith('/refresh'))).toBe(false);
  });

  it('reads only the names asked for (subDomain filter), one GET per record, and relative CNAME targets as OVHcloud means them', async () => {
    const plain = fresh('plain');
    const rel = fresh('rel');
    fake.insert(ZONE, { subDomain: relative(plain), fieldType: 'A', target: '192.0.2.7' });
    fake.insert(ZONE, { subDomain: relative(rel), fieldType: 'CNAME', target: 'www' });
    fake.insert(ZONE, { subDomain: relative(fresh('_legacy')), fieldType: 'TXT', target: 'unquoted text' });
    fake.requests.length = 0;
    const read = await kernel.dns('ovh').getRecords(ZONE, CREDENTIALS, { names: [plain, rel] });
    expect(read.map((set) => [set.name, set.type, set.values])).toEqual([
      [plain, 'A', ['192.0.2.7']],
      [rel, 'CNAME', [`www.${ZONE}`]],
    ]);
    const lists = fake.requests.filter((r) => r.path.endsWith('/record')).map((r) => r.query.get('subDomain'));
    expect(lists.sort()).toEqual([relative(plain), relative(rel)].sort());
    expect(fake.requests.filter((r) => /\/record\/\d+$/.test(r.path))).toHaveLength(2);
  });

  it('reads a whole zone: the id list is not paged, so every record is one GET (120 A records and the 2 apex NS)', async () => {
    fake.addZone('big.example');
    for (let i = 0; i < 120; i++) fake.insert('big.example', { subDomain: `host-${i}`, fieldType: 'A', target: `192.0.2.${i}` });
    fake.requests.length = 0;
    const sets = await client({ concurrency: 4 }).getRecordSets('big.example');
    expect(sets).toHaveLength(120);
    expect(fake.requests.filter((r) => r.path === '/1.0/domain/zone/big.example/record')).toHaveLength(1);
    expect(fake.requests.filter((r) => /\/record\/\d+$/.test(r.path))).toHaveLength(122);
  });

  it('TXT is written as quoted 255-byte strings and read back as written', async () => {
    const long = fresh('_long');
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)} "quoted" \\`;
    await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] });
    expect(stored(long)[0]!.target.match(/"(?:[^"\\]|\\.)*"/g)).toHaveLength(3);
    const read = await kernel.dns('ovh').getRecords(ZONE, CREDENTIALS, { names: [long] });
    expect(read).toMatchObject([{ values: [value] }]);
  });

  it('an update keeps the records whose value stays and reuses the others (PUT keeps the id)', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.target, r.id]));
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.target, r.id]));
    expect([...after.keys()].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
  });

  it('a change OVHcloud refuses is reported on that change; the others are written and refreshed', async () => {
    const ok = fresh('_ok');
    const result = await apply({ upsert: [{ name: ok, type: 'TXT', ttl: 300, values: ['fine'] }, { name: ZONE, type: 'CNAME', ttl: 300, values: ['elsewhere.example.net'] }] });
    expect(result.changes[0]!.error).toBeUndefined();
    expect(result.changes[1]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('cannot be set on the zone apex') } });
    expect(served(ok)).toHaveLength(1);
  });

  it('deletes first, so a CNAME can replace an A at the same name in one apply', async () => {
    const name = fresh('swap');
    const a = { name, type: 'A' as const, ttl: 300, values: ['192.0.2.5'] };
    await apply({ upsert: [a] });
    const result = await apply({ upsert: [{ ...a, type: 'CNAME', values: ['edge.example.net'] }], remove: [a] });
    expect(result.changes.map((c) => [c.action, c.error])).toEqual([['create', undefined], ['delete', undefined]]);
    expect(stored(name)).toMatchObject([{ fieldType: 'CNAME', target: 'edge.example.net.' }]);
  });

  it('signs with the API\'s clock from /auth/time, once per client', async () => {
    fake.clockSkew = 600;
    const c = client();
    await c.getZone(ZONE);
    await c.listZones();
    expect(fake.requests.filter((r) => r.path === '/1.0/auth/time')).toHaveLength(1);
  });

  it('tells a refused key (auth) from a key whose access rules do not cover the call (permission)', async () => {
    fake.consumers.set('ovh-read-only', { applicationKey: APP_KEY, rules: [{ method: 'GET', path: '/*' }] });
    fake.consumers.set('ovh-expired', { applicationKey: APP_KEY, status: 'expired' });
    fake.consumers.set('ovh-one-zone', { applicationKey: APP_KEY, rules: ['GET', 'POST', 'PUT', 'DELETE'].map((method) => ({ method, path: `/domain/zone/${ZONE}*` })) });
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    const dns = kernel.dns('ovh');
    expect(await failure(apply({ upsert, credentials: { ...CREDENTIALS, consumerKey: 'ovh-read-only' } }))).toMatchObject({ kind: 'permission', providerCode: 'NOT_GRANTED_CALL' });
    expect(await failure(apply({ upsert, credentials: { ...CREDENTIALS, consumerKey: 'ovh-expired' } }))).toMatchObject({ kind: 'auth', providerCode: 'INVALID_CREDENTIAL' });
    expect(await failure(apply({ upsert, credentials: { ...CREDENTIALS, applicationSecret: 'ovh-wrong-secret' } }))).toMatchObject({ kind: 'auth', providerCode: 'INVALID_SIGNATURE' });
    expect(await failure(dns.verifyCredentials({ ...CREDENTIALS, applicationKey: 'ovh-unknown-app' }))).toMatchObject({ kind: 'auth', providerCode: 'INVALID_KEY' });
    // A key limited to one zone passes verification without listing zones, and writes that zone.
    expect(await dns.verifyCredentials({ ...CREDENTIALS, consumerKey: 'ovh-one-zone' })).toMatchObject({ message: expect.stringContaining('may not list zones') });
    expect(await apply({ upsert, credentials: { ...CREDENTIALS, consumerKey: 'ovh-one-zone' } })).toMatchObject({ applied: true });
    expect(await failure(dns.getZone('elsewhere.example', CREDENTIALS))).toMatchObject({ kind: 'not_found', providerCode: 'Client::NotFound' });
    expect(await dns.verifyCredentials(CREDENTIALS)).toMatchObject({ zones: expect.arrayContaining([ZONE]) });
  });

  it('400 is validation, with OVHcloud\'s message', async () => {
    const error = await failure(client().createRecord(ZONE, { name: fresh('bad'), type: 'A', ttl: 300 }, 'not-an-address'));
    expect(error).toBeInstanceOf(OvhDnsError);
    expect(error).toMatchObject({ kind: 'validation', status: 400, providerCode: 'Client::BadRequest', message: expect.stringContaining('Invalid IPv4 target') });
    expect((error as unknown as OvhDnsError).queryId).toMatch(/^EU\.ext-/);
  });

  it('429 is rate_limit with the seconds of Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: 'Client::TooManyRequests' });
    fake.failNext(1, { status: 429 });
    expect(await failure(kernel.dns('ovh').getZone(ZONE, CREDENTIALS))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: undefined });
  });

  it('a failure after some writes still refreshes what landed, then fails the apply', async () => {
    const first = fresh('_first');
    const second = fresh('_second');
    const before = fake.zone(ZONE).refreshes;
    // Owner markers go first: both land, then the record of `first` answers 500.
    let writes = 0;
    const failing: typeof globalThis.fetch = async (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/record') && ++writes === 3) {
        return new Response('{"class":"Server::InternalServerError","message":"boom"}', { status: 500 });
      }
      return fetch(input, init);
    };
    const k = createKernel({ services: { ...createTestServices(), fetch: failing } });
    await k.register({ plugin: ovhDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
    try {
      const upsert = [{ name: first, type: 'TXT' as const, ttl: 300, values: ['1'] }, { name: second, type: 'TXT' as const, ttl: 300, values: ['2'] }];
      const error = await failure(k.applyRecords('ovh', { zone: ZONE, upsert, remove: [], credentials: CREDENTIALS }));
      expect(error).toMatchObject({ kind: 'transient' });
    } finally {
      await k.close();
    }
    expect(fake.zone(ZONE).refreshes).toBe(before + 1);
    expect(served(`_portico-owner.txt.${first}`)).toHaveLength(1);
    expect(served(`_portico-owner.txt.${second}`)).toHaveLength(1);
    expect(served(first)).toHaveLength(0);
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: 'Server::InternalServerError' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(kernel.dns('ovh').getZone(ZONE, CREDENTIALS));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).toContain('502 Bad Gateway');
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(client({ baseURL: `http://127.0.0.1:${port}/1.0` }).getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('an aborted call is an AbortError, not a failure', async () => {
    expect(await failure(client().getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the secret or the consumer key in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.consumers.set(`${CONSUMER}-read-only`, { applicationKey: APP_KEY, rules: [{ method: 'GET', path: '/*' }] });
    errors.push(await failure(apply({ upsert, credentials: { ...CREDENTIALS, consumerKey: `${CONSUMER}-refused` } })));
    errors.push(await failure(apply({ upsert, credentials: { ...CREDENTIALS, consumerKey: `${CONSUMER}-read-only` } })));
    errors.push(await failure(apply({ upsert, credentials: { ...CREDENTIALS, applicationSecret: `${APP_SECRET}-wrong` } })));
    for (const fault of [{ status: 429, retryAfter: '1' }, { status: 500 }, { status: 502, html: true }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'auth', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof OvhDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('OvhDnsError');
    expect(everything).not.toContain(APP_SECRET);
    expect(everything).not.toContain(CONSUMER);
  });

  it('README.md lists exactly the permissions the descriptor reports', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## ').find((part) => part.startsWith('Token permissions'))!;
    const listed = section.split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(kernel.descriptors.dnsProviders[0]!.permissions);
  });
});
