import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import namecheapDns, { createNamecheapClient, NAMECHEAP_PERMISSIONS } from '../src/index.ts';
import { startFakeNamecheap, type FakeNamecheap } from './fake-namecheap.ts';

const ZONE = 'example.com';
const USER = 'porticouser';
const IP = '192.0.2.200';
/** Distinctive, so a leak anywhere in an error is found. */
const KEY = `nc${randomBytes(12).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.namecheap against a fake Namecheap API',
  provider: 'namecheap',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeNamecheap();
    fake.addDomain(ZONE, { emailType: 'MX', hosts: [{ HostId: 1, Name: '@', Type: 'MX', Address: 'mail.example.com', MXPref: '10', TTL: '1800' }] });
    fake.users.set(USER, { apiKey: KEY, ips: [IP] });
    const kernel = await createTestKernel([{ plugin: namecheapDns, options: { baseURL: fake.url, timeoutMs: 5000, clientIp: IP } }]);
    const person = createNamecheapClient({ apiUser: USER, apiKey: KEY, clientIp: IP, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { apiUser: USER, apiKey: KEY },
      badCredentials: { apiUser: USER, apiKey: 'not-the-key' },
      writeForeign: (set) => person.applyChanges(ZONE, [{ action: 'create', set }]),
      teardown: async () => {
        // Every write resent the MX record: the host list outside Portico's names is intact.
        expect(fake.domain(ZONE).hosts.filter((h) => h.Type === 'MX')).toMatchObject([{ Name: '@', Address: 'mail.example.com', MXPref: '10' }]);
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.namecheap against a fake Namecheap API', () => {
  let fake: FakeNamecheap;
  let kernel: Kernel;
  let n = 0;
  const credentials = { apiUser: USER, apiKey: KEY };
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('namecheap', { zone: ZONE, upsert: [], remove: [], credentials, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as DnsProviderError);

  beforeAll(async () => {
    fake = await startFakeNamecheap();
    fake.addDomain(ZONE);
    fake.users.set(USER, { apiKey: KEY, ips: [IP] });
    kernel = createKernel({ services: createTestServices() });
    await kernel.register({ plugin: namecheapDns, options: { baseURL: fake.url, timeoutMs: 5000, clientIp: IP, pageSize: 10 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('describes the provider with the well-known key and Namecheap nameservers', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.namecheap',
        provider: 'namecheap',
        nameservers: ['*.registrar-servers.com', '*.namecheaphosting.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'zone', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: NAMECHEAP_PERMISSIONS,
      }),
    ]);
  });

  it('the README lists every permission line of the descriptor', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const line of NAMECHEAP_PERMISSIONS) expect(readme).toContain(line);
  });

  it('one apply is one getHosts and one setHosts (POST) that resends every other host and the EmailType', async () => {
    const domain = fake.domain(ZONE);
    domain.emailType = 'MX';
    domain.hosts.push({ HostId: 900, Name: '@', Type: 'MX', Address: 'mx.mail.example', MXPref: '20', TTL: '3600' }, { HostId: 901, Name: 'go', Type: 'URL', Address: 'https://example.org/', MXPref: '10', TTL: '1800' });
    const a = fresh('a');
    const txt = fresh('_t');
    const result = await apply({ upsert: [{ name: a, type: 'A', ttl: 30, values: ['192.0.2.1', '192.0.2.2'] }, { name: txt, type: 'TXT', ttl: 300, values: ['v=1 "quoted"'] }] });
    expect(result.applied).toBe(true);
    const writes = fake.requests.filter((r) => r.command === 'namecheap.domains.dns.setHosts');
    expect(writes).toHaveLength(1);
    expect(fake.requests.every((r) => r.method === 'POST')).toBe(true);
    expect(writes[0]!.params.get('EmailType')).toBe('MX');
    expect(domain.hosts).toEqual(expect.arrayContaining([
      expect.objectContaining({ Name: '@', Type: 'MX', Address: 'mx.mail.example', MXPref: '20', TTL: '3600' }),
      expect.objectContaining({ Name: 'go', Type: 'URL', Address: 'https://example.org/' }),
      expect.objectContaining({ Name: a.split('.')[0], Type: 'A', Address: '192.0.2.1', TTL: '60' }),
    ]));
    const read = await kernel.dns('namecheap').getRecords(ZONE, credentials, { names: [txt] });
    expect(read).toMatchObject([{ name: txt, type: 'TXT', values: ['v=1 "quoted"'] }]);
  });

  it('all or nothing: a refused setHosts throws and leaves the host list as it was', async () => {
    fake.domain(ZONE).hosts.push({ HostId: 950, Name: 'kept', Type: 'A', Address: '192.0.2.50', MXPref: '10', TTL: '1800' });
    const before = JSON.stringify(fake.domain(ZONE).hosts);
    const client = createNamecheapClient({ apiUser: USER, apiKey: KEY, clientIp: IP, baseURL: fake.url });
    const refused = await failure(client.applyChanges(ZONE, [
      { action: 'create', set: { name: fresh('fine'), type: 'TXT', ttl: 300, values: ['ok'] } },
      { action: 'create', set: { name: fresh('broken'), type: 'A', ttl: 300, values: ['not-an-address'] } },
    ]));
    expect(refused).toMatchObject({ kind: 'validation', providerCode: '2050900' });
    expect(JSON.stringify(fake.domain(ZONE).hosts)).toBe(before);
  });

  it('follows the pages of namecheap.domains.getList', async () => {
    for (let i = 0; i < 24; i++) fake.addDomain(`d${String(i).padStart(2, '0')}.example`);
    const verified = await kernel.dns('namecheap').verifyCredentials(credentials);
    expect(verified.zones).toHaveLength(25);
    expect(fake.requests.filter((r) => r.command === 'namecheap.domains.getList').map((r) => [r.params.get('Page'), r.params.get('PageSize')])).toEqual([['1', '10'], ['2', '10'], ['3', '10']]);
  });

  it('throttling is rate_limit: an HTTP 429 with Retry-After, or a "Too many requests" error', async () => {
    fake.failNext(1, { status: 429, retryAfter: '30' });
    expect(await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 30 });
    fake.failNext(1, { error: '500000', text: 'Too many requests' });
    expect(await failure(kernel.dns('namecheap').verifyCredentials(credentials))).toMatchObject({ kind: 'rate_limit', providerCode: '500000' });
  });

  it('maps error numbers and HTTP failures to kinds', async () => {
    const dns = kernel.dns('namecheap');
    expect(await failure(dns.verifyCredentials({ apiUser: USER, apiKey: 'wrong' }))).toMatchObject({ kind: 'auth', providerCode: '1011102' });
    expect(await failure(dns.verifyCredentials({ ...credentials, clientIp: '198.51.100.9' }))).toMatchObject({ kind: 'auth', providerCode: '1011150' });
    expect(await failure(dns.verifyCredentials({ ...credentials, userName: 'someoneelse' }))).toMatchObject({ kind: 'permission', providerCode: '1016103' });
    fake.users.set('other', { apiKey: KEY, ips: [IP], domains: ['d00.example'] });
    expect(await failure(dns.getRecords(ZONE, { apiUser: 'other', apiKey: KEY }))).toMatchObject({ kind: 'not_found', providerCode: '2016166' });
    expect(await failure(dns.getZone('nowhere.example', credentials))).toMatchObject({ kind: 'not_found', providerCode: '2019166' });
    fake.addDomain('elsewhere.example', { usingOurDns: false });
    expect(await failure(dns.getZone('elsewhere.example', credentials))).toMatchObject({ kind: 'not_found' });
    expect(await failure(dns.getRecords('elsewhere.example', credentials))).toMatchObject({ kind: 'unsupported', providerCode: '2030288' });
    fake.failNext(1, { error: '3050900', text: 'Unknown error from the registry' });
    expect(await failure(dns.getZone(ZONE, credentials))).toMatchObject({ kind: 'transient', providerCode: '3050900' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(dns.getZone(ZONE, credentials));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html!.message).not.toContain('<');
    expect(await dns.getZone(ZONE, credentials)).toEqual({ name: ZONE, nameservers: ['dns1.registrar-servers.com', 'dns2.registrar-servers.com'] });
  });

  it('without a ClientIp every call is a validation error', async () => {
    const bare = createKernel({ services: createTestServices() });
    await bare.register({ plugin: namecheapDns, options: { baseURL: fake.url } });
    expect(await failure(bare.dns('namecheap').verifyCredentials(credentials))).toMatchObject({ kind: 'validation', message: expect.stringContaining('clientIp') });
    await bare.close();
  });

  it('an aborted call is an AbortError; the key is in no URL and no error', async () => {
    const client = createNamecheapClient({ apiUser: USER, apiKey: KEY, clientIp: IP, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
    const error = await failure(apply({ upsert: [{ name: fresh('_leak'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: { apiUser: USER, apiKey: `${KEY}x` } }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(JSON.stringify({ message: error!.message, cause: String(error!.cause) })).not.toContain(KEY);
  });
});
