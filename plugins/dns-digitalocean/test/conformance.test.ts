import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, type ApplyRecordsInput, type DnsProviderError, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import digitaloceanDns, { createDigitalOceanClient, decodeTxt, DigitalOceanDnsError, retryAfterOf } from '../src/index.ts';
import { startFakeDigitalOcean, type FakeDigitalOcean } from './fake-digitalocean.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const TOKEN = `dop_v1_${randomBytes(16).toString('hex')}`;

// The whole suite runs with pages of 5 items, so every read of the zone follows `links.pages.next`.
dnsProviderConformance({
  name: 'dns.digitalocean against a fake DigitalOcean API',
  provider: 'digitalocean',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeDigitalOcean({ maxPerPage: 5 });
    fake.addDomain(ZONE);
    fake.tokens.set(TOKEN, ['*']);
    const kernel = await createTestKernel([{ plugin: digitaloceanDns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner record.
    const person = createDigitalOceanClient({ token: TOKEN, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { token: TOKEN },
      badCredentials: { token: 'dop_v1_that-digitalocean-refuses' },
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

describe('dns.digitalocean against a fake DigitalOcean API', () => {
  let fake: FakeDigitalOcean;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('digitalocean', { zone: ZONE, upsert: [], remove: [], credentials: { token: TOKEN }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.records(ZONE).filter((r) => (r.name === '@' ? ZONE : `${r.name}.${ZONE}`) === name);

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ maxPerPage: 5 });
    fake.addDomain(ZONE);
    fake.tokens.set(TOKEN, ['*']);
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: digitaloceanDns, options: { baseURL: fake.url, timeoutMs: 5000 } });
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
        plugin: 'dns.digitalocean',
        provider: 'digitalocean',
        setup: 'api',
        nameservers: ['ns1.digitalocean.com', 'ns2.digitalocean.com', 'ns3.digitalocean.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: ['domain:read (lists the domains and reads their records)', 'domain:create (creates records)', 'domain:update (changes records)', 'domain:delete (deletes records)'],
      }),
    ]);
  });

  it('writes names relative to the domain, CNAME targets with the dot, TXT unquoted, and an owner TXT record', async () => {
    const cname = fresh('shop');
    const result = await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 10, values: ['edge.portico.example'] }] });
    expect(result.changes).toMatchObject([{ action: 'create' }]);
    // 10 s is below DigitalOcean's minimum: raised to 30.
    expect(stored(cname)).toMatchObject([{ type: 'CNAME', name: cname.replace(`.${ZONE}`, ''), data: 'edge.portico.example.', ttl: 30 }]);
    expect(stored(`_portico-owner.cname.${cname}`)).toMatchObject([{ type: 'TXT', data: MARKER }]);
    const apex = await apply({ upsert: [{ name: ZONE, type: 'A', ttl: 300, values: ['192.0.2.1'] }] });
    expect(apex.changes).toMatchObject([{ action: 'create' }]);
    expect(fake.records(ZONE).filter((r) => r.name === '@' && r.type === 'A')).toMatchObject([{ data: '192.0.2.1' }]);
  });

  it('reads quoted TXT data back as the text', async () => {
    expect(decodeTxt('"a\\"b" "c"')).toBe('a"bc');
    const name = fresh('_quoted');
    fake.insert(ZONE, { name: name.replace(`.${ZONE}`, ''), type: 'TXT', data: '"v=spf1 " "-all"' });
    const read = await kernel.dns('digitalocean').getRecords(ZONE, { token: TOKEN }, { names: [name] });
    expect(read).toMatchObject([{ name, type: 'TXT', values: ['v=spf1 -all'] }]);
  });

  it('reads every page of a zone, asking only the fake for the page numbers of links.pages.next', async () => {
    fake.addDomain('paged.example');
    for (let i = 0; i < 23; i++) fake.insert('paged.example', { name: `host-${i}`, type: 'A', data: `192.0.2.${i}` });
    const read = await kernel.dns('digitalocean').getRecords('paged.example', { token: TOKEN });
    expect(read).toHaveLength(23);
    // 23 A records, 3 NS and the SOA at 5 a page.
    const pages = fake.requests.filter((r) => r.path === '/v2/domains/paged.example/records').map((r) => r.query.get('page'));
    expect(pages).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(await kernel.dns('digitalocean').verifyCredentials({ token: TOKEN })).toMatchObject({ zones: [ZONE, 'paged.example'] });
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
  });

  it('not atomic: a change DigitalOcean refuses (422) is that change\'s validation error, the others land', async () => {
    const taken = fresh('taken');
    const free = fresh('_free');
    // An MX the planner does not read; DigitalOcean refuses a CNAME next to it.
    fake.insert(ZONE, { name: taken.replace(`.${ZONE}`, ''), type: 'MX', data: `mail.${ZONE}.` });
    const result = await apply({ upsert: [{ name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }, { name: free, type: 'TXT', ttl: 300, values: ['free'] }] });
    expect(result.applied).toBe(true);
    expect(result.changes[0]).toMatchObject({ action: 'create', error: { kind: 'validation', message: expect.stringContaining('CNAME records cannot share a name') } });
    expect(result.changes[1]).toMatchObject({ action: 'create' });
    expect(result.changes[1]!.error).toBeUndefined();
    expect(stored(free)).toMatchObject([{ data: 'free' }]);
  });

  it('429 is rate_limit: seconds from Retry-After, else from ratelimit-reset', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    expect(await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: 'too_many_requests' });
    fake.failNext(1, { status: 429, resetIn: 40 });
    const error = await failure(kernel.dns('digitalocean').verifyCredentials({ token: TOKEN }));
    expect(error).toMatchObject({ kind: 'rate_limit' });
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(40);
    expect(retryAfterOf(new Headers({ 'ratelimit-reset': '1000' }), 990_000)).toBe(10);
  });

  it('5xx, an HTML 502 and an unreachable API are transient', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(apply({ upsert: [{ name: fresh('_e'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'transient', providerCode: 'server_error' });
    fake.failNext(1, { status: 502 });
    const html = await failure(kernel.dns('digitalocean').getZone(ZONE, { token: TOKEN }));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createDigitalOceanClient({ token: TOKEN, baseURL: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('401 is auth, 403 (a token without a write scope) is permission, an unknown domain is not_found', async () => {
    fake.tokens.set('dop_v1_read-only', ['domain:read']);
    const upsert = [{ name: fresh('_perm'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    expect(await failure(apply({ upsert, credentials: { token: 'dop_v1_refused' } }))).toMatchObject({ kind: 'auth', providerCode: 'unauthorized' });
    expect(await failure(apply({ upsert, credentials: { token: 'dop_v1_read-only' } }))).toMatchObject({ kind: 'permission', providerCode: 'forbidden' });
    expect(await failure(kernel.dns('digitalocean').getZone('missing.example', { token: TOKEN }))).toMatchObject({ kind: 'not_found', providerCode: 'not_found' });
    expect(await kernel.dns('digitalocean').getZone(ZONE, { token: TOKEN })).toEqual({ name: ZONE, nameservers: ['ns1.digitalocean.com', 'ns2.digitalocean.com', 'ns3.digitalocean.com'] });
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    const client = createDigitalOceanClient({ token: TOKEN, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the token in an error or a log line', async () => {
    const errors: unknown[] = [];
    const upsert = [{ name: fresh('_leak'), type: 'TXT' as const, ttl: 300, values: ['x'] }];
    fake.tokens.set(`${TOKEN}-read-only`, ['domain:read']);
    errors.push(await failure(apply({ upsert, credentials: { token: `${TOKEN}-refused` } })));
    errors.push(await failure(apply({ upsert, credentials: { token: `${TOKEN}-read-only` } })));
    for (const fault of [{ status: 429, retryAfter: '1' }, { status: 500 }, { status: 502 }] as const) {
      fake.failNext(1, fault);
      errors.push(await failure(apply({ upsert })));
    }
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'permission', 'rate_limit', 'transient', 'transient']);
    expect(errors.every((e) => (e as Error).cause instanceof DigitalOceanDnsError)).toBe(true);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('DigitalOceanDnsError');
    expect(everything).not.toContain(TOKEN);
  });
});
