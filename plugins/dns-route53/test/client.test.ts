import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoute53Dns, type Route53DnsOptions } from '../src/client.ts';
import route53 from '../src/index.ts';
import { startFakeRoute53, type FakeRoute53 } from './fake-route53.ts';
import { credentials, KEY_ID, READ_ONLY_KEY_ID, SECRET } from './helpers.ts';

let fake: FakeRoute53;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  fake = await startFakeRoute53({
    accessKeys: [KEY_ID, READ_ONLY_KEY_ID],
    readOnlyKeys: [READ_ONLY_KEY_ID],
    maxItems: 2,
    zones: [
      { id: 'ZSHOP', name: 'shop.test', nameservers: ['ns-9.awsdns-09.org', 'NS-1.awsdns-01.com'] },
      { id: 'ZSHOPPRIVATE', name: 'shop.test', privateZone: true },
      { id: 'ZDUP1', name: 'dup.test' },
      { id: 'ZDUP2', name: 'dup.test' },
      { id: 'ZINNER', name: 'inner.private.test', privateZone: true },
      { id: 'ZONLYPRIVATE', name: 'private.test', privateZone: true },
      { id: 'ZSUB', name: 'sub.shop.test' },
    ],
  });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await fake?.close();
});

function client(overrides: Partial<Route53DnsOptions> = {}) {
  const made = createRoute53Dns({ ...credentials, endpoint: fake.url, ...overrides });
  clients.push(made);
  return made;
}

describe('finding the hosted zone', () => {
  it('takes the one public zone of that exact name, with its name servers', async () => {
    const zone = await client().getZone('Shop.Test.');
    expect(zone).toEqual({ id: 'ZSHOP', name: 'shop.test', privateZone: false, nameservers: ['ns-1.awsdns-01.com', 'ns-9.awsdns-09.org'] });
  });

  it('says so when several public zones share the name, and takes the credential\'s hostedZoneId', async () => {
    await expect(client().getZone('dup.test')).rejects.toMatchObject({ kind: 'validation', message: expect.stringMatching(/2 public hosted zones named dup\.test \(ZDUP1, ZDUP2\).*hostedZoneId/) });
    expect((await client({ hostedZoneId: '/hostedzone/ZDUP2' }).getZone('dup.test')).id).toBe('ZDUP2');
  });

  it('is not_found for no zone, or only private ones', async () => {
    await expect(client().getZone('nowhere.test')).rejects.toMatchObject({ kind: 'not_found', message: expect.stringMatching(/no hosted zone named nowhere\.test/) });
    await expect(client().getZone('private.test')).rejects.toMatchObject({ kind: 'not_found', message: expect.stringMatching(/only private hosted zones.*ZONLYPRIVATE/) });
  });

  it('refuses a hostedZoneId that is another zone, and an unknown one', async () => {
    await expect(client({ hostedZoneId: 'ZSUB' }).getZone('shop.test')).rejects.toMatchObject({ kind: 'not_found', message: expect.stringMatching(/ZSUB.*is sub\.shop\.test, not shop\.test/) });
    await expect(client({ hostedZoneId: 'ZMISSING' }).getZone('shop.test')).rejects.toMatchObject({ kind: 'not_found', providerCode: 'NoSuchHostedZone' });
  });

  it('looks the zone up once per client', async () => {
    const c = client();
    const before = fake.requests.filter((r) => r.action === 'ListHostedZonesByName').length;
    await c.getRecords('shop.test');
    await c.getRecords('shop.test', { names: ['www.shop.test'] });
    expect(fake.requests.filter((r) => r.action === 'ListHostedZonesByName').length - before).toBe(1);
  });

  it('lists every zone name once', async () => {
    expect(await client().listZones()).toEqual(['dup.test', 'private.test', 'inner.private.test', 'shop.test', 'sub.shop.test']);
  });
});

describe('credentials', () => {
  it('verifies with one ListHostedZonesByName of one item', async () => {
    const before = fake.requests.length;
    await expect(client().verifyCredentials()).resolves.toEqual({ message: expect.any(String) });
    expect(fake.requests.slice(before)).toMatchObject([{ action: 'ListHostedZonesByName', query: { maxitems: '1' }, accessKeyId: KEY_ID }]);
  });

  it('an unknown key is auth; a key without write permission is permission on writes', async () => {
    await expect(client({ accessKeyId: 'AKIANOBODY0000000000' }).verifyCredentials()).rejects.toMatchObject({ kind: 'auth', providerCode: 'InvalidClientTokenId', status: 403 });
    const readOnly = client({ accessKeyId: READ_ONLY_KEY_ID });
    await expect(readOnly.verifyCredentials()).resolves.toBeDefined();
    const error = await readOnly
      .applyChanges('shop.test', [{ action: 'create', set: { name: 'ro.shop.test', type: 'A', ttl: 60, values: ['192.0.2.1'] } }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permission', providerCode: 'AccessDenied' });
    expect((error as Error).message).toMatch(/route53:ChangeResourceRecordSets/);
  });

  it('refuses an empty key pair before any request', () => {
    expect(() => createRoute53Dns({ accessKeyId: '', secretAccessKey: '' })).toThrow(/access key id and a secret access key/);
  });
});

describe('writing', () => {
  it('sends UPSERT for create and update, DELETE with the values and TTL read', async () => {
    const c = client();
    const set = { name: 'w.shop.test', type: 'A' as const, ttl: 60, values: ['192.0.2.1'] };
    const created = await c.applyChanges('shop.test', [{ action: 'create', set }]);
    expect(created.changeIds).toHaveLength(1);
    await c.applyChanges('shop.test', [{ action: 'update', set: { ...set, ttl: 120, values: ['192.0.2.2', '192.0.2.3'] }, before: set }]);
    const [read] = await c.getRecords('shop.test', { names: ['w.shop.test'] });
    expect(read).toEqual({ name: 'w.shop.test', type: 'A', ttl: 120, values: ['192.0.2.2', '192.0.2.3'] });
    await c.applyChanges('shop.test', [{ action: 'delete', set: { ...set, values: [] }, before: read }]);
    const sent = fake.requests.filter((r) => r.action === 'ChangeResourceRecordSets').slice(-3);
    expect(sent.map((r) => r.changes!.map((ch) => ch.action))).toEqual([['UPSERT'], ['UPSERT'], ['DELETE']]);
    expect(sent[2]!.changes![0]!.set).toMatchObject({ name: 'w.shop.test.', ttl: 120, values: ['192.0.2.2', '192.0.2.3'] });
    expect(await c.getRecords('shop.test', { names: ['w.shop.test'] })).toEqual([]);
  });

  it('a delete whose values changed meanwhile is refused by Route 53 as a conflict and changes nothing', async () => {
    const c = client();
    const set = { name: 'moved.shop.test', type: 'TXT' as const, ttl: 60, values: ['one'] };
    await c.applyChanges('shop.test', [{ action: 'create', set }]);
    const stale = { ...set, values: ['older'] };
    await expect(c.applyChanges('shop.test', [{ action: 'delete', set: { ...set, values: [] }, before: stale }])).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/values provided do not match/),
    });
    expect((await c.getRecords('shop.test', { names: [set.name] }))[0]?.values).toEqual(['one']);
  });

  it('needs change.before to delete, and sends nothing for no changes', async () => {
    const before = fake.requests.length;
    await expect(client().applyChanges('shop.test', [{ action: 'delete', set: { name: 'x.shop.test', type: 'A', ttl: 60, values: [] } }])).rejects.toMatchObject({ kind: 'validation' });
    expect(await client().applyChanges('shop.test', [])).toEqual({ changeIds: [] });
    expect(fake.requests.length).toBe(before);
  });

  it('a delete of a set someone else already deleted counts as done; the rest of the batch is written', async () => {
    const c = client();
    const gone = { name: 'gone.shop.test', type: 'TXT' as const, ttl: 60, values: ['bye'] };
    await c.applyChanges('shop.test', [{ action: 'create', set: gone }]);
    const [before] = await c.getRecords('shop.test', { names: [gone.name] });
    await c.applyChanges('shop.test', [{ action: 'delete', set: { ...gone, values: [] }, before: before! }]);
    const next = { name: 'next.shop.test', type: 'A' as const, ttl: 60, values: ['192.0.2.4'] };
    const result = await c.applyChanges('shop.test', [
      { action: 'delete', set: { ...gone, values: [] }, before: before! },
      { action: 'create', set: next },
    ]);
    expect(result.changeIds).toHaveLength(1);
    expect(await c.getRecords('shop.test', { names: [gone.name, next.name] })).toEqual([next]);
    // Alone, it sends nothing more.
    expect(await c.applyChanges('shop.test', [{ action: 'delete', set: { ...gone, values: [] }, before: before! }])).toEqual({ changeIds: [] });
  });

  it('deletes with the values and TTL exactly as Route 53 returned them', async () => {
    // Stored with a spelling Portico would not write itself: two strings for what reads as one value.
    fake.put('ZSHOP', { name: 'spelt.shop.test.', type: 'TXT', ttl: 60, values: ['"ab"  "c"'] });
    const c = client();
    const [read] = await c.getRecords('shop.test', { names: ['spelt.shop.test'] });
    expect(read?.values).toEqual(['abc']);
    await c.applyChanges('shop.test', [{ action: 'delete', set: { ...read!, values: [] }, before: read! }]);
    expect(await c.getRecords('shop.test', { names: ['spelt.shop.test'] })).toEqual([]);
  });

  it('splits in order; a later request refused for its content is reported per change, a call-level failure is thrown', async () => {
    const c = client({ batchLimits: { records: 2, characters: 10_000 } });
    const txt = (n: string) => ({ name: `${n}.shop.test`, type: 'TXT' as const, ttl: 60, values: [n] });
    fake.failNext('server-error', { action: 'ChangeResourceRecordSets' });
    // The first request failing: nothing was written, so it throws.
    await expect(c.applyChanges('shop.test', [txt('p1'), txt('p2')].map((set) => ({ action: 'create' as const, set })))).rejects.toMatchObject({ kind: 'transient' });
    expect(await c.getRecords('shop.test', { names: ['p1.shop.test', 'p2.shop.test'] })).toEqual([]);

    // Request 2 of 3 throttled: thrown, saying what was written; a retry of the whole apply completes it.
    fake.failNext('throttling', { action: 'ChangeResourceRecordSets', after: 1 });
    const throttled = c.applyChanges('shop.test', [txt('p1'), txt('p2'), txt('p3')].map((set) => ({ action: 'create' as const, set })));
    await expect(throttled).rejects.toMatchObject({ kind: 'rate_limit', message: expect.stringMatching(/requests 1 to 1 of 3 were written/) });
    expect((await c.getRecords('shop.test', { names: ['p1.shop.test', 'p2.shop.test', 'p3.shop.test'] })).map((s) => s.name)).toEqual(['p1.shop.test']);

    // Request 2 of 3 refused for its content: one result per change.
    const bad = { name: 'q2.shop.test', type: 'A' as const, ttl: 60, values: ['300.1'] };
    const result = await c.applyChanges('shop.test', [txt('q1'), bad, txt('q3')].map((set) => ({ action: 'create' as const, set })));
    expect(result.changeIds).toHaveLength(1);
    expect(result.outcomes?.[0]).toBeUndefined();
    expect(result.outcomes?.[1]).toMatchObject({ kind: 'validation', message: expect.stringMatching(/IPv4/) });
    expect(result.outcomes?.[2]).toMatchObject({ kind: 'validation', message: expect.stringMatching(/not sent/) });
    expect((await c.getRecords('shop.test', { names: ['q1.shop.test', 'q2.shop.test', 'q3.shop.test'] })).map((s) => s.name)).toEqual(['q1.shop.test']);
  });

  it('reads GetChange: PENDING on submit, then INSYNC', async () => {
    const c = client();
    const { changeIds } = await c.applyChanges('shop.test', [{ action: 'create', set: { name: 'sync.shop.test', type: 'A', ttl: 60, values: ['192.0.2.9'] } }]);
    expect(await c.getChange(`/change/${changeIds[0]}`)).toMatchObject({ id: changeIds[0], status: 'INSYNC', submittedAt: expect.any(Date) });
    await expect(c.getChange('CNOSUCH')).rejects.toMatchObject({ kind: 'not_found', providerCode: 'NoSuchChange' });
  });
});

describe('record sets Portico cannot express', () => {
  it('reports alias and weighted sets so nothing is planned over them, and refuses to change them', async () => {
    fake.put('ZSHOP', { name: 'cdn.shop.test.', type: 'A', alias: { dnsName: 'd111.cloudfront.net.', hostedZoneId: 'Z2FDTNDATAQYW2' } });
    fake.put('ZSHOP', { name: 'lb.shop.test.', type: 'A', ttl: 60, setIdentifier: 'blue', weight: 10, values: ['192.0.2.10'] });
    fake.put('ZSHOP', { name: 'lb.shop.test.', type: 'A', ttl: 60, setIdentifier: 'green', weight: 90, values: ['192.0.2.11'] });
    fake.put('ZSHOP', { name: 'mail.shop.test.', type: 'MX', ttl: 60, values: ['10 mx.shop.test.'] });
    const c = client();
    const read = await c.getRecords('shop.test', { names: ['cdn.shop.test', 'lb.shop.test', 'mail.shop.test'] });
    expect(read).toEqual([
      { name: 'cdn.shop.test', type: 'A', ttl: 0, values: ['ALIAS d111.cloudfront.net'], routing: 'alias' },
      { name: 'lb.shop.test', type: 'A', ttl: 60, values: ['192.0.2.10', '192.0.2.11'], routing: 'weighted' },
    ]);
    for (const before of read) {
      await expect(c.applyChanges('shop.test', [{ action: 'update', set: { ...before, values: ['192.0.2.1'] }, before }])).rejects.toMatchObject({ kind: 'unsupported' });
      await expect(c.applyChanges('shop.test', [{ action: 'delete', set: { ...before, values: [] }, before }])).rejects.toMatchObject({ kind: 'unsupported' });
    }
    // Through the kernel, an alias in the way is a conflict in the plan.
    const kernel = await createTestKernel([{ plugin: route53, options: { endpoint: fake.url } }]);
    try {
      const plan = await kernel.applyRecords('route53', { zone: 'shop.test', upsert: [{ name: 'cdn.shop.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }], remove: [], credentials });
      expect(plan).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'not_owned', before: ['ALIAS d111.cloudfront.net'] }] });
    } finally {
      await kernel.close();
    }
  });
});

describe('no answer', () => {
  let silent: Server;
  beforeAll(async () => {
    silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('a refused connection is transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await client({ endpoint: `http://127.0.0.1:${port}` }).verifyCredentials().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient', message: expect.stringMatching(/cannot reach the API/) });
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('a server that never answers is transient after timeoutMs', async () => {
    const { port } = silent.address() as AddressInfo;
    const error = await client({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 200 }).verifyCredentials().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient' });
  });

  it('an aborted call stays an AbortError', async () => {
    const { port } = silent.address() as AddressInfo;
    const controller = new AbortController();
    const pending = client({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 5000 }).verifyCredentials({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
