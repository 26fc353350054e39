// The request shapes and the error mapping, against a recording fetch. PowerDNS never answers 403 or 429 itself
// (a proxy in front of it may), so those are only reachable this way; test/client.test.ts runs the real server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPowerDnsClient, PowerDnsError } from './client.ts';

const API_KEY = 'sekrit-key-0123456789';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

function recording(respond: (sent: Sent) => Response = () => new Response(null, { status: 204 })) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const entry: Sent = {
      method: init.method ?? 'GET',
      url: String(input),
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(entry);
    return respond(entry);
  };
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

const client = (fetch: typeof globalThis.fetch, extra: { timeoutMs?: number; apiUrl?: string } = {}) =>
  createPowerDnsClient({ apiUrl: extra.apiUrl ?? 'http://pdns.internal:8081', apiKey: API_KEY, fetch, timeoutMs: extra.timeoutMs });

async function failure(promise: Promise<unknown>): Promise<PowerDnsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PowerDnsError);
  return error as PowerDnsError;
}

describe('requests', () => {
  it('sends one PATCH with absolute names, quoted and split TXT, absolute CNAME targets, comments and deletes', async () => {
    const { sent, fetch } = recording(() => new Response(null, { status: 204, headers: { 'X-PDNS-New-Serial': '2026010102' } }));
    const result = await client(fetch).apply('Example.com', {
      upsert: [
        { name: 'WWW.example.com', type: 'CNAME', ttl: 300, values: ['edge.portico.example'] },
        { name: '_portico-challenge.shop.example.com.', type: 'TXT', ttl: 60, values: ['t'.repeat(300), 'say "hi"'] },
        { name: 'example.com', type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] },
      ],
      remove: [{ name: 'old.example.com', type: 'AAAA' }],
      comment: 'managed-by: portico owner=o1',
    });
    expect(result).toEqual({ serial: 2026010102 });
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe('PATCH');
    expect(sent[0].url).toBe('http://pdns.internal:8081/api/v1/servers/localhost/zones/example.com.');
    expect(sent[0].headers['x-api-key']).toBe(API_KEY);
    expect(sent[0].headers['content-type']).toBe('application/json');
    const comments = [{ content: 'managed-by: portico owner=o1', account: '' }];
    expect(sent[0].body).toEqual({
      rrsets: [
        { name: 'www.example.com.', type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: 'edge.portico.example.', disabled: false }], comments },
        {
          name: '_portico-challenge.shop.example.com.',
          type: 'TXT',
          ttl: 60,
          changetype: 'REPLACE',
          records: [
            { content: `"${'t'.repeat(255)}" "${'t'.repeat(45)}"`, disabled: false },
            { content: '"say \\"hi\\""', disabled: false },
          ],
          comments,
        },
        {
          name: 'example.com.',
          type: 'A',
          ttl: 60,
          changetype: 'REPLACE',
          records: [
            { content: '192.0.2.1', disabled: false },
            { content: '192.0.2.2', disabled: false },
          ],
          comments,
        },
        { name: 'old.example.com.', type: 'AAAA', changetype: 'DELETE' },
      ],
    });
  });

  it('leaves comments alone without a comment, deletes a set upserted with no values, and skips an empty apply', async () => {
    const { sent, fetch } = recording();
    const pdns = client(fetch, { apiUrl: 'http://pdns.internal:8081/api/v1/' });
    await pdns.apply('example.com', { upsert: [{ name: 'a.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'] }, { name: 'b.example.com', type: 'TXT', ttl: 60, values: [] }] });
    expect(await pdns.apply('example.com', { upsert: [], remove: [] })).toEqual({ serial: undefined });
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe('http://pdns.internal:8081/api/v1/servers/localhost/zones/example.com.');
    expect(sent[0].body).toEqual({
      rrsets: [
        { name: 'a.example.com.', type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] },
        { name: 'b.example.com.', type: 'TXT', changetype: 'DELETE' },
      ],
    });
  });

  it('refuses, before any request, names outside the zone, a set named twice, a bad TTL and other types', async () => {
    const { sent, fetch } = recording();
    const pdns = client(fetch);
    const set = { name: 'a.example.com', type: 'A' as const, ttl: 60, values: ['192.0.2.1'] };
    expect((await failure(pdns.apply('example.com', { upsert: [{ ...set, name: 'a.example.org' }] }))).kind).toBe('validation');
    expect((await failure(pdns.apply('example.com', { upsert: [set], remove: [{ name: 'A.example.com.', type: 'A' }] }))).kind).toBe('validation');
    expect((await failure(pdns.apply('example.com', { upsert: [{ ...set, ttl: 1.5 }] }))).kind).toBe('validation');
    expect((await failure(pdns.apply('example.com', { remove: [{ name: 'a.example.com', type: 'MX' as 'A' }] }))).kind).toBe('unsupported');
    expect(sent).toHaveLength(0);
  });

  it('reads zones and record sets back into Portico form, only A/AAAA/CNAME/TXT and only enabled records', async () => {
    const zone = {
      name: 'example.com.',
      kind: 'Native',
      serial: 7,
      rrsets: [
        { name: 'example.com.', type: 'NS', ttl: 3600, records: [{ content: 'ns2.example.net.' }, { content: 'NS1.example.net.' }], comments: [] },
        { name: 'www.example.com.', type: 'CNAME', ttl: 60, records: [{ content: 'edge.example.net.', disabled: false }], comments: [{ content: 'managed-by: portico owner=o1', account: '', modified_at: 1 }] },
        { name: 'a.example.com.', type: 'TXT', ttl: 60, records: [{ content: '"x" "y"', disabled: false }, { content: '"off"', disabled: true }] },
        { name: 'b.example.com.', type: 'A', ttl: 60, records: [{ content: '192.0.2.9', disabled: true }] },
      ],
    };
    const { sent, fetch } = recording(() => Response.json(zone));
    const pdns = client(fetch);
    expect(await pdns.getZone('example.com')).toEqual({ name: 'example.com', kind: 'Native', serial: 7, nameservers: ['ns1.example.net', 'ns2.example.net'] });
    expect(sent[0].url).toBe('http://pdns.internal:8081/api/v1/servers/localhost/zones/example.com.?rrset_name=example.com.&rrset_type=NS');
    expect(await pdns.getRecords('example.com.')).toEqual([
      { name: 'a.example.com', type: 'TXT', ttl: 60, values: ['xy'], comments: [] },
      { name: 'www.example.com', type: 'CNAME', ttl: 60, values: ['edge.example.net'], comments: ['managed-by: portico owner=o1'] },
    ]);
    expect(await pdns.getRecords('example.com', { name: 'WWW.example.com', type: 'CNAME' })).toHaveLength(1);
    expect(sent[2].url).toBe('http://pdns.internal:8081/api/v1/servers/localhost/zones/example.com.?rrset_name=www.example.com.&rrset_type=CNAME');
    expect(await pdns.getRecords('example.com', { type: 'TXT' })).toEqual([expect.objectContaining({ name: 'a.example.com' })]);
  });

  it('runs applies to one zone one after the other', async () => {
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      const name = (JSON.parse(String(init.body)) as { rrsets: Array<{ name: string }> }).rrsets[0].name;
      order.push(`start ${name}`);
      await new Promise<void>((resolve) => releases.push(resolve));
      order.push(`end ${name}`);
      return new Response(null, { status: 204 });
    }) as typeof globalThis.fetch;
    const pdns = client(fetch);
    const first = pdns.apply('example.com', { remove: [{ name: 'one.example.com', type: 'A' }] });
    const second = pdns.apply('example.com', { remove: [{ name: 'two.example.com', type: 'A' }] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start one.example.com.']);
    releases.shift()?.();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    releases.shift()?.();
    await second;
    expect(order).toEqual(['start one.example.com.', 'end one.example.com.', 'start two.example.com.', 'end two.example.com.']);
  });
});

describe('errors', () => {
  const cases: Array<[number, string, string]> = [
    [400, '{"error": "Could not parse JSON"}', 'validation'],
    [401, 'Unauthorized', 'auth'],
    [403, 'Forbidden', 'permission'],
    [404, 'Not Found', 'not_found'],
    [409, '{"error": "Conflict"}', 'conflict'],
    [422, '{"error": "Record www.example.com./A \'x\': while parsing IP address"}', 'validation'],
    [422, '{"error": "RRset www.example.com. IN CNAME: Conflicts with pre-existing RRset"}', 'conflict'],
    [429, 'slow down', 'rate_limit'],
    [500, '{"error": "Backend error"}', 'transient'],
    [503, '<html>bad gateway</html>', 'transient'],
  ];

  it.each(cases)('maps %i (%s) to %s', async (status, body, kind) => {
    const { fetch } = recording(() => new Response(body, { status }));
    const error = await failure(client(fetch).getZone('example.com'));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.message).toContain(String(status));
  });

  it("keeps PowerDNS's error text in a validation error", async () => {
    const { fetch } = recording(() => Response.json({ error: "Record a.example.com./A 'not-an-ip': while parsing IP address" }, { status: 422 }));
    const error = await failure(client(fetch).apply('example.com', { upsert: [{ name: 'a.example.com', type: 'A', ttl: 60, values: ['not-an-ip'] }] }));
    expect(error.message).toContain("Record a.example.com./A 'not-an-ip': while parsing IP address");
  });

  it('reads Retry-After in seconds and as a date', async () => {
    const seconds = recording(() => new Response('', { status: 429, headers: { 'Retry-After': '17' } }));
    expect((await failure(client(seconds.fetch).listZones())).retryAfterSeconds).toBe(17);
    const date = recording(() => new Response('', { status: 429, headers: { 'Retry-After': new Date(Date.now() + 120_000).toUTCString() } }));
    const after = (await failure(client(date.fetch).listZones())).retryAfterSeconds;
    expect(after).toBeGreaterThan(60);
    expect(after).toBeLessThanOrEqual(120);
    const none = recording(() => new Response('', { status: 429 }));
    expect((await failure(client(none.fetch).listZones())).retryAfterSeconds).toBeUndefined();
  });

  it('maps a failed connection to transient', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as typeof globalThis.fetch;
    const error = await failure(client(fetch).verifyCredentials());
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('never puts the API key in a message, even when a proxy echoes it', async () => {
    const { fetch } = recording((sent) => new Response(`bad key ${sent.headers['x-api-key']}`, { status: 401 }));
    const error = await failure(client(fetch).verifyCredentials());
    expect(error.kind).toBe('auth');
    expect(inspect(error)).not.toContain(API_KEY);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(API_KEY);
  });

  it('refuses an empty key and a URL that is not http(s), without echoing the URL', () => {
    expect(() => createPowerDnsClient({ apiUrl: 'http://x:1', apiKey: '' })).toThrow(expect.objectContaining({ kind: 'auth' }));
    expect(() => createPowerDnsClient({ apiUrl: 'ftp://user:pw@x', apiKey: 'k' })).toThrow(expect.objectContaining({ kind: 'validation' }));
    expect(() => createPowerDnsClient({ apiUrl: 'not a url pw', apiKey: 'k' })).toThrow(expect.not.objectContaining({ message: expect.stringContaining('pw') }));
  });
});

describe('timeouts', () => {
  let server: Server;
  let apiUrl: string;

  beforeAll(async () => {
    // Accepts the request and never answers.
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up after timeoutMs with a transient error', async () => {
    const pdns = createPowerDnsClient({ apiUrl, apiKey: API_KEY, timeoutMs: 200 });
    const error = await failure(pdns.listZones());
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('200 ms');
  });
});
