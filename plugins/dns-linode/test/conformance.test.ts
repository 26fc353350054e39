import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { readFile } from 'node:fs/promises';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import linodeDns, { createLinodeClient, LinodeDnsError } from '../src/index.ts';
import { startFakeLinode, type FakeLinode } from './fake-linode.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const TOKEN = `linode-test-token-${randomBytes(12).toString('hex')}`;
const FULL = ['domains:read_write'];

dnsProviderConformance({
  name: 'dns.linode against a fake Linode API',
  provider: 'linode',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeLinode();
    fake.addDomain(ZONE);
    fake.tokens.set(TOKEN, FULL);
    const kernel = await createTestKernel([{ plugin: linodeDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone in Cloud Manager: the vendor client straight, no owner marker.
    const person = createLinodeClient({ token: TOKEN, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { token: TOKEN },
      badCredentials: { token: 'linode-token-that-linode-refuses' },
      writeForeign: async (set) => {
        for (const value of set.values) await person.createRecord(ZONE, set, value);
      },
      teardown: async () => {
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.linode against a fake Linode API', () => {
  let fake: FakeLinode;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('linode', { zone: ZONE, upsert: [], remove: [], credentials: { token: TOKEN }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.domain(ZONE).records.filter((r) => (r.name === '' ? ZONE : `${r.name}.${ZONE}`) === name);
  const writes = () => fake.requests.filter((r) => r.method !== 'GET');

  beforeAll(async () => {
    fake = await startFakeLinode();
    fake.addDomain(ZONE);
    fake.addDomain('secondary.example', 'slave');
    fake.tokens.set(TOKEN, FULL);
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: linodeDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
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
        plugin: 'dns.linode',
        provider: 'linode',
        setup: 'api',
        nameservers: ['*.linode.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
      }),
    ]);
  });

  it('writes relative names, one record per value, and an owner TXT record beside each set', async () => {
    const a = fresh('a');
    const result = await apply({ upsert: [{ name: a, type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] }] });
    expect(result.applied).toBe(true);
    expect(stored(a)).toMatchObject([
      { type: 'A', name: a.slice(0, -(ZONE.length + 1)), target: '192.0.2.1', ttl_sec: 300 },
      { type: 'A', target: '192.0.2.2' },
    ]);
    expect(stored(`_portico-owner.a.${a}`)).toMatchObject([{ type: 'TXT', target: MARKER }]);
    // The marker goes first, so a failure never leaves a set without its marker.
    expect(writes().map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(fake.domain(ZONE).records.findIndex((r) => r.target === MARKER && r.name.endsWith(a.split('.')[0]!))).toBeLessThan(
      fake.domain(ZONE).records.findIndex((r) => r.target === '192.0.2.1'),
    );
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

  it('reads every page of a zone: 60 records at 25 a page, following `pages`', async () => {
    fake.addDomain('paged.example');
    for (let i = 0; i < 60; i++) fake.insert('paged.example', { name: `host-${i}.paged.example`, type: 'A', target: `192.0.2.${i}` });
    fake.insert('paged.example', { name: 'paged.example', type: 'MX', target: 'mail.paged.example' });
    const client = createLinodeClient({ token: TOKEN, baseURL: fake.url, pageSize: 25 });
    const read = await client.getRecordSets('paged.example');
    expect(read).toHaveLength(60);
    const pages = fake.requests.filter((r) => r.path.endsWith('/records')).map((r) => [r.query.get('page'), r.query.get('page_size')]);
    expect(pages).toEqual([['1', '25'], ['2', '25'], ['3', '25']]);
    // The domain is found by name with X-Filter, not by listing every domain.
    expect(fake.requests.find((r) => r.path === '/v4/domains')?.filter).toBe('{"domain":"paged.example"}');
  });

  it('TXT values and CNAME targets read back as written; quoted zone-file TXT is unquoted', async () => {
    const txt = fresh('_txt');
    const cname = fresh('www');
    await apply({ upsert: [{ name: txt, type: 'TXT', ttl: 300, values: ['say "hi" \\ there'] }, { name: cname, type: 'CNAME', ttl: 300, values: ['Edge.Example.NET'] }] });
    const quoted = fresh('_quoted');
    fake.insert(ZONE, { name: quoted, type: 'TXT', target: '"a\\"b" "c"' });
    const read = await kernel.dns('linode').getRecords(ZONE, { token: TOKEN }, { names: [txt, cname, quoted] });
    expect(Object.fromEntries(read.map((set) => [set.name, set.values]))).toEqual({ [txt]: ['say "hi" \\ there'], [cname]: ['edge.example.net'], [quoted]: ['a"bc'] });
    expect(await apply({ upsert: [{ name: txt, type: 'TXT', ttl: 300, values: ['say "hi" \\ there'] }] })).toMatchObject({ changes: [{ action: 'noop' }] });
  });

  it('a change Linode refuses is reported on that change, and the others are written', async () => {
    const ok = fresh('_ok');
    const result = await apply({ upsert: [{ name: ok, type: 'TXT', ttl: 300, values: ['fine'] }, { name: ZONE, type: 'CNAME', ttl: 300, values: ['elsewhere.example.net'] }] });
    expect(result.changes[0]).toMatchObject({ action: 'create' });
    expect(result.changes[0]!.error).toBeUndefined();
    expect(result.changes[1]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('root of a domain') } });
    expect(stored(ok)).toHaveLength(1);
  });

  it('deletes first, so a CNAME can replace an A at the same name in one apply', async () => {
    const name = fresh('swap');
    const a = { name, type: 'A' as const, ttl: 300, values: ['192.0.2.5'] };
    await apply({ upsert: [a] });
    const result = await apply({ upsert: [{ ...a, type: 'CNAME', values: ['edge.example.net'] }], remove: [a] });
    expect(result.changes.map((c) => [c.action, c.error])).toEqual([['create', undefined], ['delete', undefined]]);
    expect(stored(name)).toMatchObject([{ type: 'CNAME', target: 'edge.example.net' }]);
  });

  it('429 is rate_limit: Retry-After seconds, else the seconds until X-RateLimit-Reset', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: '429' });
    fake.failNext(1, { status: 429, reset: Math.floor(Date.now() / 1000) + 3600 });
    const reset = await failure(kernel.dns('linode').verifyCredentials({ token: TOKEN }));
    expect(reset.kind).toBe('rate_limit');
    expect(reset.retryAfterSeconds).toBeGreaterThan(3500);
    expect(reset.retryAfterSeconds).toBeLessThanOrEqual(3601);
  });

  it('401 is auth, 403 is permission, a domain the token cannot see is not_found', async () => {
    fake.tokens.set('linode-read-only', ['domains:read_only']);
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { token: 'linode-refused' } }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    expect(await failure(apply({ upsert, credentials: { token: 'linode-read-only' } }))).toMatchObject({ kind: 'permission', message: expect.stringContaining('domains:read_write') });
    expect(await failure(kernel.dns('linode').getZone('elsewhere.example', { token: TOKEN }))).toMatchObject({ kind: 'not_found' });
    expect(await kernel.dns('linode').verifyCredentials({ token: TOKEN })).toMatchObject({ zones: [ZONE, 'paged.example'] });
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: '500' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(kernel.dns('linode').getZone(ZONE, { token: TOKEN }));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).toContain('502 Bad Gateway');
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createLinodeClient({ token: TOKEN, baseURL: `http://127.0.0.1:${port}/v4`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('400 is validation, with Linode\'s reason and field', async () => {
    const client = createLinodeClient({ token: TOKEN, baseURL: fake.url });
    const error = await failure(client.createRecord(ZONE, { name: fresh('bad'), type: 'A', ttl: 300 }, 'not-an-address'));
    expect(error).toBeInstanceOf(LinodeDnsError);
    expect(error).toMatchObject({ kind: 'validation', status: 400, message: expect.stringContaining('target: Invalid IPv4 address') });
  });

  it('two credentials in parallel each send their own token (the SDK\'s global token is never used)', async () => {
    fake.tokens.set('linode-other', FULL);
    const [mine, other] = await Promise.all([
      failure(createLinodeClient({ token: 'linode-refused-2', baseURL: fake.url }).listZones()),
      createLinodeClient({ token: 'linode-other', baseURL: fake.url }).listZones(),
    ]);
    expect(mine).toMatchObject({ kind: 'auth' });
    expect(other.map((z) => z.name)).toEqual([ZONE, 'paged.example']);
  });

  it('an aborted call is an AbortError, not a failure', async () => {
    const client = createLinodeClient({ token: TOKEN, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the token in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.tokens.set(`${TOKEN}-read-only`, ['domains:read_only']);
    errors.push(await failure(apply({ upsert, credentials: { token: `${TOKEN}-refused` } })));
    errors.push(await failure(apply({ upsert, credentials: { token: `${TOKEN}-read-only` } })));
    for (const fault of [{ status: 429, retryAfter: '1' }, { status: 500 }, { status: 502, html: true }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof LinodeDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('LinodeDnsError');
    expect(everything).not.toContain(TOKEN);
  });

  it('README.md lists exactly the permissions the descriptor reports', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## ').find((part) => part.startsWith('Token permissions'))!;
    const listed = section.split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(kernel.descriptors.dnsProviders[0]!.permissions);
  });
});
