/**
 * What the conformance suite cannot know about Gandi LiveDNS: its record formats, its paged collections, its
 * error bodies mapped to the kernel's kinds, per-change results, and that the token never leaks.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGandiClient, type GandiError } from '../src/client.ts';
import gandiDns from '../src/index.ts';
import { startFakeGandi, type FakeGandi } from './fake-gandi.ts';

const ZONE = 'shop.test';
const TOKEN = 'pat_gandi-full-7c1e04';
let api: FakeGandi;
let kernel: Kernel;
let n = 0;
const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
const rel = (name: string) => name.replace(`.${ZONE}`, '');

beforeAll(async () => {
  api = await startFakeGandi();
  api.addDomain(ZONE);
  api.tokens.set(TOKEN, {});
  api.tokens.set('pat_read-only', { canWrite: false });
  api.tokens.set('pat_expired', { expired: true });
  api.tokens.set('pat_other', { domains: ['other.test'] });
  kernel = await createTestKernel([{ plugin: gandiDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
});
afterAll(async () => {
  await kernel?.close();
  await api?.close();
});
beforeEach(() => {
  api.requests.length = 0;
  api.pageSize = 100;
  api.omitTotal = false;
});

const apply = ({ token = TOKEN, ...input }: Partial<ApplyRecordsInput> & { token?: string }) =>
  kernel.applyRecords('gandi', { zone: ZONE, upsert: [], remove: [], credentials: { token }, ...input });
const client = (token = TOKEN) => createGandiClient({ token, apiUrl: api.url, timeoutMs: 5000 });
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as GandiError);
const stored = (name: string, type: string) => api.domain(ZONE).rrsets.find((r) => r.rrset_name === name && r.rrset_type === type);

describe('records', () => {
  it('PUTs each record set by name and type: TXT quoted, CNAME absolute, TTL raised to 300, owner record first', async () => {
    const txt = fresh('_txt');
    const cname = fresh('www');
    const result = await apply({ upsert: [{ name: txt, type: 'TXT', ttl: 60, values: ['say "hi"'] }, { name: cname, type: 'CNAME', ttl: 300, values: ['Edge.Example.NET'] }] });
    expect(result.applied).toBe(true);
    const writes = api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(`/v5/livedns/domains/${ZONE}/records/`, '')}`);
    expect(writes).toEqual([`PUT _portico-owner.txt.${rel(txt)}/TXT`, `PUT _portico-owner.cname.${rel(cname)}/TXT`, `PUT ${rel(txt)}/TXT`, `PUT ${rel(cname)}/CNAME`]);
    expect(stored(rel(txt), 'TXT')).toEqual({ rrset_name: rel(txt), rrset_type: 'TXT', rrset_ttl: 300, rrset_values: ['"say \\"hi\\""'] });
    expect(stored(rel(cname), 'CNAME')?.rrset_values).toEqual(['edge.example.net.']);
    expect((await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }] })).changes[0]?.action).toBe('noop');
  });

  it('reads long TXT values and relative CNAME targets back in Portico\'s form', async () => {
    const name = fresh('_long');
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)}`;
    await apply({ upsert: [{ name, type: 'TXT', ttl: 300, values: [value] }] });
    expect(stored(rel(name), 'TXT')!.rrset_values[0]!.match(/"(?:[^"\\]|\\.)*"/g)).toHaveLength(3);
    api.domain(ZONE).rrsets.push({ rrset_name: 'relative', rrset_type: 'CNAME', rrset_ttl: 300, rrset_values: ['www'] });
    const read = await kernel.dns('gandi').getRecords(ZONE, { token: TOKEN }, { names: [name, `relative.${ZONE}`] });
    expect(Object.fromEntries(read.map((s) => [s.name, s.values]))).toEqual({ [name]: [value], [`relative.${ZONE}`]: [`www.${ZONE}`] });
  });

  it('reports a change Gandi refused on that change, writes the others, and deletes first', async () => {
    const a = { name: fresh('swap'), type: 'A' as const, ttl: 300, values: ['192.0.2.5'] };
    await apply({ upsert: [a] });
    const taken = fresh('taken');
    api.domain(ZONE).rrsets.push({ rrset_name: rel(taken), rrset_type: 'MX', rrset_ttl: 300, rrset_values: ['10 mail.example.net.'] });
    const result = await apply({
      upsert: [{ ...a, type: 'CNAME', values: ['edge.example.net'] }, { name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }],
      remove: [a],
    });
    expect(result.applied).toBe(true);
    expect(result.changes.map((c) => [c.action, c.error?.kind])).toEqual([['create', undefined], ['create', 'conflict'], ['delete', undefined]]);
    expect(stored(rel(a.name), 'CNAME')?.rrset_values).toEqual(['edge.example.net.']);
    expect(stored(rel(taken), 'CNAME')).toBeUndefined();
  });
});

describe('pagination', () => {
  it('reads every page, following Total-Count, or until an empty page without it', async () => {
    api.addDomain('paged.test');
    for (let i = 0; i < 10; i++) api.domain('paged.test').rrsets.push({ rrset_name: `host-${i}`, rrset_type: 'A', rrset_ttl: 300, rrset_values: [`192.0.2.${i}`] });
    api.pageSize = 4;
    for (const omitTotal of [false, true]) {
      api.requests.length = 0;
      api.omitTotal = omitTotal;
      const read = await kernel.dns('gandi').getRecords('paged.test', { token: TOKEN });
      expect(read.map((s) => s.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `host-${i}.paged.test`).sort());
      const pages = api.requests.filter((r) => r.path.endsWith('/records')).map((r) => r.query.get('page'));
      expect(pages).toEqual(omitTotal ? ['1', '2', '3', '4'] : ['1', '2', '3']);
    }
  });
});

describe('HTTP status → kind', () => {
  it('401 is auth, and the token is in no message', async () => {
    const error = await failure(client('pat_gandi-full-7c1e04-revoked').listDomains());
    expect(error).toMatchObject({ kind: 'auth', status: 401, providerCode: 'HTTPUnauthorized' });
    expect(error.message).not.toContain('7c1e04');
  });

  it('403 for an expired token is auth; for a token without the permission, permission', async () => {
    expect(await failure(client('pat_expired').listDomains())).toMatchObject({ kind: 'auth', status: 403 });
    const error = await apply({ upsert: [{ name: fresh('_ro'), type: 'TXT', ttl: 300, values: ['x'] }], token: 'pat_read-only' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'permission', providerCode: 'HTTPForbidden' });
  });

  it('a domain outside the token\'s resources is not_found', async () => {
    expect(await failure(client('pat_other').getDomain(ZONE))).toMatchObject({ kind: 'not_found' });
  });

  it('429 is rate_limit with the seconds of Retry-After', async () => {
    api.failNext({ status: 429, headers: { 'retry-after': '30' }, body: '{"code":429,"message":"Too many requests","object":"HTTPTooManyRequests","cause":"Too Many Requests"}' });
    const error = await apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 30, providerCode: 'HTTPTooManyRequests' });
  });

  it('400 is validation, with the field Gandi named', async () => {
    const error = await failure(client().putRecordSet(ZONE, { name: fresh('bad'), type: 'A', ttl: 300, values: ['not-an-address'] }));
    expect(error).toMatchObject({ kind: 'validation', status: 400, message: expect.stringContaining('rrset_values') });
  });

  it('an HTML 503 is transient without the markup; an unreachable API is transient', async () => {
    api.failNext({ status: 503, body: '<html><body>Service Unavailable</body></html>' });
    const html = await failure(client().listDomains());
    expect(html).toMatchObject({ kind: 'transient', status: 503 });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(createGandiClient({ token: TOKEN, apiUrl: `http://127.0.0.1:${port}/v5/livedns`, timeoutMs: 5000 }).listDomains())).toMatchObject({ kind: 'transient' });
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    expect(await failure(client().listDomains(AbortSignal.abort()))).toMatchObject({ name: 'AbortError' });
  });
});

describe('descriptor', () => {
  it('finds the zone with Gandi\'s nameservers, and is detected from them', async () => {
    const zone = await kernel.dns('gandi').getZone(ZONE, { token: TOKEN });
    expect(zone).toEqual({ name: ZONE, id: ZONE, nameservers: ['ns-12-a.gandi.net', 'ns-34-b.gandi.net', 'ns-56-c.gandi.net'] });
    const detection = await kernel.detectProvider({ hostname: `www.${ZONE}`, nameservers: zone.nameservers });
    expect(detection).toMatchObject({ provider: 'gandi', setup: 'api', confidence: 'high' });
  });

  it('README.md lists exactly the permissions the descriptor reports', async () => {
    const [descriptor] = kernel.descriptors.dnsProviders;
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## ').find((part) => part.startsWith('Token permissions'))!;
    const listed = section.split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(descriptor!.permissions);
  });
});
