import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import bunnyDns, { BUNNY_PERMISSIONS, BunnyDnsError, createBunnyClient } from '../src/index.ts';
import { startFakeBunny, type FakeBunny } from './fake-bunny.ts';

const ZONE = 'example.com';
const MARKER = 'heritage=portico,portico/owner=portico';
/** Distinctive, so a leak anywhere in an error is found. */
const KEY = `bunny-key-${randomBytes(12).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.bunny against a fake bunny.net API',
  provider: 'bunny',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeBunny();
    // Zones before and after it, five a page: finding the zone by name follows pages.
    for (let i = 0; i < 6; i++) fake.addZone(`a${i}.example.com.test`);
    fake.addZone(ZONE);
    fake.keys.set(KEY, {});
    const kernel = await createTestKernel([{ plugin: bunnyDns, options: { baseURL: fake.url, timeoutMs: 5000, perPage: 5 } }]);
    const person = createBunnyClient({ accessKey: KEY, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { accessKey: KEY },
      badCredentials: { accessKey: 'bunny-key-that-bunny-refuses' },
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

describe('dns.bunny against a fake bunny.net API', () => {
  let fake: FakeBunny;
  let kernel: Kernel;
  let n = 0;
  const credentials = { accessKey: KEY };
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('bunny', { zone: ZONE, upsert: [], remove: [], credentials, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.zone(ZONE).Records.filter((r) => r.Name === name.slice(0, -(ZONE.length + 1)));

  beforeAll(async () => {
    fake = await startFakeBunny();
    fake.addZone(ZONE);
    fake.keys.set(KEY, {});
    kernel = createKernel({ services: createTestServices() });
    await kernel.register({ plugin: bunnyDns, options: { baseURL: fake.url, timeoutMs: 5000, perPage: 5 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('describes the provider with the well-known key and bunny.net nameservers', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.bunny',
        provider: 'bunny',
        nameservers: ['*.bunny.net'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'record', atomic: false, wildcard: true, apexAlias: false, ownership: 'comment' },
        permissions: BUNNY_PERMISSIONS,
      }),
    ]);
  });

  it('the README lists every permission line of the descriptor', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const line of BUNNY_PERMISSIONS) expect(readme).toContain(line);
  });

  it('writes one record per value, with the type number, the AccessKey and the owner comment', async () => {
    const a = fresh('a');
    await apply({ upsert: [{ name: a, type: 'A', ttl: 120, values: ['192.0.2.1', '192.0.2.2'] }] });
    expect(stored(a)).toMatchObject([
      { Type: 0, Value: '192.0.2.1', Ttl: 120, Comment: MARKER },
      { Type: 0, Value: '192.0.2.2', Ttl: 120, Comment: MARKER },
    ]);
    expect(fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual([`/dnszone/${fake.zone(ZONE).Id}/records`, `/dnszone/${fake.zone(ZONE).Id}/records`]);
  });

  it('an update keeps the record whose value stays and reuses the other id', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] }] });
    const before = new Map(stored(name).map((r) => [r.Value, r.Id]));
    fake.requests.length = 0;
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11', '192.0.2.12'] }] });
    const after = new Map(stored(name).map((r) => [r.Value, r.Id]));
    expect(after.get('192.0.2.11')).toBe(before.get('192.0.2.11'));
    expect(after.get('192.0.2.12')).toBe(before.get('192.0.2.10'));
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST']);
  });

  it('a set with a record added by hand is nobody\'s: a conflict without adopt', async () => {
    const name = fresh('mixed');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.30'] }] });
    fake.insert(ZONE, { Type: 0, Name: name.split('.')[0]!, Value: '192.0.2.31' });
    expect(await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.32'] }] })).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'not_owned' }] });
  });

  it('follows zone pages (HasMoreItems) when listing and finding zones', async () => {
    for (let i = 0; i < 11; i++) fake.addZone(`z${i}.example`);
    const verified = await kernel.dns('bunny').verifyCredentials(credentials);
    expect(verified.zones).toHaveLength(12);
    expect(fake.requests.filter((r) => r.path === '/dnszone').map((r) => [r.query.get('page'), r.query.get('perPage')])).toEqual([['1', '5'], ['2', '5'], ['3', '5']]);
    expect(await kernel.dns('bunny').getZone('z10.example', credentials)).toMatchObject({ name: 'z10.example', nameservers: ['kiki.bunny.net', 'coco.bunny.net'] });
  });

  it('429 is rate_limit with the seconds of Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfter: '9' });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 9 });
    fake.failNext(1, { status: 429 });
    expect(await failure(kernel.dns('bunny').verifyCredentials(credentials))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: undefined });
  });

  it('maps 401, 404, 400, 500, an HTML 502 and an unreachable API to kinds', async () => {
    const dns = kernel.dns('bunny');
    expect(await failure(dns.verifyCredentials({ accessKey: 'nobody' }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    fake.keys.set('bunny-other', { zones: ['other.example'] });
    expect(await failure(dns.getZone(ZONE, { accessKey: 'bunny-other' }))).toMatchObject({ kind: 'not_found' });
    fake.failNext(1, { status: 500 });
    expect(await failure(dns.getZone(ZONE, credentials))).toMatchObject({ kind: 'transient', providerCode: 'server.error' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(dns.getZone(ZONE, credentials));
    expect(html).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(html!.message).not.toContain('<');
    const client = createBunnyClient({ accessKey: KEY, baseURL: fake.url });
    const taken = fresh('taken');
    fake.insert(ZONE, { Type: 4, Name: taken.split('.')[0]!, Value: `mail.${ZONE}` });
    const results = await client.applyChanges(ZONE, [
      { action: 'create', set: { name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] } },
      { action: 'create', set: { name: fresh('good'), type: 'A', ttl: 300, values: ['192.0.2.3'] } },
    ]);
    // Record by record: the refused change carries its error (400 → validation), the next one is still written.
    expect(results[0]).toBeInstanceOf(BunnyDnsError);
    expect(results[0]).toMatchObject({ kind: 'validation', providerCode: 'dnszone.record.conflict' });
    expect(results[1]).toBeUndefined();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createBunnyClient({ accessKey: KEY, baseURL: `http://127.0.0.1:${port}` });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('an aborted call is an AbortError, and the key is in no error', async () => {
    const client = createBunnyClient({ accessKey: KEY, baseURL: fake.url });
    expect(await failure(client.getRecordSets(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
    const error = await failure(apply({ upsert: [{ name: fresh('_leak'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: { accessKey: `${KEY}-wrong` } }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(JSON.stringify({ message: error!.message, cause: String(error!.cause) })).not.toContain(KEY);
  });
});
