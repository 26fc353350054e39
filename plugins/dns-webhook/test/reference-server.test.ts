// The reference server (reference/server.py) as the protocol describes it, through the client and through raw
// HTTP: what the conformance suite cannot see (headers, error codes, preconditions, all or nothing, filters).
import { randomBytes } from 'node:crypto';
import { DnsProviderError, ownerMarker, type Kernel, type RecordSet } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDnsClient, type WebhookDnsClient, type WebhookDnsError } from '../src/client.ts';
import webhook from '../src/index.ts';
import { COMMENT_LABEL, MEDIA_TYPE } from '../src/protocol.ts';
import { requirePython, startReferenceServer, type ReferenceServer } from './reference-server.ts';

const available = requirePython();
const ZONE = 'example.test';
const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as WebhookDnsError);
const set = (name: string, type: RecordSet['type'], ...values: string[]): RecordSet => ({ name, type, ttl: 300, values });

describe.skipIf(!available)('the reference server', () => {
  let server: ReferenceServer;
  let client: WebhookDnsClient;
  let kernel: Kernel;
  const raw = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = TOKEN, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== null) headers.set('Authorization', `Bearer ${token}`);
    return fetch(`${server.url}${path}`, { ...rest, headers, signal: AbortSignal.timeout(5000) });
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'Content-Type': MEDIA_TYPE }) =>
    raw(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  const errorOf = async (response: Response) => [response.status, ((await response.json()) as { error: { code: string } }).error.code];

  beforeAll(async () => {
    server = await startReferenceServer({
      token: TOKEN,
      zones: [
        { name: ZONE, nameservers: ['NS2.dns.example.net.', 'ns1.dns.example.net'], records: [{ dnsName: `www.${ZONE}`, recordType: 'A', targets: ['192.0.2.80'] }] },
        { name: `sub.${ZONE}` },
        { name: 'other.test' },
      ],
    });
    client = createWebhookDnsClient({ url: server.url, token: TOKEN, timeoutMs: 5000 });
    kernel = await createTestKernel([{ plugin: webhook, options: { url: server.url, timeoutMs: 5000 } }]);
  });
  afterAll(async () => {
    await kernel?.close();
    await server?.stop();
  });

  it('negotiates with external-dns\'s media type and Vary header, and lists zones with their nameservers', async () => {
    const response = await raw('/', { headers: { Accept: MEDIA_TYPE } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(MEDIA_TYPE);
    expect(response.headers.get('vary')).toBe('Content-Type');
    expect(await response.json()).toEqual({
      include: ['example.test', 'other.test', 'sub.example.test'],
      portico: {
        version: 1,
        comments: true,
        zones: [
          { name: 'example.test', nameservers: ['ns2.dns.example.net', 'ns1.dns.example.net'] },
          { name: 'other.test', nameservers: [] },
          { name: 'sub.example.test', nameservers: [] },
        ],
      },
    });
    expect(await kernel.dns('webhook').getZone(ZONE, { token: TOKEN })).toEqual({ name: ZONE, nameservers: ['ns1.dns.example.net', 'ns2.dns.example.net'] });
    expect(await kernel.dns('webhook').verifyCredentials({ token: TOKEN })).toEqual({
      zones: ['example.test', 'other.test', 'sub.example.test'],
      message: 'DNS webhook protocol 1, Portico extension 1, 3 zone(s)',
    });
  });

  it('asks for the token everywhere but /healthz, with WWW-Authenticate', async () => {
    expect((await raw('/healthz', { token: null })).status).toBe(200);
    for (const [path, token] of [['/', null], ['/records', 'wrong'], ['/adjustendpoints', TOKEN.slice(0, -1)]] as const) {
      const response = await raw(path, { token });
      expect(await errorOf(response)).toEqual([401, 'unauthorized']);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    const error = await failure(createWebhookDnsClient({ url: server.url, token: 'wrong' }).getRecords({ zone: ZONE }));
    expect(error).toMatchObject({ kind: 'auth', status: 401, providerCode: 'unauthorized' });
  });

  it('keeps the owner marker in labels["portico/comment"], and reads the records it was started with', async () => {
    const result = await kernel.applyRecords('webhook', { zone: ZONE, owner: 'org_1', credentials: { token: TOKEN }, upsert: [set(`shop.${ZONE}`, 'CNAME', 'edge.example.net')], remove: [] });
    expect(result.changes).toMatchObject([{ action: 'create' }]);
    const stored = (await (await raw(`/records?zone=${ZONE}`)).json()) as Array<{ dnsName: string; labels?: Record<string, string> }>;
    expect(stored.find((e) => e.dnsName === `shop.${ZONE}`)?.labels).toEqual({ [COMMENT_LABEL]: ownerMarker('org_1') });
    expect(stored.find((e) => e.dnsName === `www.${ZONE}`)).toEqual({ dnsName: `www.${ZONE}`, recordType: 'A', targets: ['192.0.2.80'], recordTTL: 300 });
    // Someone else's record, from the zones file: Portico leaves it alone.
    const theirs = await kernel.applyRecords('webhook', { zone: ZONE, credentials: { token: TOKEN }, upsert: [set(`www.${ZONE}`, 'A', '192.0.2.81')], remove: [] });
    expect(theirs).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'not_owned' }] });
  });

  it('applies a change all or nothing', async () => {
    const fine = set(`fine.${ZONE}`, 'A', '192.0.2.1');
    const error = await failure(client.applyChanges({ create: [fine, set(`bad.${ZONE}`, 'A', 'not-an-address')] }));
    expect(error).toMatchObject({ kind: 'validation', status: 422, providerCode: 'invalid_record' });
    expect(error.message).toContain('not-an-address');
    expect(await client.getRecords({ zone: ZONE, names: [fine.name] })).toEqual([]);
  });

  it('refuses updates and deletes of a set that changed since it was read (stale_update), and creates of one that exists', async () => {
    const name = `stale.${ZONE}`;
    await client.applyChanges({ create: [set(name, 'TXT', 'one')] });
    expect(await failure(client.applyChanges({ update: [{ old: set(name, 'TXT', 'other'), new: set(name, 'TXT', 'two') }] }))).toMatchObject({ kind: 'conflict', providerCode: 'stale_update' });
    expect(await failure(client.applyChanges({ delete: [set(name, 'TXT', 'other')] }))).toMatchObject({ kind: 'conflict', providerCode: 'stale_update' });
    expect(await failure(client.applyChanges({ update: [{ old: set(`absent.${ZONE}`, 'TXT', 'x'), new: set(`absent.${ZONE}`, 'TXT', 'y') }] }))).toMatchObject({ providerCode: 'stale_update' });
    expect(await failure(client.applyChanges({ create: [set(name, 'TXT', 'again')] }))).toMatchObject({ kind: 'conflict', providerCode: 'record_exists' });
    await client.applyChanges({ update: [{ old: set(name, 'TXT', 'one'), new: set(name, 'TXT', 'two') }] });
    expect((await client.getRecords({ names: [name] })).map((s) => s.values)).toEqual([['two']]);
    // Deleting what is not there changes nothing, and is no error.
    await client.applyChanges({ delete: [set(name, 'TXT', 'two'), set(`never.${ZONE}`, 'A', '192.0.2.1')] });
    expect(await client.getRecords({ names: [name] })).toEqual([]);
  });

  it('keeps a CNAME alone at its name, deleting before creating within one change', async () => {
    const name = `alias.${ZONE}`;
    await client.applyChanges({ create: [set(name, 'TXT', 'here first')] });
    expect(await failure(client.applyChanges({ create: [set(name, 'CNAME', 'edge.example.net')] }))).toMatchObject({ kind: 'conflict', status: 409, providerCode: 'cname_conflict' });
    await client.applyChanges({ delete: [set(name, 'TXT', 'here first')], create: [set(name, 'CNAME', 'edge.example.net')] });
    expect(await client.getRecords({ names: [name] })).toEqual([{ ...set(name, 'CNAME', 'edge.example.net') }]);
  });

  it('refuses names outside its zones, one set twice, other record types, and bodies it cannot read', async () => {
    expect(await failure(client.applyChanges({ create: [set('x.elsewhere.test', 'A', '192.0.2.1')] }))).toMatchObject({ kind: 'validation', providerCode: 'outside_zones' });
    expect(await failure(client.applyChanges({ create: [set(`dup.${ZONE}`, 'A', '192.0.2.1')], delete: [set(`dup.${ZONE}`, 'A')] }))).toMatchObject({ kind: 'validation', providerCode: 'duplicate_record' });
    const mx = await post('/records', { create: [{ dnsName: `mail.${ZONE}`, recordType: 'MX', targets: ['10 mx.example.net'] }] });
    expect(await errorOf(mx)).toEqual([501, 'unsupported_record_type']);
    expect(await errorOf(await post('/records', '{"create": ['))).toEqual([400, 'bad_request']);
    expect(await errorOf(await post('/records', { create: {} }))).toEqual([400, 'bad_request']);
    expect(await errorOf(await post('/records', '{}', { 'Content-Type': 'text/plain' }))).toEqual([415, 'unsupported_media_type']);
    expect(await errorOf(await post('/records', 'x'.repeat(1024 * 1024 + 1)))).toEqual([413, 'payload_too_large']);
    expect(await errorOf(await raw('/', { headers: { Accept: 'application/external.dns.webhook+json;version=2' } }))).toEqual([406, 'not_acceptable']);
    expect(await errorOf(await raw('/records', { method: 'DELETE' }))).toEqual([405, 'method_not_allowed']);
    expect(await errorOf(await raw('/zones'))).toEqual([404, 'not_found']);
    // external-dns sends no Content-Type with its changes: accepted (bytes, so fetch adds no text/plain either).
    const bare = await raw('/records', { method: 'POST', body: Buffer.from(JSON.stringify({ create: [set(`bare.${ZONE}`, 'A', '192.0.2.9')].map((s) => ({ dnsName: s.name, recordType: s.type, targets: s.values })) })) });
    expect(bare.status).toBe(204);
    expect(await client.getRecords({ names: [`bare.${ZONE}`] })).toHaveLength(1);
  });

  it('filters GET /records by zone and names; an unknown zone is zone_not_found', async () => {
    await client.applyChanges({ create: [set(`f1.${ZONE}`, 'A', '192.0.2.1'), set(`f2.${ZONE}`, 'A', '192.0.2.2'), set(`deep.sub.${ZONE}`, 'A', '192.0.2.3')] });
    const only = (await (await raw(`/records?zone=${ZONE}&name=f1.${ZONE}&name=deep.sub.${ZONE}`)).json()) as Array<{ dnsName: string }>;
    expect(only.map((e) => e.dnsName)).toEqual([`f1.${ZONE}`]);
    expect((await client.getRecords({ zone: `sub.${ZONE}` })).map((s) => s.name)).toEqual([`deep.sub.${ZONE}`]);
    expect(await failure(client.getRecords({ zone: 'nope.test' }))).toMatchObject({ kind: 'not_found', status: 404, providerCode: 'zone_not_found' });
    expect(await failure(kernel.dns('webhook').getZone('nope.test', { token: TOKEN }))).toMatchObject({ kind: 'not_found', providerCode: 'zone_not_found' });
  });

  it('answers /adjustendpoints with the sets as it would store them', async () => {
    const response = await post('/adjustendpoints', [{ dnsName: `V6.${ZONE}.`, recordType: 'aaaa', targets: ['2001:0DB8::0010'], recordTTL: 0 }]);
    expect(await response.json()).toEqual([{ dnsName: `v6.${ZONE}`, recordType: 'AAAA', targets: ['2001:db8::10'], recordTTL: 300 }]);
    expect(await client.adjustEndpoints([set(`Alias.${ZONE}`, 'CNAME', 'Edge.Example.NET.')])).toEqual([set(`alias.${ZONE}`, 'CNAME', 'edge.example.net')]);
  });

  it('logs request lines only: the token is in no log line', () => {
    expect(server.log()).toContain('"POST /records HTTP/1.1" 204');
    expect(server.log()).not.toContain(TOKEN);
  });
});

describe.skipIf(!available)('the reference server without a token, and as a plain external-dns webhook', () => {
  it('serves anyone when it has no token, and Portico with an empty credential', async () => {
    const server = await startReferenceServer({ zones: [{ name: ZONE }] });
    const kernel = await createTestKernel([{ plugin: webhook, options: { url: server.url, timeoutMs: 5000 } }]);
    try {
      const result = await kernel.applyRecords('webhook', { zone: ZONE, credentials: {}, upsert: [set(`open.${ZONE}`, 'TXT', 'hello')], remove: [] });
      expect(result.changes).toMatchObject([{ action: 'create' }]);
      expect(await kernel.dns('webhook').verifyCredentials({})).toMatchObject({ zones: [ZONE] });
    } finally {
      await kernel.close();
      await server.stop();
    }
  });

  it('plain: no portico block, labels not kept, filters ignored (the client filters); ownership "comment" is refused up front', async () => {
    const server = await startReferenceServer({ zones: [{ name: ZONE, nameservers: ['ns1.dns.example.net'] }, { name: 'other.test' }], token: TOKEN, plain: true });
    const kernel = await createTestKernel([{ plugin: webhook, options: { url: server.url, timeoutMs: 5000, ownership: 'comment' } }]);
    try {
      const client = createWebhookDnsClient({ url: server.url, token: TOKEN });
      const negotiation = await client.negotiate();
      expect(negotiation).toEqual({ zones: [{ name: 'example.test', nameservers: [] }, { name: 'other.test', nameservers: [] }], portico: undefined, raw: { include: ['example.test', 'other.test'] } });
      await client.applyChanges({ create: [set(`a.${ZONE}`, 'A', '192.0.2.1'), set('b.other.test', 'A', '192.0.2.2')] }, { comment: 'dropped' });
      const everything = (await (await fetch(`${server.url}/records?zone=${ZONE}&name=a.${ZONE}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as unknown[];
      expect(everything).toHaveLength(2);
      expect(await client.getRecords({ zone: ZONE, names: [`a.${ZONE}`] })).toEqual([set(`a.${ZONE}`, 'A', '192.0.2.1')]);
      const refused = await kernel.dns('webhook').verifyCredentials({ token: TOKEN }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DnsProviderError);
      expect(refused).toMatchObject({ kind: 'unsupported', providerCode: 'comments_unsupported', message: expect.stringContaining('"ownership" to "txt"') });
    } finally {
      await kernel.close();
      await server.stop();
    }
  });
});
