import { randomBytes } from 'node:crypto';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import azureDns, { createAzureDnsClient, relativeName, splitTxt } from '../src/index.ts';
import { startFakeAzure, type FakeAzure } from './fake-azure-dns.ts';

const ZONE = 'example.com';
const TENANT = '11111111-2222-3333-4444-555555555555';
const SUBSCRIPTION = '00000000-aaaa-bbbb-cccc-000000000001';
const GROUP = 'dns-rg';
const CLIENT = 'aaaaaaaa-0000-0000-0000-00000000c11e';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const SECRET = `az-secret-${randomBytes(12).toString('hex')}`;
const CREDENTIALS = { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, subscriptionId: SUBSCRIPTION, resourceGroup: GROUP };
const MARKER = 'heritage=portico,portico/owner=portico';

const pluginOptions = (fake: FakeAzure) => ({ endpoint: fake.url, authorityHost: fake.url, timeoutMs: 5000 });

dnsProviderConformance({
  name: 'dns.azure-dns against a fake Azure Resource Manager',
  provider: 'azure-dns',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeAzure();
    fake.addZone(SUBSCRIPTION, GROUP, ZONE);
    fake.principals.set(CLIENT, { tenantId: TENANT, secret: SECRET });
    // The Azure SDK sends tokens to https URLs only; the kernel's fetch delivers them to the plain-http fake.
    const kernel = await createTestKernel([{ plugin: azureDns, options: pluginOptions(fake) }], { services: { fetch: fake.fetch } });
    // A person editing the zone: the vendor client straight, no owner metadata.
    const person = createAzureDnsClient({ ...CREDENTIALS, endpoint: fake.url, authorityHost: fake.url, fetch: fake.fetch, timeoutMs: 5000 });
    return {
      kernel,
      credentials: CREDENTIALS,
      badCredentials: { ...CREDENTIALS, clientSecret: 'a-secret-entra-id-refuses' },
      writeForeign: async (set) => {
        const [outcome] = await person.applyChanges(ZONE, [{ action: 'create', set }]);
        if (outcome) throw outcome;
      },
      teardown: async () => {
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.azure-dns against a fake Azure Resource Manager', () => {
  let fake: FakeAzure;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('azure-dns', { zone: ZONE, upsert: [], remove: [], credentials: CREDENTIALS, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.zone(ZONE).recordSets.filter((rs) => `${rs.name}.${ZONE}` === name);
  const client = () => createAzureDnsClient({ ...CREDENTIALS, endpoint: fake.url, authorityHost: fake.url, fetch: fake.fetch, timeoutMs: 5000 });

  beforeAll(async () => {
    fake = await startFakeAzure();
    fake.addZone(SUBSCRIPTION, GROUP, ZONE);
    fake.principals.set(CLIENT, { tenantId: TENANT, secret: SECRET });
    services = createTestServices({ fetch: fake.fetch });
    kernel = createKernel({ services });
    await kernel.register({ plugin: azureDns, options: pluginOptions(fake) });
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
        plugin: 'dns.azure-dns',
        provider: 'azure-dns',
        nameservers: ['*.azure-dns.com', '*.azure-dns.net', '*.azure-dns.org', '*.azure-dns.info'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false, wildcard: true, apexAlias: false, ownership: 'comment' },
      }),
    ]);
  });

  it('writes a record set per PUT with the owner marker in metadata; creates with If-None-Match, updates with If-Match', async () => {
    const a = fresh('a');
    await apply({ upsert: [{ name: a, type: 'A', ttl: 120, values: ['192.0.2.1', '192.0.2.2'] }] });
    expect(stored(a)).toMatchObject([{ type: 'A', properties: { TTL: 120, metadata: { portico: MARKER }, ARecords: [{ ipv4Address: '192.0.2.1' }, { ipv4Address: '192.0.2.2' }] } }]);
    const create = fake.requests.find((r) => r.method === 'PUT');
    expect(create).toMatchObject({ path: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.Network/dnsZones/${ZONE}/A/${a.slice(0, -ZONE.length - 1)}`, headers: { 'if-none-match': '*' } });
    const etag = stored(a)[0]!.etag;
    fake.requests.length = 0;
    await apply({ upsert: [{ name: a, type: 'A', ttl: 120, values: ['192.0.2.3'] }] });
    expect(fake.requests.find((r) => r.method === 'PUT')?.headers['if-match']).toBe(etag);
    expect(fake.requests.filter((r) => r.path.includes('/oauth2/')).length).toBeLessThanOrEqual(1);
  });

  it('TXT: values over 255 bytes go as several strings and read back whole; the apex is @', async () => {
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)}`;
    expect(splitTxt(value)).toHaveLength(3);
    const name = fresh('_long');
    await apply({ upsert: [{ name, type: 'TXT', ttl: 300, values: [value] }] });
    const read = await kernel.dns('azure-dns').getRecords(ZONE, CREDENTIALS, { names: [name] });
    expect(read).toMatchObject([{ name, type: 'TXT', values: [value], comment: MARKER }]);
    expect(relativeName(ZONE, ZONE)).toBe('@');
    expect(relativeName(`*.shop.${ZONE}`, ZONE)).toBe('*.shop');
  });

  it('reads every page of record sets and zones, following nextLink', async () => {
    const zone = fake.addZone(SUBSCRIPTION, GROUP, 'paged.example');
    for (let i = 0; i < 10; i++) zone.recordSets.push({ name: `host-${i}`, type: 'A', etag: `"e${i}"`, properties: { TTL: 300, fqdn: `host-${i}.paged.example.`, ARecords: [{ ipv4Address: `192.0.2.${i}` }] } });
    zone.recordSets.push({ name: '@', type: 'MX', etag: '"mx"', properties: { TTL: 300, fqdn: 'paged.example.', MXRecords: [{ preference: 10, exchange: 'mail.paged.example' }] } });
    const read = await kernel.dns('azure-dns').getRecords('paged.example', CREDENTIALS);
    expect(read).toHaveLength(10);
    const pages = fake.requests.filter((r) => r.path.endsWith('/paged.example/all')).map((r) => r.query.get('$skipToken'));
    expect(pages).toEqual([null, '3', '6', '9']);
    for (let i = 0; i < 3; i++) fake.addZone(SUBSCRIPTION, GROUP, `filler-${i}.example`);
    expect((await kernel.dns('azure-dns').verifyCredentials(CREDENTIALS)).zones).toEqual(expect.arrayContaining([ZONE, 'paged.example', 'filler-2.example']));
  });

  it('429 is rate_limit with the seconds of Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfter: '17' });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 17, providerCode: 'TooManyRequests' });
  });

  it('maps errors: refused secret / unknown client auth, 403 permission, 404 not_found, 400 validation, 412 conflict, 5xx / HTML transient', async () => {
    const dns = kernel.dns('azure-dns');
    expect(await failure(dns.verifyCredentials({ ...CREDENTIALS, clientId: 'no-such-app' }))).toMatchObject({ kind: 'auth' });
    fake.principals.set('reader-app', { tenantId: TENANT, secret: SECRET, role: 'reader' });
    expect(await failure(apply({ upsert: [{ name: fresh('_ro'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: { ...CREDENTIALS, clientId: 'reader-app' } }))).toMatchObject({ kind: 'permission', providerCode: 'AuthorizationFailed' });
    expect(await failure(dns.getZone('missing.example', CREDENTIALS))).toMatchObject({ kind: 'not_found', providerCode: 'ResourceNotFound' });
    const [invalid] = await client().applyChanges(ZONE, [{ action: 'create', set: { name: fresh('bad'), type: 'A', ttl: 300, values: ['nope'] } }]);
    expect(invalid).toMatchObject({ kind: 'validation', providerCode: 'BadRequest' });
    const taken = fresh('taken');
    const person = client();
    await person.applyChanges(ZONE, [{ action: 'create', set: { name: taken, type: 'A', ttl: 300, values: ['192.0.2.1'] } }]);
    const [exists] = await client().applyChanges(ZONE, [{ action: 'create', set: { name: taken, type: 'A', ttl: 300, values: ['192.0.2.2'] } }]);
    expect(exists).toMatchObject({ kind: 'conflict', providerCode: 'PreconditionFailed' });
    fake.failNext(1, { status: 500 });
    expect(await failure(dns.getZone(ZONE, CREDENTIALS))).toMatchObject({ kind: 'transient', providerCode: 'InternalServerError' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(dns.getZone(ZONE, CREDENTIALS));
    expect(html).toMatchObject({ kind: 'transient' });
    expect(html!.message).not.toContain('<');
    const unreachable = createAzureDnsClient({ ...CREDENTIALS, endpoint: 'https://127.0.0.1:9', authorityHost: fake.url, fetch: fake.fetch, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient' });
  });

  it('a record set changed since it was read is not overwritten (If-Match → 412 conflict)', async () => {
    const name = fresh('raced');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.1'] }] });
    const portico = client();
    await portico.getRecords(ZONE);
    stored(name)[0]!.etag = '"changed-by-someone"';
    const [outcome] = await portico.applyChanges(ZONE, [{ action: 'update', set: { name, type: 'A', ttl: 300, values: ['192.0.2.9'] } }], { comment: MARKER });
    expect(outcome).toMatchObject({ kind: 'conflict' });
    expect(stored(name)[0]!.properties.ARecords).toEqual([{ ipv4Address: '192.0.2.1' }]);
  });

  it('an aborted call is an AbortError, not a failure', async () => {
    expect(await failure(client().getRecords(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the client secret in an error or a log line', async () => {
    const errors: unknown[] = [];
    errors.push(await failure(apply({ upsert: [{ name: fresh('_leak'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: { ...CREDENTIALS, clientSecret: `${SECRET}-wrong` } })));
    fake.failNext(1, { status: 500 });
    errors.push(await failure(kernel.dns('azure-dns').getZone(ZONE, CREDENTIALS)));
    expect(errors.every((e) => e instanceof DnsProviderError)).toBe(true);
    const text = JSON.stringify([errors.map((e) => [String(e), (e as Error).stack]), services.logs]);
    expect(text).not.toContain(SECRET);
  });
});
