/**
 * The rendered config driven through a real Caddy (Debian 2.6.2 here): internal issuer, a local echo upstream,
 * a local ask server, and SNI requests verified against Caddy's own local root.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Route } from '@portico/kernel';
import { freePort, requireCaddy, type Caddy } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaddyAdminError, createCaddyClient, pushCaddyConfig, type CaddyClient } from '../src/client.ts';
import { renderCaddyConfig, type CaddyRenderOptions } from '../src/render.ts';
import { httpGet, httpsGet, seen, startCaddyStack, type CaddyStack, type Listening } from './helpers.ts';

const ALLOWED = new Set(['a.test', 'b.test', 'c.test', 'shared.test']);
/** Ownership challenges (hostnames verified by a file) of a.test (HTTPS only), b.test (redirect) and c.test (both). */
const TOKENS = { a: 'aaaa0000aaaa0000aaaa0000aaaa0000', b: 'bbbb1111bbbb1111bbbb1111bbbb1111', c: 'cccc2222cccc2222cccc2222cccc2222' };
const challengePath = (token: string) => `/.well-known/portico-challenge/${token}`;

// Without caddy (apt-get install caddy) there is no edge to drive; CI=true makes requireCaddy() throw instead.
describe.skipIf(!requireCaddy())('edge.caddy against a real Caddy', { timeout: 60_000 }, () => {
  let caddy: Caddy;
  let echo: Listening;
  let ask: CaddyStack['ask'];
  let client: CaddyClient;
  let options: CaddyRenderOptions;
  let ca: string;
  let routes: Route[];

  beforeAll(async () => {
    ({ caddy, echo, ask, client, options } = await startCaddyStack(ALLOWED));
    const up = (path?: string) => ({ host: '127.0.0.1', port: echo.port, ...(path ? { path } : {}) });
    routes = [
      { hostname: 'a.test', basePath: '/', upstream: up(), stripPath: true, protocol: 'https', ownershipChallenge: { token: TOKENS.a } },
      { hostname: 'a.test', basePath: '/api', upstream: up('/svc'), stripPath: true, protocol: 'https' },
      { hostname: 'a.test', basePath: '/api/v2', upstream: up(), stripPath: false, protocol: 'https' },
      { hostname: 'b.test', basePath: '/', upstream: up(), stripPath: true, protocol: 'redirect-to-https', ownershipChallenge: { token: TOKENS.b } },
      { hostname: 'c.test', basePath: '/', upstream: up('/both'), stripPath: true, protocol: 'both', ownershipChallenge: { token: TOKENS.c } },
      { hostname: 'd.test', basePath: '/', upstream: up(), stripPath: true, protocol: 'http' },
      { hostname: 'shared.test', basePath: '/api', upstream: up('/svc'), stripPath: true, protocol: 'https' },
      // Routed, but the ask server refuses it a certificate.
      { hostname: 'denied.test', basePath: '/', upstream: up(), stripPath: true, protocol: 'https' },
    ];
    await pushCaddyConfig(client, renderCaddyConfig(routes, options));
    ca = readFileSync(join(caddy.storageRoot, 'pki/authorities/local/root.crt'), 'utf8');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([caddy?.stop(), echo?.close(), ask?.close()]);
  });

  const https = (host: string, path: string) => httpsGet(caddy.httpsPort, host, path, ca);
  const http = (host: string, path: string) => httpGet(caddy.httpPort, host, path);

  it.each([
    ['a.test', '/hello?x=1&x=2', '/hello?x=1&x=2'],
    ['a.test', '/apiary', '/apiary'],
    ['a.test', '/api', '/svc'],
    ['a.test', '/api/', '/svc/'],
    ['a.test', '/api/users?id=3', '/svc/users?id=3'],
    ['a.test', '/api/x%2Fy', '/svc/x%2Fy'],
    ['a.test', '/api/v2/items?q', '/api/v2/items?q'],
    ['shared.test', '/api/users', '/svc/users'],
    ['c.test', '/page', '/both/page'],
  ])('HTTPS %s%s reaches the upstream as %s', async (host, path, expected) => {
    const got = seen(await https(host, path));
    expect(got).toEqual({ host: `${host}:${caddy.httpsPort}`, url: expected });
  });

  it('asked Portico before issuing, and only for names it served', () => {
    expect(ask.asked).toEqual(expect.arrayContaining(['a.test', 'c.test']));
    expect(ask.asked.every((name) => name.endsWith('.test'))).toBe(true);
  });

  it('answers a path outside every base path of a host with 404', async () => {
    expect((await https('shared.test', '/other')).status).toBe(404);
  });

  it('redirects HTTP to HTTPS for redirect-to-https with 308, keeping path and query', async () => {
    const reply = await http('b.test', '/p/q%20r?x=1&y=2');
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`https://b.test:${caddy.httpsPort}/p/q%20r?x=1&y=2`);
    expect(seen(await https('b.test', '/p/q%20r?x=1&y=2')).url).toBe('/p/q%20r?x=1&y=2');
  });

  it('serves both and http-only routes over HTTP, and answers https-only ones with 404', async () => {
    expect(seen(await http('c.test', '/page?z=1')).url).toBe('/both/page?z=1');
    expect(seen(await http('d.test', '/x')).url).toBe('/x');
    expect((await http('a.test', '/hello')).status).toBe(404);
    expect((await http('unknown.test', '/')).status).toBe(404);
  });

  it('answers each host its own ownership challenge, before any redirect or HTTP 404, never from the upstream', async () => {
    for (const [host, token] of [['a.test', TOKENS.a], ['b.test', TOKENS.b], ['c.test', TOKENS.c]] as const) {
      const reply = await http(host, challengePath(token));
      expect(reply).toMatchObject({ status: 200, body: token });
      expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    }
    expect(await https('a.test', `${challengePath(TOKENS.a)}?x=1`)).toMatchObject({ status: 200, body: TOKENS.a });
    // Another host's token, another token, a longer path: routed as usual.
    expect((await http('a.test', challengePath(TOKENS.c))).status).toBe(404);
    expect((await http('b.test', challengePath(TOKENS.a))).status).toBe(308);
    expect(seen(await http('c.test', '/.well-known/portico-challenge/other')).url).toBe('/both/.well-known/portico-challenge/other');
    expect(seen(await http('c.test', `${challengePath(TOKENS.c)}/x`)).url).toBe(`/both${challengePath(TOKENS.c)}/x`);
    expect((await http('d.test', challengePath(TOKENS.a))).body).not.toBe(TOKENS.a);
  });

  it('fails the TLS handshake for a host the ask server denies', async () => {
    await expect(https('denied.test', '/')).rejects.toThrow(/alert|internal error|socket hang up|ECONNRESET/i);
    expect(ask.asked).toContain('denied.test');
    // An http-only host gets no certificate either: Portico's ask refuses it (here: not in ALLOWED).
    await expect(https('d.test', '/')).rejects.toThrow(/alert|internal error|socket hang up|ECONNRESET/i);
  });

  it('reads the running config with its ETag', async () => {
    const { config, etag } = await client.getConfig();
    expect(etag).toMatch(/^"\/config\/ [0-9a-f]+"$/);
    expect(config).toEqual(renderCaddyConfig(routes, options));
  });

  it('reloads with a changed route', async () => {
    const changed = routes.map((route) => (route.hostname === 'a.test' && route.basePath === '/api' ? { ...route, upstream: { ...route.upstream, path: '/v9' } } : route));
    await pushCaddyConfig(client, renderCaddyConfig(changed, options));
    expect(seen(await https('a.test', '/api/users')).url).toBe('/v9/users');
    routes = changed;
  });

  it('refuses a stale If-Match with a conflict and changes nothing', async () => {
    const { etag } = await client.getConfig();
    await client.load({ ...renderCaddyConfig(routes, options), logging: { logs: { default: { level: 'WARN' } } } });
    const error = await client.load(renderCaddyConfig([], options), { ifMatch: etag }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CaddyAdminError);
    expect(error).toMatchObject({ kind: 'conflict', status: 412 });
    expect(seen(await https('a.test', '/api/users')).url).toBe('/v9/users');
  });

  it.each([false, true])('refuses a bad config with 400 (If-Match: %s) and keeps serving the old one', async (withEtag) => {
    const bad = renderCaddyConfig(routes, options) as { apps: { http: { servers: { https: { routes: Array<{ handle: Array<{ handler: string }> }> } } } } };
    bad.apps.http.servers.https.routes[0]!.handle[0]!.handler = 'no_such_handler';
    const ifMatch = withEtag ? (await client.getConfig()).etag : undefined;
    const error = await client.load(bad, ifMatch === undefined ? {} : { ifMatch }).catch((err: unknown) => err);
    // Caddy 2.6.2 answers 400 on /load but 500 on POST /config/ (the If-Match path); both are `validation`.
    expect(error).toMatchObject({ kind: 'validation', status: withEtag ? 500 : 400 });
    expect((error as Error).message).toContain('unknown module: http.handlers.no_such_handler');
    expect(seen(await https('a.test', '/api/users')).url).toBe('/v9/users');
    expect(seen(await http('d.test', '/still')).url).toBe('/still');
  });

  it('reports an unreachable admin API as transient', async () => {
    // A port that was free a moment ago: nothing listens, the connection is refused.
    const closed = createCaddyClient({ adminUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 });
    await expect(closed.getConfig()).rejects.toMatchObject({ kind: 'transient' });
    await expect(closed.load({})).rejects.toMatchObject({ kind: 'transient' });
  });
});
