// dns.webhook against a misbehaving server: a node:http server on 127.0.0.1 that answers what each test scripts
// (statuses, proxy pages, malformed bodies, silence), and records the requests Portico sends.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createKernel, DnsProviderError, ownerMarker, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestServices, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookDnsClient } from '../src/client.ts';
import webhook, { WEBHOOK_PERMISSIONS } from '../src/index.ts';
import { COMMENT_LABEL, MEDIA_TYPE, type WireEndpoint } from '../src/protocol.ts';

const ZONE = 'example.test';
const TOKEN = 'webhook-test-token-3f9a1c';
const MARKER = ownerMarker('portico');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
/** What to answer: a status, headers and body; `hang: 'answer'` never answers, `hang: 'body'` stops after the headers. */
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  hang?: 'answer' | 'body';
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, headers: { 'Content-Type': MEDIA_TYPE, ...headers }, body: JSON.stringify(body) });
const protocolError = (status: number, code: string, message = `${code} happened`, headers: Record<string, string> = {}) => json(status, { error: { code, message } }, headers);

describe('dns.webhook against a misbehaving server', () => {
  let server: Server;
  let url: string;
  let kernel: Kernel;
  let services: TestServices;
  const seen: Seen[] = [];
  let records: WireEndpoint[] = [];
  /** Answers for the next requests, in order; then the well-behaved default. */
  let script: Array<Reply | ((request: Seen) => Reply)> = [];

  const wellBehaved = (request: Seen): Reply => {
    if (request.url === '/') return json(200, { include: [ZONE], portico: { version: 1, comments: true, zones: [{ name: ZONE, nameservers: [] }] } }, { Vary: 'Content-Type' });
    if (request.url.startsWith('/records') && request.method === 'GET') return json(200, records);
    return { status: 204 };
  };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        seen.push(request);
        const next = script.shift() ?? wellBehaved;
        const reply = typeof next === 'function' ? next(request) : next;
        if (reply.hang === 'answer') return;
        res.writeHead(reply.status ?? 200, reply.headers ?? {});
        if (reply.hang === 'body') return void res.write('[');
        res.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: webhook, options: { url, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    await kernel?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    script = [];
    records = [];
  });

  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('webhook', { zone: ZONE, upsert: [], remove: [], credentials: { token: TOKEN }, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error as DnsProviderError);
  const read = (token = TOKEN) => kernel.dns('webhook').getRecords(ZONE, { token }, { names: [`a.${ZONE}`] });
  const fast = (timeoutMs = 300) => createWebhookDnsClient({ url, token: TOKEN, timeoutMs });

  it('sends the media type, the token as a bearer, the filters, and one body of create, updateOld/updateNew and delete', async () => {
    records = [
      { dnsName: `upd.${ZONE}`, recordType: 'A', targets: ['192.0.2.1'], recordTTL: 300, labels: { [COMMENT_LABEL]: MARKER } },
      { dnsName: `del.${ZONE}`, recordType: 'TXT', targets: ['bye'], recordTTL: 60, labels: { [COMMENT_LABEL]: MARKER } },
    ];
    const result = await apply({
      upsert: [
        { name: `new.${ZONE}`, type: 'CNAME', ttl: 300, values: ['edge.example.net'] },
        { name: `upd.${ZONE}`, type: 'A', ttl: 300, values: ['192.0.2.2'] },
      ],
      remove: [{ name: `del.${ZONE}`, type: 'TXT', ttl: 60, values: ['bye'] }],
    });
    expect(result.changes.map((change) => change.action)).toEqual(['create', 'update', 'delete']);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([`GET /records?zone=${ZONE}&name=new.${ZONE}&name=upd.${ZONE}&name=del.${ZONE}`, 'POST /records']);
    for (const request of seen) {
      expect(request.headers.accept).toBe(MEDIA_TYPE);
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(seen[1]!.headers['content-type']).toBe(MEDIA_TYPE);
    expect(JSON.parse(seen[1]!.body)).toEqual({
      create: [{ dnsName: `new.${ZONE}`, recordType: 'CNAME', targets: ['edge.example.net'], recordTTL: 300, labels: { [COMMENT_LABEL]: MARKER } }],
      updateOld: [{ dnsName: `upd.${ZONE}`, recordType: 'A', targets: ['192.0.2.1'], recordTTL: 300 }],
      updateNew: [{ dnsName: `upd.${ZONE}`, recordType: 'A', targets: ['192.0.2.2'], recordTTL: 300, labels: { [COMMENT_LABEL]: MARKER } }],
      delete: [{ dnsName: `del.${ZONE}`, recordType: 'TXT', targets: ['bye'], recordTTL: 60 }],
    });
  });

  it('without a token, sends no Authorization header', async () => {
    await kernel.dns('webhook').verifyCredentials({});
    expect(seen[0]!.headers).not.toHaveProperty('authorization');
  });

  it.each([
    [400, 'bad_request', 'validation'],
    [401, 'unauthorized', 'auth'],
    [403, 'forbidden', 'permission'],
    [404, 'zone_not_found', 'not_found'],
    [406, 'not_acceptable', 'unsupported'],
    [409, 'stale_update', 'conflict'],
    [415, 'unsupported_media_type', 'unsupported'],
    [422, 'invalid_record', 'validation'],
    [500, 'internal', 'transient'],
    [501, 'unsupported_record_type', 'unsupported'],
    [503, 'unavailable', 'transient'],
  ])('%i %s is %s, with the server\'s code and message', async (status, code, kind) => {
    script = [protocolError(status, code, 'what the server said')];
    const error = await failure(read());
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind, providerCode: code, message: `DNS webhook GET /records: ${status} ${code}: what the server said` });
  });

  it('429 is rate_limit with Retry-After, in seconds or as an HTTP date, for reads and writes', async () => {
    script = [protocolError(429, 'rate_limited', 'slow down', { 'Retry-After': '17' })];
    expect(await failure(apply({ upsert: [{ name: `a.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] }] }))).toMatchObject({ kind: 'rate_limit', providerCode: 'rate_limited', retryAfterSeconds: 17 });
    script = [wellBehaved, protocolError(429, 'rate_limited', 'slow down', { 'Retry-After': new Date(Date.now() + 90_000).toUTCString() })];
    const later = await failure(apply({ upsert: [{ name: `a.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] }] }));
    expect(later).toMatchObject({ kind: 'rate_limit', providerCode: 'rate_limited' });
    expect(later.retryAfterSeconds).toBeGreaterThan(0);
    expect(later.retryAfterSeconds).toBeLessThanOrEqual(90);
    script = [{ status: 429 }];
    expect(await failure(read())).toMatchObject({ kind: 'rate_limit', providerCode: 'http_429', retryAfterSeconds: undefined });
  });

  it('a proxy\'s HTML page and a malformed error body are classified by their status alone', async () => {
    script = [{ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }];
    const html = await failure(read());
    expect(html).toMatchObject({ kind: 'transient', providerCode: 'http_502', message: 'DNS webhook GET /records: 502' });
    script = [{ status: 500, headers: { 'Content-Type': MEDIA_TYPE }, body: '{"error": {"code": ' }];
    expect(await failure(read())).toMatchObject({ kind: 'transient', providerCode: 'http_500' });
    script = [{ status: 401, body: 'Unauthorized' }];
    expect(await failure(read())).toMatchObject({ kind: 'auth', providerCode: 'http_401' });
  });

  it('a 2xx answer that is not JSON, not the documented shape, or not JSON at all is transient (bad_response)', async () => {
    for (const reply of [
      { status: 200, headers: { 'Content-Type': MEDIA_TYPE }, body: '[{"dnsName": "a.example.test",' },
      json(200, { records: [] }),
      json(200, [{ dnsName: `a.${ZONE}`, recordType: 'A', targets: '192.0.2.1' }]),
      { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>[]</html>' },
    ]) {
      script = [reply];
      expect(await failure(read())).toMatchObject({ kind: 'transient', providerCode: 'bad_response' });
    }
    script = [json(200, { include: 'example.test' })];
    expect(await failure(kernel.dns('webhook').verifyCredentials({ token: TOKEN }))).toMatchObject({ kind: 'transient', providerCode: 'bad_response' });
  });

  it('an answer in another version of the media type is unsupported (version_mismatch)', async () => {
    script = [json(200, [], { 'Content-Type': 'application/external.dns.webhook+json;version=2' })];
    expect(await failure(read())).toMatchObject({ kind: 'unsupported', providerCode: 'version_mismatch' });
  });

  it('a server that never answers, or stops after the headers, is transient (timeout)', async () => {
    for (const hang of ['answer', 'body'] as const) {
      script = [{ status: 200, headers: { 'Content-Type': MEDIA_TYPE }, hang }];
      const error = await failure(fast().getRecords({ zone: ZONE }));
      expect(error).toMatchObject({ name: 'WebhookDnsError', kind: 'transient', providerCode: 'timeout', message: 'DNS webhook GET /records: no complete answer within 300 ms' });
    }
  });

  it('through the kernel too: a hung server fails the apply as transient, and nothing is written', async () => {
    const slow = await createKernelWith({ url, timeoutMs: 300 });
    try {
      script = [{ hang: 'answer' }];
      const error = await failure(slow.applyRecords('webhook', { zone: ZONE, credentials: { token: TOKEN }, upsert: [{ name: `a.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] }], remove: [] }));
      expect(error).toMatchObject({ kind: 'transient', providerCode: 'timeout' });
      expect(seen.filter((r) => r.method === 'POST')).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('a closed port is transient (unreachable)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(createWebhookDnsClient({ url: `http://127.0.0.1:${port}`, token: TOKEN, timeoutMs: 5000 }).negotiate());
    expect(error).toMatchObject({ kind: 'transient', providerCode: 'unreachable', message: `DNS webhook GET /: cannot reach 127.0.0.1:${port} (ECONNREFUSED)` });
  });

  it('a redirect is not followed: validation, the token sent nowhere else', async () => {
    script = [{ status: 302, headers: { Location: '/elsewhere' } }];
    expect(await failure(read())).toMatchObject({ kind: 'validation', providerCode: 'http_302' });
    expect(seen.map((r) => r.url)).toEqual([`/records?zone=${ZONE}&name=a.${ZONE}`]);
  });

  it('a caller\'s abort is an AbortError, not a classified failure', async () => {
    const controller = new AbortController();
    script = [
      () => {
        controller.abort();
        return { hang: 'answer' };
      },
    ];
    const error = await failure(createWebhookDnsClient({ url, token: TOKEN, timeoutMs: 5000 }).getRecords({ zone: ZONE }, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toHaveProperty('kind');
    expect(await failure(fast().negotiate({ signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the token in an error or a log line, even when the server echoes it', async () => {
    const echo = (status: number, code: string, headers: Record<string, string> = {}) => (request: Seen) =>
      protocolError(status, code, `you sent "${request.headers.authorization}" and ${TOKEN}`, headers);
    const errors: unknown[] = [];
    const upsert = [{ name: `a.${ZONE}`, type: 'A' as const, ttl: 60, values: ['192.0.2.1'] }];
    for (const reply of [echo(401, 'unauthorized'), echo(429, 'rate_limited', { 'Retry-After': '1' }), echo(500, 'internal'), echo(422, 'invalid_record')]) {
      script = [reply];
      errors.push(await failure(apply({ upsert })));
    }
    script = [wellBehaved, echo(409, 'stale_update')];
    errors.push(await failure(apply({ upsert })));
    script = [json(200, [{ dnsName: TOKEN, recordType: 'A', targets: 7 }])];
    errors.push(await failure(read()));
    expect(errors.map((e) => (e as DnsProviderError).kind)).toEqual(['auth', 'rate_limit', 'transient', 'validation', 'conflict', 'transient']);
    expect((errors[0] as Error).message).toContain('[redacted]');
    expect(services.logs.filter((line) => line.level === 'error').length).toBeGreaterThanOrEqual(errors.length - 1);
    const everything = inspect({ errors, logs: services.logs }, { depth: Infinity, showHidden: true });
    expect(everything).toContain('WebhookDnsError');
    expect(everything).not.toContain(TOKEN);
  });

  async function createKernelWith(options: Record<string, unknown>): Promise<Kernel> {
    const other = createKernel({ services: createTestServices() });
    await other.register({ plugin: webhook, options });
    return other;
  }
});

describe('plugin options', () => {
  it('refuses a URL with user:password (a token belongs in the credential) and one that is not http(s)', async () => {
    for (const url of ['http://user:secret@127.0.0.1:8888', 'ftp://127.0.0.1/']) {
      const kernel = createKernel({ services: createTestServices() });
      const error = await kernel.register({ plugin: webhook, options: { url } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
      expect(String((error as Error).message)).not.toContain('secret');
      await kernel.close();
    }
  });

  it('describes the provider: no nameserver hints, ownership from the option, the permission lines', async () => {
    const kernel = createKernel({ services: createTestServices() });
    await kernel.register({ plugin: webhook, options: { url: 'http://127.0.0.1:8888', ownership: 'txt', displayName: 'Acme DNS' } });
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.webhook',
        provider: 'webhook',
        displayName: 'Acme DNS',
        setup: 'api',
        nameservers: [],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
      }),
    ]);
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const permissions = kernel.descriptors.dnsProviders[0]!.permissions ?? [];
    expect(permissions).toEqual(WEBHOOK_PERMISSIONS);
    for (const line of permissions) expect(readme).toContain(`- ${line}`);
    await kernel.close();
  });
});
