/**
 * What the conformance suite cannot know about this provider: its vendor's formats (TXT chunks, trailing
 * dots), its HTTP status → kind mapping, its per-change results, and that README.md says what the code does.
 *
 * COPIER: keep one test per row of your status table and one per format rule of your vendor.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DnsProviderError, z, type ApplyRecordsInput, type Kernel, type RecordSet } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleDnsClient, type ExampleDnsError } from '../src/client.ts';
import { decodeTxt, encodeTxt } from '../src/content.ts';
import exampleDns from '../src/index.ts';
import { startFakeExampleDns, type FakeExampleDns } from './fake-api.ts';

const TOKEN = 'full-token';
const READ_ONLY = 'read-only-token';
let api: FakeExampleDns;
let kernel: Kernel;

beforeAll(async () => {
  api = await startFakeExampleDns({ zones: ['shop.test'], tokens: { [TOKEN]: ['zones:read', 'rrsets:write'], [READ_ONLY]: ['zones:read'] } });
  kernel = await createTestKernel([{ plugin: exampleDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
});
afterAll(async () => {
  await kernel?.close();
  await api?.close();
});

const apply = ({ token = TOKEN, ...input }: Partial<ApplyRecordsInput> & { token?: string }) =>
  kernel.applyRecords('example', { zone: 'shop.test', upsert: [], remove: [], credentials: { token }, ...input });
const client = (token = TOKEN) => createExampleDnsClient({ apiUrl: api.url, token, timeoutMs: 5000 });
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as ExampleDnsError);

describe('TXT values', () => {
  const long = `v=1; "quoted" \\ back-slashed; ${'é'.repeat(200)}; ${'x'.repeat(300)}`;

  it('are split into quoted strings of at most 255 bytes and joined back unchanged', () => {
    const encoded = encodeTxt(long);
    const strings = [...encoded.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    expect(strings.length).toBeGreaterThan(2);
    for (const s of strings) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255);
    expect(decodeTxt(encoded)).toBe(long);
  });

  it('round-trip through the API, so a second apply is a noop', async () => {
    const set: RecordSet = { name: 'long.shop.test', type: 'TXT', ttl: 300, values: [long] };
    expect((await apply({ upsert: [set] })).changes[0]).toMatchObject({ action: 'create' });
    expect(api.zones[0]!.rrsets.find((s) => s.name === 'long.shop.test.')?.comment).toBe('heritage=portico,portico/owner=portico');
    expect((await apply({ upsert: [set] })).changes[0]).toMatchObject({ action: 'noop' });
  });
});

describe('HTTP status → kind', () => {
  it('401 is auth, and no message carries the token', async () => {
    const error = await failure(client('not-a-token').listZones());
    expect(error).toMatchObject({ kind: 'auth', status: 401, providerCode: 'unauthorized' });
    expect(error.message).not.toContain('not-a-token');
  });

  it('403 is permission: a read-only token fails the apply, named by kind', async () => {
    const error = await apply({ upsert: [{ name: 'ro.shop.test', type: 'A', ttl: 300, values: ['192.0.2.1'] }], token: READ_ONLY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'permission', providerCode: 'forbidden' });
    expect((error as Error).message).not.toContain(READ_ONLY);
  });

  it('429 is rate_limit with the Retry-After seconds', async () => {
    api.failNext({ status: 429, headers: { 'retry-after': '7' }, body: '{"error":{"code":"rate_limited","message":"Slow down"}}' });
    expect(await failure(client().listZones())).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 7, providerCode: 'rate_limited' });
  });

  it('an HTML 503 from a proxy is transient, without the markup in the message', async () => {
    api.failNext({ status: 503, body: '<html><body>Service Unavailable</body></html>' });
    const error = await failure(client().listZones());
    expect(error).toMatchObject({ kind: 'transient', status: 503 });
    expect(error.message).not.toContain('<html>');
  });

  it('a zone the token cannot see is not_found', async () => {
    expect(await failure(client().findZone('elsewhere.test'))).toMatchObject({ kind: 'not_found' });
  });

  it('422 is validation', async () => {
    const zone = await client().findZone('shop.test');
    expect(await failure(client().putRecordSet(zone.id, { name: 'bad.shop.test', type: 'A', ttl: 300, values: ['not-an-address'] }))).toMatchObject({
      kind: 'validation',
      status: 422,
      providerCode: 'invalid_record',
    });
  });

  it('an API that cannot be reached is transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(createExampleDnsClient({ apiUrl: `http://127.0.0.1:${port}/v1`, token: TOKEN, timeoutMs: 5000 }).listZones());
    expect(error).toMatchObject({ kind: 'transient' });
  });
});

describe('applyChanges', () => {
  it('reports a change ExampleDNS refused on that change, and writes the others', async () => {
    const txt: RecordSet = { name: 'ok.shop.test', type: 'TXT', ttl: 300, values: ['fine'] };
    const apex: RecordSet = { name: 'shop.test', type: 'CNAME', ttl: 300, values: ['elsewhere.example.net'] };
    const result = await apply({ upsert: [txt, apex] });
    expect(result.applied).toBe(true);
    expect(result.changes[0]).toMatchObject({ action: 'create' });
    expect(result.changes[0]!.error).toBeUndefined();
    expect(result.changes[1]).toMatchObject({ action: 'create', error: { kind: 'validation' } });
    const read = await kernel.dns('example').getRecords('shop.test', { token: TOKEN }, { names: ['ok.shop.test', 'shop.test'] });
    expect(read.map((set) => `${set.name} ${set.type}`)).toEqual(['ok.shop.test TXT']);
  });

  it('deletes first, so a CNAME can replace an A at the same name in one apply', async () => {
    const a: RecordSet = { name: 'swap.shop.test', type: 'A', ttl: 300, values: ['192.0.2.5'] };
    await apply({ upsert: [a] });
    const result = await apply({ upsert: [{ ...a, type: 'CNAME', values: ['edge.example.net'] }], remove: [a] });
    expect(result.changes.map((c) => [c.action, c.error])).toEqual([['create', undefined], ['delete', undefined]]);
    const read = await kernel.dns('example').getRecords('shop.test', { token: TOKEN }, { names: ['swap.shop.test'] });
    expect(read).toMatchObject([{ type: 'CNAME', values: ['edge.example.net'] }]);
  });
});

describe('descriptor', () => {
  it('is detected from its nameservers', async () => {
    const detection = await kernel.detectProvider({ hostname: 'www.shop.test', nameservers: ['ada.ns.exampledns.net', 'bob.ns.exampledns.net'] });
    expect(detection).toMatchObject({ provider: 'example', setup: 'api', confidence: 'high' });
  });

  it('reports a credential form: one required, described token field', () => {
    const schema = z.toJSONSchema(kernel.descriptors.dnsProviders[0]!.credentials!, { io: 'input' }) as { required: string[]; properties: Record<string, object> };
    expect(schema.required).toEqual(['token']);
    expect(schema.properties.token).toMatchObject({ type: 'string', title: 'API token', description: expect.any(String) });
  });

  it('README.md lists exactly the permissions the descriptor reports', async () => {
    const [descriptor] = kernel.descriptors.dnsProviders;
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## ').find((part) => part.startsWith('Token permissions'))!;
    const listed = section.split('\n').filter((line) => line.startsWith('- ')).map((line) => line.slice(2).replace(/`/g, ''));
    expect(listed).toEqual(descriptor!.permissions);
  });
});
