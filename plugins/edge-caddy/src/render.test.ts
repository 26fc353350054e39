import type { Route } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { renderCaddyConfig, type CaddyRenderOptions } from './render.ts';

const options: CaddyRenderOptions = {
  adminListen: '127.0.0.1:2019',
  httpPort: 80,
  httpsPort: 443,
  listenAddresses: ['127.0.0.1'],
  askUrl: 'http://127.0.0.1:4000/edge/ask',
  issuers: [{ module: 'internal' }],
  redirectStatus: 308,
};
const up = { host: '10.0.0.1', port: 3000 };
const route = (hostname: string, basePath = '/', extra: Partial<Route> = {}): Route => ({ hostname, basePath, upstream: up, stripPath: true, protocol: 'https', ...extra });

type CaddyRoute = { match?: Array<{ host: string[]; path?: string[] }>; handle: Array<Record<string, unknown>> };
const serverRoutes = (config: Record<string, unknown>, server: 'http' | 'https') =>
  (config as { apps: { http: { servers: Record<string, { routes: CaddyRoute[] }> } } }).apps.http.servers[server]!.routes;
const summary = (routes: CaddyRoute[]) => routes.map((r) => `${r.match?.[0]?.host.join(',') ?? '*'} ${r.match?.[0]?.path?.[0] ?? '/'} ${r.handle.map((h) => h.handler).join('+')}`);

describe('renderCaddyConfig', () => {
  it('puts every host with the same base path and action into one route, hosts sorted', () => {
    const hosts = Array.from({ length: 1000 }, (_, i) => `d${String(i).padStart(4, '0')}.example.test`).reverse();
    const routes = serverRoutes(renderCaddyConfig(hosts.map((h) => route(h)), options), 'https');
    expect(routes).toHaveLength(2);
    expect(routes[0]!.match![0]!.host).toEqual([...hosts].sort());
    expect(routes[1]).toEqual({ handle: [{ handler: 'static_response', status_code: 404 }], terminal: true });
  });

  it('orders longer base paths first, so the longest matching prefix wins', () => {
    const config = renderCaddyConfig([route('a.test'), route('a.test', '/api'), route('a.test', '/api/v2'), route('b.test', '/z')], options);
    expect(summary(serverRoutes(config, 'https'))).toEqual([
      'a.test /api/v2 rewrite+reverse_proxy',
      'a.test /api rewrite+reverse_proxy',
      'b.test /z rewrite+reverse_proxy',
      'a.test / reverse_proxy',
      '* / static_response',
    ]);
  });

  it('matches a base path on a segment boundary only', () => {
    const [first] = serverRoutes(renderCaddyConfig([route('a.test', '/api/')], options), 'https');
    expect(first!.match).toEqual([{ host: ['a.test'], path: ['/api', '/api/*'] }]);
  });

  it.each([
    ['strip on, no internal path', true, undefined, [{ handler: 'rewrite', strip_path_prefix: '/api' }]],
    ['strip on, internal path', true, '/svc/', [{ handler: 'rewrite', strip_path_prefix: '/api' }, { handler: 'rewrite', path_regexp: [{ find: '^', replace: '/svc' }] }]],
    ['strip off, internal path', false, '/svc', [{ handler: 'rewrite', path_regexp: [{ find: '^', replace: '/svc' }] }]],
    ['strip off, internal path /', false, '/', []],
    ['a $ in the internal path is literal for Go', false, '/a$1', [{ handler: 'rewrite', path_regexp: [{ find: '^', replace: '/a$$1' }] }]],
  ])('rewrites for %s', (_, stripPath, path, rewrites) => {
    const [first] = serverRoutes(renderCaddyConfig([route('a.test', '/api', { stripPath, upstream: { ...up, ...(path ? { path } : {}) } })], options), 'https');
    expect(first!.handle).toEqual([...rewrites, { handler: 'reverse_proxy', upstreams: [{ dial: '10.0.0.1:3000' }] }]);
  });

  it('never strips the root base path', () => {
    const [first] = serverRoutes(renderCaddyConfig([route('a.test', '/', { stripPath: true })], options), 'https');
    expect(first!.handle.map((h) => h.handler)).toEqual(['reverse_proxy']);
  });

  it.each([
    ['https', ['a.test / reverse_proxy', '* / static_response'], ['* / static_response']],
    ['http', ['* / static_response'], ['a.test / reverse_proxy', '* / static_response']],
    ['both', ['a.test / reverse_proxy', '* / static_response'], ['a.test / reverse_proxy', '* / static_response']],
    ['redirect-to-https', ['a.test / reverse_proxy', '* / static_response'], ['a.test / static_response', '* / static_response']],
  ] as const)('protocol %s: HTTPS server %j, HTTP server %j', (protocol, https, http) => {
    const config = renderCaddyConfig([route('a.test', '/', { protocol })], options);
    expect(summary(serverRoutes(config, 'https'))).toEqual(https);
    expect(summary(serverRoutes(config, 'http'))).toEqual(http);
  });

  it('blocks a deeper base path a scheme must not serve, so the shorter one cannot catch it', () => {
    const config = renderCaddyConfig([route('a.test', '/', { protocol: 'both' }), route('a.test', '/admin', { protocol: 'https' })], options);
    expect(serverRoutes(config, 'http')[0]).toEqual({ '@id': expect.stringMatching(/^portico-http-[0-9a-f]{20}$/), match: [{ host: ['a.test'], path: ['/admin', '/admin/*'] }], handle: [{ handler: 'static_response', status_code: 404 }], terminal: true });
  });

  it('gives every route it renders an @id unique in the config, the same for the same group in every render', () => {
    const ids = (config: Record<string, unknown>) => (['https', 'http'] as const).flatMap((server) => serverRoutes(config, server).map((r) => (r as { '@id'?: string })['@id']));
    const table = [route('a.test', '/', { protocol: 'both' }), route('b.test', '/api'), route('c.test', '/', { protocol: 'redirect-to-https', ownershipChallenge: { token: 't1' } })];
    const all = ids(renderCaddyConfig(table, options)).filter((id) => id !== undefined);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('portico-https-challenges');
    expect(all).toContain('portico-http-challenges');
    // a.test's group keeps its id when another host joins it; only the catch-alls have none.
    const before = ids(renderCaddyConfig([table[0]!], options));
    const after = ids(renderCaddyConfig([...table, route('d.test', '/', { protocol: 'both' })], options));
    expect(after).toEqual(expect.arrayContaining(before.filter((id) => id !== undefined)));
    expect(after.filter((id) => id === undefined)).toHaveLength(2);
  });

  it('redirects with the configured status, keeping host, path and query, adding a non-443 port', () => {
    const redirect = (httpsPort: number) =>
      serverRoutes(renderCaddyConfig([route('a.test', '/', { protocol: 'redirect-to-https' })], { ...options, httpsPort, redirectStatus: 301 }), 'http')[0]!.handle[0];
    expect(redirect(443)).toEqual({ handler: 'static_response', status_code: 301, headers: { Location: ['https://{http.request.host}{http.request.uri}'] }, close: true });
    expect(redirect(8443)).toMatchObject({ headers: { Location: ['https://{http.request.host}:8443{http.request.uri}'] } });
  });

  it("answers a route's own redirect status, grouping hosts by status", () => {
    const table = [route('a.test', '/', { protocol: 'redirect-to-https', redirectStatus: 301 }), route('b.test', '/', { protocol: 'redirect-to-https' }), route('c.test', '/', { protocol: 'redirect-to-https', redirectStatus: 308 })];
    const statuses = serverRoutes(renderCaddyConfig(table, { ...options, redirectStatus: 301 }), 'http')
      .filter((r) => r.handle[0]?.handler === 'static_response' && r.match)
      .map((r) => [r.match![0]!.host.join(','), r.handle[0]!.status_code]);
    expect(statuses.sort()).toEqual([['a.test,b.test', 301], ['c.test', 308]]);
  });

  it('keeps one of two routes for the same host and base path, by the kernel\'s tie-break, and lower-cases hosts', () => {
    const zeta = route('A.Test.', '/x', { upstream: { host: 'zeta.internal', port: 1 } });
    const alpha = route('a.test', '/x', { upstream: { host: 'alpha.internal', port: 1 } });
    for (const table of [[zeta, alpha], [alpha, zeta]]) {
      const config = renderCaddyConfig(table, options);
      expect(summary(serverRoutes(config, 'https'))).toEqual(['a.test /x rewrite+reverse_proxy', '* / static_response']);
      expect(JSON.stringify(config)).toContain('alpha.internal:1');
      expect(JSON.stringify(config)).not.toContain('zeta.internal');
    }
  });

  it('gates on-demand TLS with ask only (Caddy 2.6 rejects permission; 2.9 rejects rate_limit)', () => {
    const config = renderCaddyConfig([route('a.test')], options);
    const text = JSON.stringify(config);
    expect(text).not.toMatch(/"permission"|"rate_limit"|"interval"|"burst"/);
    expect(config).toMatchObject({ apps: { tls: { automation: { on_demand: { ask: options.askUrl }, policies: [{ on_demand: true }] } } } });
  });

  it('binds only the given addresses, IPv6 in brackets, and keeps the admin API unpersisted', () => {
    const config = renderCaddyConfig([], { ...options, listenAddresses: ['::1', '127.0.0.1'] });
    expect(config).toMatchObject({
      admin: { listen: '127.0.0.1:2019', config: { persist: false } },
      apps: { http: { servers: { https: { listen: ['127.0.0.1:443', '[::1]:443'] }, http: { listen: ['127.0.0.1:80', '[::1]:80'] } } } },
    });
  });

  it('sends ACME challenges to non-standard ports and passes CA settings', () => {
    const config = renderCaddyConfig([], { ...options, httpPort: 8080, httpsPort: 8443, issuers: [{ module: 'acme', ca: 'https://ca/dir', trustedRootsPemFiles: ['/ca.pem'] }] });
    expect(config).toMatchObject({
      apps: { tls: { automation: { policies: [{ issuers: [{ module: 'acme', ca: 'https://ca/dir', trusted_roots_pem_files: ['/ca.pem'], challenges: { http: { alternate_port: 8080 }, 'tls-alpn': { alternate_port: 8443 } } }] }] } } },
    });
    const standard = renderCaddyConfig([], { ...options, issuers: [{ module: 'acme' }] });
    expect(standard).toMatchObject({ apps: { tls: { automation: { policies: [{ issuers: [{ module: 'acme' }] }] } } } });
    expect(JSON.stringify(standard)).not.toContain('challenges');
  });
});
