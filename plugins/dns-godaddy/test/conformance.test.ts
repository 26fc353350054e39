import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import godaddyDns, { createGoDaddyClient, GODADDY_PERMISSIONS, GoDaddyDnsError } from '../src/index.ts';
import { startFakeGoDaddy, type FakeGoDaddy } from './fake-godaddy.ts';

const ZONE = 'example.com';
const KEY = 'gd-key';
/** Distinctive, so a leak anywhere in an error is found. */
const SECRET = `gd-secret-${randomBytes(12).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.godaddy against a fake GoDaddy API',
  provider: 'godaddy',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeGoDaddy();
    fake.addDomain(ZONE);
    fake.accounts.set(KEY, { secret: SECRET });
    // A small page, so every read of the zone follows pages.
    const kernel = await createTestKernel([{ plugin: godaddyDns, options: { baseURL: fake.url, timeoutMs: 5000, pageSize: 5 } }]);
    const person = createGoDaddyClient({ apiKey: KEY, apiSecret: SECRET, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { apiKey: KEY, apiSecret: SECRET },
      badCredentials: { apiKey: KEY, apiSecret: 'not-the-secret' },
      writeForeign: async (set) => {
        await person.applyChanges(ZONE, [{ action: 'create', set }]);
      },
      teardown: async () => {
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.godaddy against a fake GoDaddy API', () => {
  let fake: FakeGoDaddy;
  let kernel: Kernel;
  let n = 0;
  const credentials = { apiKey: KEY, apiSecret: SECRET };
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('godaddy', { zone: ZONE, upsert: [], remove: [], credentials, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as DnsProviderError);

  beforeAll(async () => {
    fake = await startFakeGoDaddy();
    fake.addDomain(ZONE);
    fake.accounts.set(KEY, { secret: SECRET });
    kernel = createKernel({ services: createTestServices() });
    await kernel.register({ plugin: godaddyDns, options: { baseURL: fake.url, timeoutMs: 5000, pageSize: 10 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('describes the provider with the well-known key and GoDaddy nameservers', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.godaddy',
        provider: 'godaddy',
        nameservers: ['*.domaincontrol.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: GODADDY_PERMISSIONS,
      }),
    ]);
  });

  it('the README lists every permission line of the descriptor', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const line of GODADDY_PERMISSIONS) expect(readme).toContain(line);
  });

  it('writes one PUT per record set with the sso-key header, TTL raised to 600, and an owner TXT beside it', async () => {
    const a = fresh('a');
    const result = await apply({ upsert: [{ name: a, type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] }] });
    expect(result.applied).toBe(true);
    const puts = fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path);
    expect([...puts].sort()).toEqual([`/v1/domains/${ZONE}/records/A/${a.split('.')[0]}`, `/v1/domains/${ZONE}/records/TXT/_portico-owner.a.${a.split('.')[0]}`]);
    expect(fake.domain(ZONE).records.filter((r) => r.name === a.split('.')[0])).toEqual([
      { type: 'A', name: a.split('.')[0], data: '192.0.2.1', ttl: 600 },
      { type: 'A', name: a.split('.')[0], data: '192.0.2.2', ttl: 600 },
    ]);
  });

  it('follows offset/limit pages of records and marker pages of domains', async () => {
    fake.addDomain('paged.example');
    for (let i = 0; i < 25; i++) fake.domain('paged.example').records.push({ type: 'A', name: `host-${i}`, data: `192.0.2.${i}`, ttl: 600 });
    const read = await kernel.dns('godaddy').getRecords('paged.example', credentials);
    expect(read).toHaveLength(25);
    const pages = fake.requests.filter((r) => r.path.endsWith('/records')).map((r) => [r.query.get('offset'), r.query.get('limit')]);
    expect(pages).toEqual([['0', '10'], ['10', '10'], ['20', '10']]);
    for (let i = 0; i < 12; i++) fake.addDomain(`d${String(i).padStart(2, '0')}.example`);
    fake.requests.length = 0;
    const verified = await kernel.dns('godaddy').verifyCredentials(credentials);
    expect(verified.zones).toHaveLength(14);
    expect(fake.requests.filter((r) => r.path === '/v1/domains').map((r) => r.query.get('marker'))).toEqual([null, 'd09.example']);
  });

  it('429 is rate_limit with retryAfterSec from the body', async () => {
    fake.failNext(1, { status: 429, retryAfterSec: 42 });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 600, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 42, providerCode: 'TOO_MANY_REQUESTS' });
    fake.failNext(1, { status: 429 });
    expect(await failure(kernel.dns('godaddy').verifyCredentials(credentials))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: undefined });
  });

  it('maps 401, 403, 404, 422, 500, an HTML 502 and an unreachable API to kinds', async () => {
    const dns = kernel.dns('godaddy');
    expect(await failure(dns.verifyCredentials({ apiKey: 'nobody', apiSecret: 'x' }))).toMatchObject({ kind: 'auth', providerCode: 'UNABLE_TO_AUTHENTICATE' });
    fake.accounts.set('gd-denied', { secret: 's', denied: true });
    expect(await failure(dns.verifyCredentials({ apiKey: 'gd-denied', apiSecret: 's' }))).toMatchObject({ kind: 'permission', providerCode: 'ACCESS_DENIED' });
    fake.accounts.set('gd-other', { secret: 's', domains: ['other.example'] });
    expect(await failure(dns.getZone(ZONE, { apiKey: 'gd-other', apiSecret: 's' }))).toMatchObject({ kind: 'not_found' });
    fake.failNext(1, { status: 500 });
    expect(await failure(dns.getZone(ZONE, credentials))).toMatchObject({ kind: 'transient', providerCode: 'INTERNAL_SERVER_ERROR' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(dns.getZone(ZONE, credentials));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html!.message).not.toContain('<');
    const client = createGoDaddyClient({ apiKey: KEY, apiSecret: SECRET, baseURL: fake.url });
    const bad = await client.applyChanges(ZONE, [
      { action: 'create', set: { name: fresh('bad'), type: 'A', ttl: 600, values: ['not-an-address'] } },
      { action: 'create', set: { name: fresh('good'), type: 'A', ttl: 600, values: ['192.0.2.3'] } },
    ]);
    // Per record set: the refused change carries its error, the next one is still written.
    expect(bad[0]).toBeInstanceOf(GoDaddyDnsError);
    expect(bad[0]).toMatchObject({ kind: 'validation', providerCode: 'INVALID_BODY' });
    expect(bad[1]).toBeUndefined();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createGoDaddyClient({ apiKey: KEY, apiSecret: SECRET, baseURL: `http://127.0.0.1:${port}` });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('reads the zone with its nameservers, and CNAME targets canonical', async () => {
    expect(await kernel.dns('godaddy').getZone(ZONE, credentials)).toMatchObject({ name: ZONE, nameservers: ['ns51.domaincontrol.com', 'ns52.domaincontrol.com'] });
    fake.domain(ZONE).records.push({ type: 'CNAME', name: 'legacy', data: 'Target.Example.NET.', ttl: 3600 }, { type: 'CNAME', name: 'www', data: '@', ttl: 3600 });
    const read = await kernel.dns('godaddy').getRecords(ZONE, credentials, { names: [`legacy.${ZONE}`, `www.${ZONE}`] });
    expect(read.map((set) => set.values[0])).toEqual(['target.example.net', ZONE]);
  });

  it('an aborted call is an AbortError, and the secret is in no error', async () => {
    const client = createGoDaddyClient({ apiKey: KEY, apiSecret: SECRET, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
    const errors = [
      await failure(apply({ upsert: [{ name: fresh('_leak'), type: 'TXT', ttl: 600, values: ['x'] }], credentials: { apiKey: KEY, apiSecret: `${SECRET}-wrong` } })),
      await failure(kernel.dns('godaddy').verifyCredentials({ apiKey: 'gd-denied', apiSecret: SECRET })),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(DnsProviderError);
      expect(JSON.stringify({ message: error!.message, cause: String(error!.cause) })).not.toContain(SECRET);
    }
  });
});
