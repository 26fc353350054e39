/**
 * What the conformance suite cannot know about deSEC: its record formats, its cursor pagination, its throttling
 * and its error bodies, each mapped to the kernel's kinds, and that the token never leaks.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDesecClient, nextCursor, type DesecError } from '../src/client.ts';
import desecDns from '../src/index.ts';
import { startFakeDesec, type FakeDesec } from './fake-desec.ts';

const ZONE = 'shop.test';
const TOKEN = 'desec-full-token-5f2a9c';
let api: FakeDesec;
let kernel: Kernel;
let n = 0;
const fresh = (label: string) => `${label}-${++n}.${ZONE}`;

beforeAll(async () => {
  api = await startFakeDesec();
  api.addDomain(ZONE);
  api.tokens.set(TOKEN, {});
  api.tokens.set('read-only-token', { readOnly: true });
  kernel = await createTestKernel([{ plugin: desecDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
});
afterAll(async () => {
  await kernel?.close();
  await api?.close();
});
beforeEach(() => {
  api.requests.length = 0;
  api.pageSize = 500;
});

const apply = ({ token = TOKEN, ...input }: Partial<ApplyRecordsInput> & { token?: string }) =>
  kernel.applyRecords('desec', { zone: ZONE, upsert: [], remove: [], credentials: { token }, ...input });
const client = (token = TOKEN) => createDesecClient({ token, apiUrl: api.url, timeoutMs: 5000 });
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DesecError);
const stored = (subname: string, type: string) => api.domain(ZONE).rrsets.find((r) => r.subname === subname && r.type === type);

describe('records', () => {
  it('writes one atomic bulk PATCH per apply: TXT quoted, CNAME absolute, TTL raised to minimum_ttl, owner TXT beside', async () => {
    const txt = fresh('_txt');
    const cname = fresh('www');
    const result = await apply({ upsert: [{ name: txt, type: 'TXT', ttl: 300, values: ['say "hi"'] }, { name: cname, type: 'CNAME', ttl: 300, values: ['Edge.Example.NET'] }] });
    expect(result.applied).toBe(true);
    expect(api.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /api/v1/domains/${ZONE}/rrsets/`]);
    expect(stored(txt.replace(`.${ZONE}`, ''), 'TXT')).toEqual({ subname: txt.replace(`.${ZONE}`, ''), type: 'TXT', ttl: 3600, records: ['"say \\"hi\\""'] });
    expect(stored(cname.replace(`.${ZONE}`, ''), 'CNAME')?.records).toEqual(['edge.example.net.']);
    expect(stored(`_portico-owner.cname.${cname.replace(`.${ZONE}`, '')}`, 'TXT')?.records).toEqual(['"heritage=portico,portico/owner=portico"']);
    expect((await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }] })).changes[0]?.action).toBe('noop');
  });

  it('long TXT values are split at 255 bytes and read back whole, \\DDD escapes included', async () => {
    const name = fresh('_long');
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)}`;
    await apply({ upsert: [{ name, type: 'TXT', ttl: 3600, values: [value] }] });
    expect(stored(name.replace(`.${ZONE}`, ''), 'TXT')!.records[0]!.match(/"(?:[^"\\]|\\.)*"/g)).toHaveLength(3);
    api.domain(ZONE).rrsets.push({ subname: 'escaped', type: 'TXT', ttl: 3600, records: ['"caf\\195\\169 \\"x\\""'] });
    const read = await kernel.dns('desec').getRecords(ZONE, { token: TOKEN }, { names: [name, `escaped.${ZONE}`] });
    expect(Object.fromEntries(read.map((s) => [s.name, s.values]))).toEqual({ [name]: [value], [`escaped.${ZONE}`]: ['café "x"'] });
  });

  it('the bulk request is all or nothing: one refused RRset fails the apply and writes nothing', async () => {
    const ok = fresh('_ok');
    const taken = fresh('taken');
    api.domain(ZONE).rrsets.push({ subname: taken.replace(`.${ZONE}`, ''), type: 'MX', ttl: 3600, records: ['10 mail.example.net.'] });
    const before = api.domain(ZONE).rrsets.length;
    const error = await apply({ upsert: [{ name: ok, type: 'TXT', ttl: 300, values: ['fine'] }, { name: taken, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'conflict', providerCode: '400', message: expect.stringContaining('conflicting type') });
    expect(api.domain(ZONE).rrsets).toHaveLength(before);
  });
});

describe('pagination', () => {
  it('follows the cursor of every Link rel="next", always sending cursor so deSEC never refuses a long list', async () => {
    api.addDomain('paged.test');
    for (let i = 0; i < 11; i++) api.domain('paged.test').rrsets.push({ subname: `host-${i}`, type: 'A', ttl: 3600, records: [`192.0.2.${i}`] });
    api.pageSize = 4;
    const read = await kernel.dns('desec').getRecords('paged.test', { token: TOKEN });
    expect(read.map((s) => s.name).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `host-${i}.paged.test`).sort());
    const pages = api.requests.filter((r) => r.path.endsWith('/rrsets/')).map((r) => r.query.get('cursor'));
    expect(pages).toEqual(['', '4', '8']);
  });

  it('reads every page of the domain list for verifyCredentials', async () => {
    api.pageSize = 1;
    const verified = await kernel.dns('desec').verifyCredentials({ token: TOKEN });
    expect(verified.zones).toEqual(api.domains.map((d) => d.name));
  });

  it('takes only the cursor from a link, never its host', () => {
    expect(nextCursor('<https://evil.example/api/v1/domains/?cursor=abc>; rel="next", <https://desec.io/x?cursor=>; rel="first"')).toBe('abc');
    expect(nextCursor('<https://desec.io/api/v1/domains/?cursor=>; rel="first"')).toBeUndefined();
    expect(nextCursor(null)).toBeUndefined();
  });
});

describe('HTTP status → kind', () => {
  it('401 is auth, and the token is in no message', async () => {
    const error = await failure(client('desec-full-token-5f2a9c-revoked').listDomains());
    expect(error).toMatchObject({ kind: 'auth', status: 401, message: expect.stringContaining('Invalid token') });
    expect(error.message).not.toContain('5f2a9c');
  });

  it('403 is permission: a read-only token fails the write', async () => {
    const error = await apply({ upsert: [{ name: fresh('_ro'), type: 'TXT', ttl: 3600, values: ['x'] }], token: 'read-only-token' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'permission', providerCode: '403' });
  });

  it('429 is rate_limit with the seconds of Retry-After', async () => {
    api.failNext({ status: 429, headers: { 'retry-after': '12' }, body: '{"detail":"Request was throttled. Expected available in 12 seconds."}' });
    const error = await apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 3600, values: ['x'] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 12, message: expect.stringContaining('throttled') });
  });

  it('404 on the domain is not_found', async () => {
    expect(await failure(client().getDomain('elsewhere.test'))).toMatchObject({ kind: 'not_found' });
  });

  it('400 field errors are validation, with deSEC\'s words', async () => {
    const error = await failure(client().writeRecordSets(ZONE, [{ name: fresh('bad'), type: 'A', ttl: 3600, values: ['not-an-address'] }]));
    expect(error).toMatchObject({ kind: 'validation', status: 400, message: expect.stringContaining('[0].records: Record content for type A malformed') });
  });

  it('an HTML 502 is transient without the markup; an unreachable API is transient', async () => {
    api.failNext({ status: 502, body: '<html><title>502 Bad Gateway</title></html>' });
    const html = await failure(client().listDomains());
    expect(html).toMatchObject({ kind: 'transient', status: 502 });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(createDesecClient({ token: TOKEN, apiUrl: `http://127.0.0.1:${port}/api/v1`, timeoutMs: 5000 }).listDomains())).toMatchObject({ kind: 'transient' });
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    expect(await failure(client().listDomains(AbortSignal.abort()))).toMatchObject({ name: 'AbortError' });
  });
});

describe('descriptor', () => {
  it('finds the zone with deSEC\'s nameservers, and is detected from them', async () => {
    expect(await kernel.dns('desec').getZone(ZONE, { token: TOKEN })).toEqual({ name: ZONE, id: ZONE, nameservers: ['ns1.desec.io', 'ns2.desec.org'] });
    const detection = await kernel.detectProvider({ hostname: `www.${ZONE}`, nameservers: ['ns1.desec.io', 'ns2.desec.org'] });
    expect(detection).toMatchObject({ provider: 'desec', setup: 'api', confidence: 'high' });
  });

  it('README.md lists exactly the permissions the descriptor reports', async () => {
    const [descriptor] = kernel.descriptors.dnsProviders;
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## ').find((part) => part.startsWith('Token permissions'))!;
    const listed = section.split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(descriptor!.permissions);
  });
});
