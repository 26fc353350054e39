/**
 * What the conformance suite cannot know about Porkbun: its record formats and record-level writes, its paged
 * domain list, its error bodies (mostly HTTP 400, told apart by code and message) mapped to the kernel's kinds,
 * per-change results, and that the keys never leak.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPorkbunClient, type PorkbunError } from '../src/client.ts';
import porkbunDns from '../src/index.ts';
import { startFakePorkbun, type FakePorkbun } from './fake-porkbun.ts';

const ZONE = 'shop.test';
const KEY = 'pk1_full_3b9d';
const SECRET = 'sk1_secret_8e41c7';
let api: FakePorkbun;
let kernel: Kernel;
let n = 0;
const fresh = (label: string) => `${label}-${++n}.${ZONE}`;

beforeAll(async () => {
  api = await startFakePorkbun();
  api.addDomain(ZONE);
  api.addDomain('closed.test', false);
  api.keys.set(KEY, { secret: SECRET });
  api.keys.set('pk1_scoped', { secret: 'sk1_scoped', domains: ['other.test'] });
  kernel = await createTestKernel([{ plugin: porkbunDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
});
afterAll(async () => {
  await kernel?.close();
  await api?.close();
});
beforeEach(() => {
  api.requests.length = 0;
  api.pageSize = 1000;
});

const apply = ({ credentials = { apiKey: KEY, secretApiKey: SECRET }, ...input }: Partial<ApplyRecordsInput>) =>
  kernel.applyRecords('porkbun', { zone: ZONE, upsert: [], remove: [], credentials, ...input });
const client = (apiKey = KEY, secretApiKey = SECRET) => createPorkbunClient({ apiKey, secretApiKey, apiUrl: api.url, timeoutMs: 5000 });
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as PorkbunError);
const stored = (name: string, type: string) => api.domain(ZONE).records.filter((r) => r.name === name && r.type === type);

describe('records', () => {
  it('creates one record per value: relative name, TXT as plain text, CNAME without the dot, TTL raised to 600', async () => {
    const txt = fresh('_txt');
    const a = fresh('a');
    await apply({ upsert: [{ name: txt, type: 'TXT', ttl: 300, values: ['say "hi"'] }, { name: a, type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] }] });
    const creates = api.requests.filter((r) => r.path.includes('/dns/create/')).map((r) => r.body);
    expect(creates).toContainEqual({ name: txt.replace(`.${ZONE}`, ''), type: 'TXT', content: 'say "hi"', ttl: '600' });
    expect(stored(a, 'A').map((r) => r.content)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(api.requests.every((r) => !JSON.stringify(r.body).includes(SECRET))).toBe(true);
    const cname = fresh('www');
    await apply({ upsert: [{ name: cname, type: 'CNAME', ttl: 600, values: ['Edge.Example.NET.'] }] });
    expect(stored(cname, 'CNAME').map((r) => r.content)).toEqual(['edge.example.net']);
  });

  it('an update keeps the records whose value stays and replaces only the others', async () => {
    const name = fresh('keep');
    await apply({ upsert: [{ name, type: 'A', ttl: 600, values: ['192.0.2.10', '192.0.2.11'] }] });
    const kept = stored(name, 'A').find((r) => r.content === '192.0.2.11')!.id;
    const result = await apply({ upsert: [{ name, type: 'A', ttl: 600, values: ['192.0.2.11', '192.0.2.12'] }] });
    expect(result.changes[0]).toMatchObject({ action: 'update', before: ['192.0.2.10', '192.0.2.11'] });
    expect(stored(name, 'A').map((r) => [r.content, r.id === kept])).toEqual([['192.0.2.11', true], ['192.0.2.12', false]]);
  });

  it('reports a change Porkbun refused on that change, writes the others, and deletes first', async () => {
    const a = { name: fresh('swap'), type: 'A' as const, ttl: 600, values: ['192.0.2.5'] };
    await apply({ upsert: [a] });
    const taken = fresh('taken');
    api.domain(ZONE).records.push({ id: '1', name: taken, type: 'MX', content: 'mail.example.net', ttl: '600', prio: '10', notes: '' });
    const result = await apply({ upsert: [{ ...a, type: 'CNAME', values: ['edge.example.net'] }, { name: taken, type: 'CNAME', ttl: 600, values: ['edge.example.net'] }], remove: [a] });
    expect(result.applied).toBe(true);
    expect(result.changes.map((c) => [c.action, c.error?.kind])).toEqual([['create', undefined], ['create', 'validation'], ['delete', undefined]]);
    expect(stored(a.name, 'CNAME').map((r) => r.content)).toEqual(['edge.example.net']);
    expect(stored(taken, 'CNAME')).toEqual([]);
  });
});

describe('pagination', () => {
  it('reads domain/listAll from start 0, then from the count it has, until a page is empty', async () => {
    for (let i = 0; i < 4; i++) api.addDomain(`extra-${i}.test`);
    api.pageSize = 2;
    const verified = await kernel.dns('porkbun').verifyCredentials({ apiKey: KEY, secretApiKey: SECRET });
    expect(verified.zones).toEqual(api.domains.map((d) => d.domain));
    const starts = api.requests.filter((r) => r.path.endsWith('/domain/listAll')).map((r) => r.body.start);
    expect(starts).toEqual(['0', '2', '4', '6']);
  });
});

describe('errors → kind', () => {
  it('a refused key pair is auth (HTTP 400 INVALID_API_KEYS_002), and no message carries a key', async () => {
    const error = await failure(client(KEY, 'sk1_secret_8e41c7-wrong').ping());
    expect(error).toMatchObject({ kind: 'auth', status: 400, providerCode: 'INVALID_API_KEYS_002' });
    expect(error.message).not.toContain('8e41c7');
    expect(error.message).not.toContain(KEY);
  });

  it('a domain without API access, or outside the key\'s restriction, is permission', async () => {
    expect(await failure(client().getRecordSets('closed.test'))).toMatchObject({ kind: 'permission', message: expect.stringContaining('not opted in') });
    const error = await apply({ upsert: [{ name: fresh('_x'), type: 'TXT', ttl: 600, values: ['x'] }], credentials: { apiKey: 'pk1_scoped', secretApiKey: 'sk1_scoped' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'permission' });
  });

  it('an unknown domain is not_found', async () => {
    expect(await failure(kernel.dns('porkbun').getZone('elsewhere.test', { apiKey: KEY, secretApiKey: SECRET }))).toMatchObject({ kind: 'not_found' });
  });

  it('429 is rate_limit with the seconds of Retry-After', async () => {
    api.failNext({ status: 429, headers: { 'retry-after': '20' }, body: '{"status":"ERROR","message":"Rate limit exceeded."}' });
    const error = await apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 600, values: ['x'] }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 20 });
  });

  it('a refused record is validation, with Porkbun\'s words', async () => {
    expect(await failure(client().createRecord(ZONE, { name: fresh('bad'), type: 'A', ttl: 600, values: [] }, 'not-an-address'))).toMatchObject({
      kind: 'validation',
      message: expect.stringContaining('invalid content'),
    });
  });

  it('an HTML 502 is transient without the markup; an unreachable API is transient', async () => {
    api.failNext({ status: 502, body: '<html><title>502 Bad Gateway</title></html>' });
    const html = await failure(client().ping());
    expect(html).toMatchObject({ kind: 'transient', status: 502 });
    expect(html.message).not.toContain('<');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = createPorkbunClient({ apiKey: KEY, secretApiKey: SECRET, apiUrl: `http://127.0.0.1:${port}/api/json/v3`, timeoutMs: 5000 });
    expect(await failure(unreachable.ping())).toMatchObject({ kind: 'transient' });
  });

  it('an aborted call is the caller\'s AbortError, not a failure', async () => {
    expect(await failure(client().ping(AbortSignal.abort()))).toMatchObject({ name: 'AbortError' });
  });
});

describe('descriptor', () => {
  it('finds the zone with Porkbun\'s nameservers, and is detected from them', async () => {
    const zone = await kernel.dns('porkbun').getZone(ZONE, { apiKey: KEY, secretApiKey: SECRET });
    expect(zone.name).toBe(ZONE);
    expect(zone.nameservers).toContain('curitiba.ns.porkbun.com');
    const detection = await kernel.detectProvider({ hostname: `www.${ZONE}`, nameservers: zone.nameservers });
    expect(detection).toMatchObject({ provider: 'porkbun', setup: 'api', confidence: 'high' });
  });

  it('README.md lists exactly the permissions the descriptor reports', async () => {
    const [descriptor] = kernel.descriptors.dnsProviders;
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## ').find((part) => part.startsWith('Key permissions'))!;
    const listed = section.split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(descriptor!.permissions);
  });
});
