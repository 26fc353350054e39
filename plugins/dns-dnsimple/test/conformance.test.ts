import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import dnsimpleDns, { createDnsimpleClient, DnsimpleDnsError } from '../src/index.ts';
import { startFakeDnsimple, type FakeDnsimple } from './fake-dnsimple.ts';

const ZONE = 'example.com';
const ACCOUNT = 1010;
const MARKER = 'heritage=portico,portico/owner=portico';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const TOKEN = `dnsimple-test-token-${randomBytes(12).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.dnsimple against a fake DNSimple API',
  provider: 'dnsimple',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeDnsimple();
    fake.addZone(ACCOUNT, ZONE);
    fake.tokens.set(TOKEN, { account: ACCOUNT });
    const kernel = await createTestKernel([{ plugin: dnsimpleDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone in DNSimple's UI: the vendor client straight, no owner marker.
    const person = createDnsimpleClient({ accessToken: TOKEN, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { accessToken: TOKEN },
      badCredentials: { accessToken: 'dnsimple-token-that-dnsimple-refuses' },
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

describe('dns.dnsimple against a fake DNSimple API', () => {
  let fake: FakeDnsimple;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('dnsimple', { zone: ZONE, upsert: [], remove: [], credentials: { accessToken: TOKEN }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.zone(ZONE).records.filter((r) => (r.name === '' ? ZONE : `${r.name}.${ZONE}`) === name);

  beforeAll(async () => {
    fake = await startFakeDnsimple();
    fake.addZone(ACCOUNT, ZONE);
    fake.addZone(2020, 'other-account.example');
    fake.tokens.set(TOKEN, { account: ACCOUNT });
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: dnsimpleDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
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
        plugin: 'dns.dnsimple',
        provider: 'dnsimple',
        setup: 'api',
        nameservers: ['*.dnsimple.com', '*.dnsimple-edge.com', '*.dnsimple-edge.io', '*.dnsimple-edge.net', '*.dnsimple-edge.org'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
      }),
    ]);
  });

  it('is detected from DNSimple\'s nameservers, and getZone reports the apex NS records', async () => {
    const detection = await kernel.detectProvider({ hostname: `www.${ZONE}`, nameservers: ['ns1.dnsimple.com', 'ns2.dnsimple-edge.net', 'ns3.dnsimple.com', 'ns4.dnsimple-edge.org'] });
    expect(detection).toMatchObject({ provider: 'dnsimple', setup: 'api', confidence: 'high' });
    expect(await kernel.dns('dnsimple').getZone(ZONE, { accessToken: TOKEN })).toMatchObject({
      name: ZONE,
      nameservers: ['ns1.dnsimple.com', 'ns2.dnsimple-edge.net', 'ns3.dnsimple.com', 'ns4.dnsimple-edge.org'],
    });
  });

  it('writes relative names, TXT as quoted strings, TTLs of at least 60 s, and an owner TXT record beside each set', async () => {
    const a = fresh('a');
    const txt = fresh('_txt');
    const result = await apply({ upsert: [{ name: a, type: 'A', ttl: 30, values: ['192.0.2.1', '192.0.2.2'] }, { name: txt, type: 'TXT', ttl: 300, values: ['say "hi"'] }] });
    expect(result.applied).toBe(true);
    expect(stored(a)).toMatchObject([
      { type: 'A', name: a.slice(0, -(ZONE.length + 1)), content: '192.0.2.1', ttl: 60 },
      { type: 'A', content: '192.0.2.2', ttl: 60 },
    ]);
    expect(stored(txt)).toMatchObject([{ type: 'TXT', content: '"say \\"hi\\""' }]);
    expect(stored(`_portico-owner.a.${a}`)).toMatchObject([{ type: 'TXT', content: `"${MARKER}"` }]);
  });

  it('reads TXT back as written: long values split in 255-byte strings; unquoted content reads as-is', async () => {
    const long = fresh('_long');
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)}`;
    await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] });
    expect(stored(long)[0]!.content.match(/"(?:[^"\\]|\\.)*"/g)).toHaveLength(3);
    const legacy = fresh('_legacy');
    fake.insert(ZONE, { name: legacy, type: 'TXT', content: 'google-site-verification=abc' });
    const read = await kernel.dns('dnsimple').getRecords(ZONE, { accessToken: TOKEN }, { names: [long, legacy] });
    expect(Object.fromEntries(read.map((set) => [set.name, set.values]))).toEqual({ [long]: [value], [legacy]: ['google-site-verification=abc'] });
    expect(await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] })).toMatchObject({ changes: [{ action: 'noop' }] });
  });

  it('reads every page of a zone: 250 records at 100 a page, following total_pages', async () => {
    fake.addZone(ACCOUNT, 'paged.example');
    for (let i = 0; i < 250; i++) fake.insert('paged.example', { name: `host-${i}.paged.example`, type: 'A', content: `192.0.2.${i}` });
    const read = await kernel.dns('dnsimple').getRecords('paged.example', { accessToken: TOKEN });
    expect(read).toHaveLength(250);
    const pages = fake.requests.filter((r) => r.path.endsWith('/records')).map((r) => [r.query.get('page'), r.query.get('per_page')]);
    expect(pages).toEqual([['1', '100'], ['2', '100'], ['3', '100']]);
  });

  it('an update keeps the records whose value stays and reuses the others (PATCH keeps the id)', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.content, r.id]));
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.content, r.id]));
    expect([...after.keys()].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('a change DNSimple refuses is reported on that change, and the others are written', async () => {
    const ok = fresh('_ok');
    const result = await apply({ upsert: [{ name: ok, type: 'TXT', ttl: 300, values: ['fine'] }, { name: ZONE, type: 'CNAME', ttl: 300, values: ['elsewhere.example.net'] }] });
    expect(result.changes[0]).toMatchObject({ action: 'create' });
    expect(result.changes[0]!.error).toBeUndefined();
    expect(result.changes[1]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('ALIAS') } });
    expect(stored(ok)).toHaveLength(1);
  });

  it('deletes first, so a CNAME can replace an A at the same name in one apply', async () => {
    const name = fresh('swap');
    const a = { name, type: 'A' as const, ttl: 300, values: ['192.0.2.5'] };
    await apply({ upsert: [a] });
    const result = await apply({ upsert: [{ ...a, type: 'CNAME', values: ['edge.example.net'] }], remove: [a] });
    expect(result.changes.map((c) => [c.action, c.error])).toEqual([['create', undefined], ['delete', undefined]]);
    expect(stored(name)).toMatchObject([{ type: 'CNAME', content: 'edge.example.net' }]);
  });

  it('429 is rate_limit with the seconds until X-RateLimit-Reset', async () => {
    fake.failNext(1, { status: 429, reset: Math.floor(Date.now() / 1000) + 1800 });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', providerCode: '429' });
    expect(error.retryAfterSeconds).toBeGreaterThan(1700);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(1801);
    expect((error.cause as DnsimpleDnsError).rateLimitRemaining).toBe(0);
  });

  it('401 is auth, 402 is permission, a zone of another account is not_found, 400 is validation', async () => {
    fake.tokens.set('dnsimple-no-api', { account: ACCOUNT, plan: 'no-api' });
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { accessToken: 'dnsimple-refused' } }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    expect(await failure(apply({ upsert, credentials: { accessToken: 'dnsimple-no-api' } }))).toMatchObject({ kind: 'permission', providerCode: '402' });
    expect(await failure(kernel.dns('dnsimple').getZone('other-account.example', { accessToken: TOKEN }))).toMatchObject({ kind: 'not_found' });
    const client = createDnsimpleClient({ accessToken: TOKEN, baseURL: fake.url });
    const invalid = await failure(client.createRecord(ZONE, { name: fresh('bad'), type: 'A', ttl: 300 }, 'not-an-address'));
    expect(invalid).toBeInstanceOf(DnsimpleDnsError);
    expect(invalid).toMatchObject({ kind: 'validation', status: 400, message: expect.stringContaining('content: must be a valid IPv4 address') });
  });

  it('finds the account with whoami, or the only account of a user token; several accounts need accountId', async () => {
    fake.tokens.set('dnsimple-user', { accounts: [ACCOUNT] });
    fake.tokens.set('dnsimple-user-2', { accounts: [ACCOUNT, 2020] });
    expect(await kernel.dns('dnsimple').verifyCredentials({ accessToken: TOKEN })).toMatchObject({ zones: [ZONE, 'paged.example'] });
    expect(await kernel.dns('dnsimple').verifyCredentials({ accessToken: 'dnsimple-user' })).toMatchObject({ zones: [ZONE, 'paged.example'] });
    expect(await failure(kernel.dns('dnsimple').verifyCredentials({ accessToken: 'dnsimple-user-2' }))).toMatchObject({ kind: 'validation', message: expect.stringContaining('accountId') });
    expect(await kernel.dns('dnsimple').verifyCredentials({ accessToken: 'dnsimple-user-2', accountId: 2020 })).toMatchObject({ zones: ['other-account.example'] });
    fake.requests.length = 0;
    await kernel.dns('dnsimple').getRecords(ZONE, { accessToken: TOKEN, accountId: ACCOUNT });
    expect(fake.requests.some((r) => r.path === '/v2/whoami')).toBe(false);
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: '500' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(kernel.dns('dnsimple').getZone(ZONE, { accessToken: TOKEN, accountId: ACCOUNT }));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).toContain('502 Bad Gateway');
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createDnsimpleClient({ accessToken: TOKEN, accountId: ACCOUNT, baseURL: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('an aborted call is an AbortError, not a failure', async () => {
    const client = createDnsimpleClient({ accessToken: TOKEN, accountId: ACCOUNT, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the token in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.tokens.set(`${TOKEN}-no-api`, { account: ACCOUNT, plan: 'no-api' });
    errors.push(await failure(apply({ upsert, credentials: { accessToken: `${TOKEN}-refused` } })));
    errors.push(await failure(apply({ upsert, credentials: { accessToken: `${TOKEN}-no-api` } })));
    for (const fault of [{ status: 429 }, { status: 500 }, { status: 502, html: true }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof DnsimpleDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('DnsimpleDnsError');
    expect(everything).not.toContain(TOKEN);
  });

  it('README.md lists exactly the permissions the descriptor reports', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## ').find((part) => part.startsWith('Token permissions'))!;
    const listed = section.split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(kernel.descriptors.dnsProviders[0]!.permissions);
  });
});
