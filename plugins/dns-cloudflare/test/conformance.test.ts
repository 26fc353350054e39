import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cloudflareDns, { CloudflareDnsError, createCloudflareClient } from '../src/index.ts';
import { startFakeCloudflare, type FakeCloudflare } from './fake-cloudflare.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const TOKEN = `cf-test-token-${randomBytes(12).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.cloudflare against a fake Cloudflare API',
  provider: 'cloudflare',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeCloudflare();
    fake.addZone(ZONE);
    fake.tokens.set(TOKEN, {});
    const kernel = await createTestKernel([{ plugin: cloudflareDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner comment.
    const person = createCloudflareClient({ apiToken: TOKEN, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { apiToken: TOKEN },
      badCredentials: { apiToken: 'cf-test-token-that-cloudflare-refuses' },
      writeForeign: (set) => person.applyChanges(ZONE, [{ action: 'create', set }]),
      teardown: async () => {
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.cloudflare against a fake Cloudflare API', () => {
  let fake: FakeCloudflare;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('cloudflare', { zone: ZONE, upsert: [], remove: [], credentials: { apiToken: TOKEN }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.zone(ZONE).records.filter((r) => r.name === name);
  const writes = () => fake.requests.filter((r) => r.method !== 'GET');

  beforeAll(async () => {
    fake = await startFakeCloudflare();
    fake.addZone(ZONE);
    fake.tokens.set(TOKEN, {});
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: cloudflareDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.omitTotals = false;
  });

  it('describes the provider', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.cloudflare',
        provider: 'cloudflare',
        setup: 'api',
        nameservers: ['*.ns.cloudflare.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: true, wildcard: true, apexAlias: true, ownership: 'comment' },
        permissions: expect.arrayContaining([expect.stringContaining('Zone → DNS → Edit'), expect.stringContaining('Zone → Zone → Read')]),
      }),
    ]);
  });

  it('writes one batch: TXT quoted, every record DNS-only and carrying the owner comment', async () => {
    const txt = fresh('_txt');
    const a = fresh('a');
    const result = await apply({ upsert: [{ name: txt, type: 'TXT', ttl: 300, values: ['say "hi"'] }, { name: a, type: 'A', ttl: 30, values: ['192.0.2.1', '192.0.2.2'] }] });
    expect(result.applied).toBe(true);
    expect(writes().map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{32}/, 'ZONE')}`)).toEqual(['POST /zones/ZONE/dns_records/batch']);
    expect(stored(txt)).toMatchObject([{ content: '"say \\"hi\\""', comment: MARKER, proxied: false, ttl: 300 }]);
    // 30 s is below Cloudflare's minimum: rounded up to 60.
    expect(stored(a)).toMatchObject([
      { content: '192.0.2.1', comment: MARKER, proxied: false, ttl: 60 },
      { content: '192.0.2.2', comment: MARKER, proxied: false, ttl: 60 },
    ]);
  });

  it('reads TXT back as written: long values split in 255-byte strings, escapes, text stored unquoted', async () => {
    const long = fresh('_long');
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)}`;
    await apply({ upsert: [{ name: long, type: 'TXT', ttl: 300, values: [value] }] });
    expect(stored(long)[0]!.content.match(/"(?:[^"\\]|\\.)*"/g)).toHaveLength(3);
    const legacy = fresh('_legacy');
    fake.insert(ZONE, { name: legacy, type: 'TXT', content: 'google-site-verification=abc' });
    const escaped = fresh('_escaped');
    fake.insert(ZONE, { name: escaped, type: 'TXT', content: '"a\\"b" "c\\\\d" "\\195\\169"' });
    const read = await kernel.dns('cloudflare').getRecords(ZONE, { apiToken: TOKEN }, { names: [long, legacy, escaped] });
    expect(Object.fromEntries(read.map((set) => [set.name, set.values]))).toEqual({ [long]: [value], [legacy]: ['google-site-verification=abc'], [escaped]: ['a"bc\\dé'] });
    expect(read.find((set) => set.name === long)?.comment).toBe(MARKER);
  });

  it('reads every page of a zone: 250 records at 100 a page, with or without totals in result_info', async () => {
    const zone = fake.addZone('paged.example');
    for (let i = 0; i < 250; i++) fake.insert('paged.example', { name: `host-${i}.paged.example`, type: 'A', content: `192.0.2.${i}` });
    fake.insert('paged.example', { name: 'paged.example', type: 'MX', content: 'mail.paged.example' });
    for (const omitTotals of [false, true]) {
      fake.requests.length = 0;
      fake.omitTotals = omitTotals;
      const read = await kernel.dns('cloudflare').getRecords('paged.example', { apiToken: TOKEN, zoneId: zone.id });
      expect(read).toHaveLength(250);
      expect(new Set(read.map((set) => set.name)).size).toBe(250);
      const pages = fake.requests.filter((r) => r.path.endsWith('/dns_records')).map((r) => [r.query.get('page'), r.query.get('per_page')]);
      expect(pages).toEqual([['1', '100'], ['2', '100'], ['3', '100']]);
    }
  });

  it('an update keeps the records whose value stays and reuses the others', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.content, r.id]));
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.content, r.id]));
    expect([...after.keys()].sort()).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
  });

  it('adopting a record set puts the owner comment on every record, kept ones included', async () => {
    const name = fresh('adopt');
    fake.insert(ZONE, { name, type: 'A', content: '192.0.2.20', comment: 'added by hand', ttl: 300 });
    const result = await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.20', '192.0.2.21'] }], adopt: true });
    expect(result.changes).toMatchObject([{ action: 'update' }]);
    expect(stored(name)).toMatchObject([
      { content: '192.0.2.20', comment: MARKER, proxied: false },
      { content: '192.0.2.21', comment: MARKER, proxied: false },
    ]);
    // A proxied record Portico adopts answers with its own address again (DNS-only).
    const proxied = fresh('proxied');
    fake.insert(ZONE, { name: proxied, type: 'A', content: '192.0.2.40', proxied: true, ttl: 300 });
    await apply({ upsert: [{ name: proxied, type: 'A', ttl: 300, values: ['192.0.2.40', '192.0.2.41'] }], adopt: true });
    expect(stored(proxied).map((r) => r.proxied)).toEqual([false, false]);
  });

  it('a set with a record added by hand is nobody\'s: a conflict without adopt', async () => {
    const name = fresh('mixed');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.30'] }] });
    fake.insert(ZONE, { name, type: 'A', content: '192.0.2.31' });
    const result = await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.32'] }] });
    expect(result).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'not_owned' }] });
  });

  it('the batch is all or nothing: a Cloudflare conflict fails the whole apply and writes nothing', async () => {
    const txt = fresh('_free');
    const taken = fresh('taken');
    // An MX the planner does not read (it only reads A, AAAA, CNAME, TXT); Cloudflare refuses a CNAME next to it.
    fake.insert(ZONE, { name: taken, type: 'MX', content: `mail.${ZONE}` });
    const recordsBefore = fake.zone(ZONE).records.length;
    const error = await failure(apply({ upsert: [{ name: txt, type: 'TXT', ttl: 300, values: ['free'] }, { name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'conflict', providerCode: '81053' });
    expect(fake.zone(ZONE).records).toHaveLength(recordsBefore);
    expect(stored(txt)).toEqual([]);
  });

  it('429 is rate_limit with the seconds of Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: '971' });
    fake.failNext(1, { status: 429 });
    expect(await failure(kernel.dns('cloudflare').verifyCredentials({ apiToken: TOKEN }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: undefined });
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: '10001' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(kernel.dns('cloudflare').getZone(ZONE, { apiToken: TOKEN }));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html!.message).toContain('502 Bad Gateway');
    expect(html!.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createCloudflareClient({ apiToken: TOKEN, baseURL: `http://127.0.0.1:${port}/client/v4`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('tells a refused token (auth) from a good one that lacks a permission (permission)', async () => {
    const dns = kernel.dns('cloudflare');
    fake.tokens.set('cf-read-only', { permissions: ['zone:read', 'dns:read'] });
    fake.tokens.set('cf-no-zone-read', { permissions: ['dns:read', 'dns:edit'] });
    fake.tokens.set('cf-disabled', { status: 'disabled' });
    fake.tokens.set('cf-other-zone', { zones: ['other.example'] });
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { apiToken: 'cf-read-only' } }))).toMatchObject({ kind: 'permission', providerCode: '10000' });
    expect(await failure(apply({ upsert, credentials: { apiToken: 'cf-refused' } }))).toMatchObject({ kind: 'auth', providerCode: '9109' });
    expect(await failure(dns.verifyCredentials({ apiToken: 'cf-no-zone-read' }))).toMatchObject({ kind: 'permission' });
    expect(await failure(dns.verifyCredentials({ apiToken: 'cf-disabled' }))).toMatchObject({ kind: 'auth', message: expect.stringContaining('disabled') });
    expect(await failure(apply({ upsert, credentials: { apiToken: 'cf-disabled' } }))).toMatchObject({ kind: 'auth' });
    expect(await failure(dns.getZone(ZONE, { apiToken: 'cf-other-zone' }))).toMatchObject({ kind: 'not_found' });
    expect(await dns.verifyCredentials({ apiToken: TOKEN })).toMatchObject({ zones: expect.arrayContaining([ZONE]) });
  });

  it('with zoneId in the credential there is no zone lookup, and Zone → Zone → Read is not needed', async () => {
    const credentials = { apiToken: 'cf-no-zone-read', zoneId: fake.zone(ZONE).id };
    const name = fresh('_byid');
    const result = await apply({ upsert: [{ name, type: 'TXT', ttl: 300, values: ['by id'] }], credentials });
    expect(result.changes).toMatchObject([{ action: 'create' }]);
    expect(stored(name)).toMatchObject([{ content: '"by id"', comment: MARKER }]);
    expect(fake.requests.some((r) => r.path === '/zones')).toBe(false);
    expect(await kernel.dns('cloudflare').verifyCredentials(credentials)).toMatchObject({ message: expect.stringContaining('active') });
    expect(await kernel.dns('cloudflare').getZone(ZONE, credentials)).toEqual({ id: fake.zone(ZONE).id, name: ZONE, nameservers: [] });
  });

  it('more record operations than one batch carries is a validation error, and nothing is sent', async () => {
    const client = createCloudflareClient({ apiToken: TOKEN, baseURL: fake.url, maxBatchSize: 2 });
    const set = { name: fresh('many'), type: 'A' as const, ttl: 300, values: ['192.0.2.1', '192.0.2.2', '192.0.2.3'] };
    const error = await failure(client.applyChanges(ZONE, [{ action: 'create', set }]));
    expect(error).toBeInstanceOf(CloudflareDnsError);
    expect(error).toMatchObject({ kind: 'validation', message: expect.stringContaining('3 Cloudflare record operations') });
    expect(writes()).toEqual([]);
  });

  it('an aborted call is an AbortError, not a failure', async () => {
    const client = createCloudflareClient({ apiToken: TOKEN, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the token in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.tokens.set(`${TOKEN}-read-only`, { permissions: ['zone:read', 'dns:read'] });
    errors.push(await failure(apply({ upsert, credentials: { apiToken: `${TOKEN}-refused` } })));
    errors.push(await failure(apply({ upsert, credentials: { apiToken: `${TOKEN}-read-only` } })));
    errors.push(await failure(apply({ upsert, credentials: { apiToken: `${TOKEN} with a space` } })));
    for (const fault of [{ status: 429, retryAfter: '1' }, { status: 500 }, { status: 502, html: true }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'auth', 'rate_limit', 'transient', 'transient']);
    // The whole chain (DnsProviderError → CloudflareDnsError) and every log line the kernel wrote about them.
    expect(errors.every((e) => (e as Error).cause instanceof CloudflareDnsError)).toBe(true);
    expect(services.logs.filter((line) => line.level === 'error').length).toBeGreaterThanOrEqual(errors.length);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('CloudflareDnsError');
    expect(everything).not.toContain(TOKEN);
  });
});
