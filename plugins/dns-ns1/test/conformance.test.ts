import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ns1Dns, { createNs1Client, nextLink, retryAfterOf } from '../src/index.ts';
import { startFakeNs1, type FakeNs1 } from './fake-ns1.ts';

const ZONE = 'example.com';
/** Distinctive, so a leak anywhere in an error or a log line is found. */
const KEY = `ns1-test-key-${randomBytes(12).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.ns1 against a fake NS1 API',
  provider: 'ns1',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeNs1();
    fake.addZone(ZONE);
    fake.keys.set(KEY, {});
    const kernel = await createTestKernel([{ plugin: ns1Dns, options: { baseURL: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner TXT record.
    const person = createNs1Client({ apiKey: KEY, baseURL: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { apiKey: KEY },
      badCredentials: { apiKey: 'ns1-key-that-ns1-refuses' },
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

describe('dns.ns1 against a fake NS1 API', () => {
  let fake: FakeNs1;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('ns1', { zone: ZONE, upsert: [], remove: [], credentials: { apiKey: KEY }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as DnsProviderError);

  beforeAll(async () => {
    fake = await startFakeNs1();
    fake.addZone(ZONE);
    fake.keys.set(KEY, {});
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: ns1Dns, options: { baseURL: fake.url, timeoutMs: 5000 } });
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
        plugin: 'dns.ns1',
        provider: 'ns1',
        setup: 'api',
        nameservers: ['**.nsone.net'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false, wildcard: true, apexAlias: false, ownership: 'txt' },
      }),
    ]);
  });

  it('writes one NS1 record per record set, answers as values, with the key header and an owner TXT record', async () => {
    const a = fresh('a');
    const result = await apply({ upsert: [{ name: a, type: 'A', ttl: 120, values: ['192.0.2.1', '192.0.2.2'] }] });
    expect(result.applied).toBe(true);
    const record = fake.zone(ZONE).records.find((r) => r.domain === a && r.type === 'A');
    expect(record).toEqual({ domain: a, type: 'A', ttl: 120, answers: [{ answer: ['192.0.2.1'] }, { answer: ['192.0.2.2'] }] });
    expect(fake.zone(ZONE).records.find((r) => r.domain === `_portico-owner.a.${a}`)?.answers).toEqual([{ answer: ['heritage=portico,portico/owner=portico'] }]);
    expect(fake.requests.every((r) => r.key === KEY)).toBe(true);
    expect(fake.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toContain(`/v1/zones/${ZONE}/${a}/A`);
  });

  it('an update replaces the answers with POST; a delete is DELETE', async () => {
    const name = fresh('upd');
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.10'] }] });
    fake.requests.length = 0;
    await apply({ upsert: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11'] }] });
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v1/zones/${ZONE}/${name}/A`]);
    await apply({ remove: [{ name, type: 'A', ttl: 300, values: ['192.0.2.11'] }] });
    expect(fake.zone(ZONE).records.some((r) => r.domain === name)).toBe(false);
  });

  it('reads every page of a zone, following Link rel="next"', async () => {
    fake.addZone('paged.example');
    for (let i = 0; i < 10; i++) fake.zone('paged.example').records.push({ domain: `host-${i}.paged.example`, type: 'A', ttl: 300, answers: [{ answer: [`192.0.2.${i}`] }] });
    fake.zone('paged.example').records.push({ domain: 'paged.example', type: 'MX', ttl: 300, answers: [{ answer: ['10', 'mail.paged.example'] }] });
    const read = await kernel.dns('ns1').getRecords('paged.example', { apiKey: KEY });
    expect(read).toHaveLength(10);
    const pages = fake.requests.filter((r) => r.path === '/v1/zones/paged.example').map((r) => r.query.get('after'));
    expect(pages).toEqual([null, '3', '6', '9']);
  });

  it('parses Link headers and the token bucket headers', () => {
    expect(nextLink('<https://api.nsone.net/v1/zones/x?after=5>; rel="next", <https://api.nsone.net/v1/zones/x>; rel="first"')).toBe('https://api.nsone.net/v1/zones/x?after=5');
    expect(nextLink(null)).toBeUndefined();
    expect(retryAfterOf(new Headers({ 'x-ratelimit-limit': '300', 'x-ratelimit-period': '300', 'x-ratelimit-remaining': '0' }))).toBe(1);
    expect(retryAfterOf(new Headers({ 'x-ratelimit-limit': '10', 'x-ratelimit-period': '60' }))).toBe(6);
    expect(retryAfterOf(new Headers({ 'retry-after': '17' }))).toBe(17);
    expect(retryAfterOf(new Headers())).toBeUndefined();
  });

  it('429 is rate_limit with the seconds one token takes to come back', async () => {
    fake.failNext(1, { status: 429, limit: 10, period: 120 });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 12, providerCode: '429' });
  });

  it('maps errors: 401 auth, 403 permission, 404 not_found, 400 validation, 5xx / HTML / unreachable transient', async () => {
    const dns = kernel.dns('ns1');
    expect(await failure(dns.verifyCredentials({ apiKey: 'refused' }))).toMatchObject({ kind: 'auth', providerCode: '401' });
    fake.keys.set('read-only', { permissions: ['view_zones'] });
    expect(await failure(apply({ upsert: [{ name: fresh('_ro'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: { apiKey: 'read-only' } }))).toMatchObject({ kind: 'permission' });
    fake.keys.set('other-zone', { zones: ['other.example'] });
    expect(await failure(dns.getZone(ZONE, { apiKey: 'other-zone' }))).toMatchObject({ kind: 'not_found' });
    const client = createNs1Client({ apiKey: KEY, baseURL: fake.url });
    const [refused] = await client.applyChanges(ZONE, [{ action: 'create', set: { name: fresh('bad'), type: 'A', ttl: 300, values: ['not-an-ip'] } }]);
    expect(refused).toMatchObject({ kind: 'validation', providerCode: '400' });
    fake.failNext(1, { status: 500 });
    expect(await failure(dns.getZone(ZONE, { apiKey: KEY }))).toMatchObject({ kind: 'transient', providerCode: '500' });
    fake.failNext(1, { status: 502, html: true });
    const html = await failure(dns.getZone(ZONE, { apiKey: KEY }));
    expect(html).toMatchObject({ kind: 'transient' });
    expect(html!.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createNs1Client({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1`, timeoutMs: 5000 });
    expect(await failure(unreachable.getZone(ZONE))).toMatchObject({ kind: 'transient', message: expect.stringContaining('could not reach') });
  });

  it('a change NS1 refuses is reported for that change; the others are written', async () => {
    const client = createNs1Client({ apiKey: KEY, baseURL: fake.url });
    const good = fresh('_good');
    const outcomes = await client.applyChanges(ZONE, [
      { action: 'create', set: { name: fresh('bad'), type: 'A', ttl: 300, values: ['nope'] } },
      { action: 'create', set: { name: good, type: 'TXT', ttl: 300, values: ['ok'] } },
    ]);
    expect(outcomes.map((o) => (o as DnsProviderError | undefined)?.kind)).toEqual(['validation', undefined]);
    expect(fake.zone(ZONE).records.some((r) => r.domain === good)).toBe(true);
  });

  it('an aborted call is an AbortError, not a failure', async () => {
    const client = createNs1Client({ apiKey: KEY, baseURL: fake.url });
    expect(await failure(client.getRecords(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the key in an error or a log line', async () => {
    const errors: unknown[] = [];
    errors.push(await failure(apply({ upsert: [{ name: fresh('_leak'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: { apiKey: `${KEY}-refused` } })));
    fake.failNext(1, { status: 500 });
    errors.push(await failure(kernel.dns('ns1').getZone(ZONE, { apiKey: KEY })));
    expect(errors.every((e) => e instanceof DnsProviderError)).toBe(true);
    const text = JSON.stringify([errors.map((e) => [String(e), (e as Error).stack]), services.logs]);
    expect(text).not.toContain(KEY);
  });
});
