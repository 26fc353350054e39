/**
 * The admin client against a stand-in written from what Caddy 2.6.2 was seen to do (test/live.test.ts drives
 * the real one): the ETag as a trailer, `If-Match` honoured on POST /config/ only, `{"error": "..."}` bodies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caddyEtag, CaddyAdminError, createCaddyClient, pushCaddyConfig } from './client.ts';

interface Seen {
  method: string;
  url: string;
  ifMatch?: string;
  body: string;
}

let reply: (req: IncomingMessage, res: ServerResponse) => void = (_, res) => res.end();
const seen: Seen[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body, ...(req.headers['if-match'] ? { ifMatch: String(req.headers['if-match']) } : {}) });
    reply(req, res);
  });
});
let adminUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  adminUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

const fail = (status: number, error: string) => (_: IncomingMessage, res: ServerResponse) => {
  res.statusCode = status;
  res.end(JSON.stringify({ error }));
};

describe('createCaddyClient', () => {
  it('opens a fresh connection per call: Caddy closes its old admin server\'s connections after every load', async () => {
    const sockets = new Set<unknown>();
    reply = (req, res) => (sockets.add(req.socket), res.end('{}'));
    const client = createCaddyClient({ adminUrl, timeoutMs: 2000 });
    await client.load({});
    await client.getConfig();
    await client.getConfig();
    expect(sockets.size).toBe(3);
  });

  it('reads the config and the ETag Caddy 2.6 sends as a trailer', async () => {
    reply = (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', trailer: 'ETag' });
      res.write('{"admin":{}}');
      res.addTrailers({ ETag: '"/config/ 97c8dd25"' });
      res.end();
    };
    expect(await createCaddyClient({ adminUrl }).getConfig()).toEqual({ config: { admin: {} }, etag: '"/config/ 97c8dd25"' });
  });

  it('reads an ETag sent as a header, and an empty config as null', async () => {
    reply = (_, res) => (res.setHeader('etag', '"/config/ 1"'), res.end('null\n'));
    expect(await createCaddyClient({ adminUrl: `${adminUrl}/` }).getConfig()).toEqual({ config: null, etag: '"/config/ 1"' });
  });

  it('loads through POST /load, or POST /config/ with If-Match', async () => {
    reply = (_, res) => res.end();
    seen.length = 0;
    const client = createCaddyClient({ adminUrl });
    await client.load({ a: 1 });
    await client.load({ b: 2 }, { ifMatch: '"/config/ 2"' });
    expect(seen).toEqual([
      { method: 'POST', url: '/load', body: '{"a":1}' },
      { method: 'POST', url: '/config/', body: '{"b":2}', ifMatch: '"/config/ 2"' },
    ]);
  });

  it('changes one part by path or @id, with If-Match when given, and maps a refusal like a load', async () => {
    reply = (_, res) => res.end();
    seen.length = 0;
    const client = createCaddyClient({ adminUrl });
    await client.change('PATCH', '/id/portico-https-1/match/0/host', ['a.test'], '"/config/apps/http/servers/https/routes/0 1"');
    await client.change('PUT', '/config/apps/http/servers/https/routes/1', { terminal: true });
    await client.change('DELETE', '/id/portico-https-2', undefined);
    expect(seen).toEqual([
      { method: 'PATCH', url: '/id/portico-https-1/match/0/host', body: '["a.test"]', ifMatch: '"/config/apps/http/servers/https/routes/0 1"' },
      { method: 'PUT', url: '/config/apps/http/servers/https/routes/1', body: '{"terminal":true}' },
      { method: 'DELETE', url: '/id/portico-https-2', body: '' },
    ]);
    reply = fail(412, 'If-Match header did not match current config hash');
    await expect(client.change('DELETE', '/id/x', undefined, '"/config/ 1"')).rejects.toMatchObject({ kind: 'conflict', status: 412 });
  });

  it('computes the ETag Caddy 2.6.2 gives a part of its config (values read from a real Caddy)', () => {
    expect(caddyEtag('/config/admin', { listen: '127.0.0.1:37173', config: { persist: false } })).toBe('"/config/admin a37f37dd"');
    // Keys sorted, and Go's escapes of <, >, & and U+2028.
    const route = { match: [{ host: ['a.test', 'é.test'] }], '@id': 'r<&>', handle: [{ handler: 'static_response', status_code: 404, body: 'a<b>&\u2028' }], terminal: true };
    expect(caddyEtag('/config/apps/http/servers/s/routes/0', route)).toBe('"/config/apps/http/servers/s/routes/0 08f95caa"');
  });

  it('pushes with the ETag it just read', async () => {
    reply = (req, res) => (req.method === 'GET' ? (res.setHeader('etag', '"/config/ 3"'), res.end('{}')) : res.end());
    seen.length = 0;
    await pushCaddyConfig(createCaddyClient({ adminUrl }), { c: 3 });
    expect(seen.map((s) => `${s.method} ${s.url} ${s.ifMatch ?? ''}`)).toEqual(['GET /config/ ', 'POST /config/ "/config/ 3"']);
  });

  it.each([
    [412, 'If-Match header did not match current config hash', 'conflict'],
    [400, 'loading config: unknown module', 'validation'],
    [500, 'loading new config: loading http app module: unknown module', 'validation'],
    [500, 'something broke', 'transient'],
    [503, 'busy', 'transient'],
    [403, 'client is not allowed to access from origin', 'permission'],
    [404, 'unknown path', 'not_found'],
  ])('maps %i %j to %s, with Caddy\'s message', async (status, error, kind) => {
    reply = fail(status, error);
    const err = await createCaddyClient({ adminUrl }).load({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaddyAdminError);
    expect(err).toMatchObject({ kind, status });
    expect((err as Error).message).toContain(error);
  });

  it('reports a timeout as transient', async () => {
    reply = () => undefined;
    await expect(createCaddyClient({ adminUrl, timeoutMs: 200 }).getConfig()).rejects.toMatchObject({ kind: 'transient' });
  });
});
