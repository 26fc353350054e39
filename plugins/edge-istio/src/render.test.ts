import { REDIRECT_STATUS, type Route } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { backendRefOf, dnsLabel, renderIstio, secretNameOf, tenantLabel, type IstioRenderOptions, type KubeObject } from './render.ts';
import { toYamlStream } from './yaml.ts';

const options: IstioRenderOptions = {
  api: 'istio',
  gatewayNamespace: 'istio-system',
  routeNamespace: 'portico',
  gatewaySelector: { istio: 'ingressgateway' },
  gatewayClassName: 'istio',
  issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
};
const solver = { acmeSolver: { host: 'portico.portico.svc.cluster.local', port: 4000 } };
const web = { host: 'web.shop.svc.cluster.local', port: 3000 };
const api = { host: 'api.shop.svc.cluster.local', port: 9000 };
const route = (hostname: string, more: Partial<Route> = {}): Route => ({ hostname, basePath: '/', upstream: web, stripPath: true, protocol: 'https', ...more });
const routes: Route[] = [route('app.example.test', { protocol: 'both' }), route('app.example.test', { basePath: '/api', upstream: api })];

const objectsOf = (table: Route[], more: Partial<IstioRenderOptions> = {}) => renderIstio(table, { ...options, ...more }).flatMap((t) => t.objects);
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
type HttpRule = { name: string; match: { port?: number; uri: Record<string, string> }[]; rewrite?: { uri: string }; directResponse?: { status: number }; redirect?: { redirectCode: number } };
const httpOf = (objects: KubeObject[], name: string) => find(objects, 'VirtualService', name)?.spec.http as HttpRule[];
const serversOf = (objects: KubeObject[], name: string) => find(objects, 'Gateway', name)?.spec.servers as { port: { name: string; number: number }; tls?: { credentialName: string } }[];

describe('renderIstio (istio)', () => {
  it('renders a Certificate, Gateway and VirtualService per host, longest base path first', () => {
    const [tenant] = renderIstio(routes, options);
    expect(tenant?.tenant).toBe('_default');
    expect(tenant?.objects.map((o) => o.kind)).toEqual(['Certificate', 'Gateway', 'VirtualService']);
    const http = httpOf(tenant!.objects, 'app-example-test');
    expect(http.map((h) => h.name)).toEqual(['r0-https', 'r0-http', 'r1-any']);
    expect(http[0]).toMatchObject({ match: [{ port: 443, uri: { exact: '/api' } }, { port: 443, uri: { prefix: '/api/' } }], rewrite: { uri: '/' } });
    // Over HTTP /api would fall to the `/` route, which serves HTTP: an explicit 404.
    expect(http[1]).toMatchObject({ directResponse: { status: 404 }, match: [{ port: 80, uri: { exact: '/api' } }, { port: 80, uri: { prefix: '/api/' } }] });
  });

  it('never rewrites a prefix without a trailing slash (prefix: /x + rewrite / sends //y), and keeps the internal path of an exact match', () => {
    const table = [
      route('a.test', { basePath: '/x', upstream: { ...api, path: '/svc/' }, protocol: 'both' }),
      route('a.test', { basePath: '/y', upstream: { ...api, path: '/svc' }, protocol: 'both' }),
      route('a.test', { basePath: '/z', upstream: { ...api, path: '/svc' }, stripPath: false, protocol: 'both' }),
    ];
    const http = httpOf(objectsOf(table), 'a-test');
    for (const rule of http) for (const m of rule.match) if (rule.rewrite && m.uri.prefix) expect(m.uri.prefix.endsWith('/')).toBe(true);
    const rewrites = Object.fromEntries(http.map((h) => [h.name, h.rewrite?.uri]));
    expect(rewrites).toEqual({
      'r0-any': '/svc/', // /x → /svc/ (the internal path as given, trailing slash kept) and /x/a → /svc/a: one rule
      'r1-any-exact': '/svc', // /y → /svc
      'r1-any-prefix': '/svc/', // /y/a → /svc/a
      'r2-any-exact': '/svc/z', // strip off: /z → /svc/z
      'r2-any-prefix': '/svc/z/', // /z/a → /svc/z/a
    });
  });

  it('http only: no Certificate and no HTTPS server; https only: no HTTP server unless the solver needs it', () => {
    const plain = objectsOf([route('plain.test', { protocol: 'http' })]);
    expect(plain.map((o) => o.kind)).toEqual(['Gateway', 'VirtualService']);
    expect(serversOf(plain, 'plain-test').map((s) => s.port.number)).toEqual([80]);
    const secure = objectsOf([route('secure.test')]);
    expect(serversOf(secure, 'secure-test').map((s) => s.port.number)).toEqual([443]);
    expect(httpOf(secure, 'secure-test').map((h) => h.name)).toEqual(['r0-https']);
    const withSolver = objectsOf([route('secure.test')], solver);
    expect(serversOf(withSolver, 'secure-test').map((s) => s.port.number)).toEqual([443, 80]);
    expect(httpOf(withSolver, 'secure-test').map((h) => h.name)).toEqual(['acme-challenge', 'r0-https']);
  });

  it(`redirects HTTP with ${REDIRECT_STATUS} (or the route's redirectStatus) in the VirtualService, never with the Gateway's httpsRedirect`, () => {
    const objects = objectsOf([route('r.test', { protocol: 'redirect-to-https' })]);
    expect(httpOf(objects, 'r-test')[1]).toMatchObject({ match: [{ port: 80 }], redirect: { redirectCode: REDIRECT_STATUS, scheme: 'https' } });
    expect(JSON.stringify(objects)).not.toContain('httpsRedirect');
    const moved = objectsOf([route('m.test', { protocol: 'redirect-to-https', redirectStatus: 301 })]);
    expect(httpOf(moved, 'm-test')[1]?.redirect).toEqual({ redirectCode: 301, scheme: 'https' });
    const rule = (objectsOf([route('m.test', { protocol: 'redirect-to-https', redirectStatus: 301 })], { api: 'gateway-api' }).find((o) => o.metadata.name === 'm-test-http')?.spec.rules as unknown[])[0];
    expect(rule).toMatchObject({ filters: [{ requestRedirect: { scheme: 'https', statusCode: 301 }, type: 'RequestRedirect' }] });
  });

  it('binds Gateway hosts to the route namespace, and names ports uniquely across every Gateway of the selector', () => {
    const objects = objectsOf([route('a.test', { protocol: 'both' }), route('a-test.test', { protocol: 'both' }), route('*.a.test', { protocol: 'both' })]);
    const gateways = objects.filter((o) => o.kind === 'Gateway');
    const names = gateways.flatMap((g) => (g.spec.servers as { port: { name: string } }[]).map((s) => s.port.name));
    expect(new Set(names).size).toBe(names.length);
    for (const g of gateways) for (const s of g.spec.servers as { hosts: string[] }[]) expect(s.hosts[0]).toMatch(/^portico\//);
  });

  it('gives a host below a wildcard every scheme the wildcard listens on, so its requests never reach the wildcard routes', () => {
    const objects = objectsOf([route('*.saas.test', { protocol: 'both' }), route('plain.saas.test', { protocol: 'http' })]);
    expect(objects.filter((o) => o.kind === 'Certificate').map((o) => o.spec.dnsNames)).toEqual([['*.saas.test']]);
    const servers = serversOf(objects, 'plain-saas-test');
    expect(servers.map((s) => s.port.number)).toEqual([443, 80]);
    // No certificate of its own: the wildcard's, which covers it; its VirtualService has no HTTPS rule (404).
    expect(servers[0]?.tls?.credentialName).toBe(secretNameOf('*.saas.test'));
    expect(httpOf(objects, 'plain-saas-test').map((h) => h.name)).toEqual(['r0-http']);
  });

  it('labels every object as Portico’s, with valid label values, also for long and default tenants', () => {
    const long = `${'o'.repeat(40)}.${'p'.repeat(40)}`;
    const manifests = renderIstio([route('a.test', { tenant: { organization: 'o'.repeat(40), project: 'p'.repeat(40) } }), route('b.test')], {
      ...options,
      tenantOf: (r) => (r.tenant ? `${r.tenant.organization}.${r.tenant.project}` : '_default'),
    });
    for (const object of manifests.flatMap((t) => t.objects)) {
      expect(object.metadata.labels['app.kubernetes.io/managed-by']).toBe('portico');
      for (const value of Object.values(object.metadata.labels)) expect(value).toMatch(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
      for (const value of Object.values(object.metadata.labels)) expect(value.length).toBeLessThanOrEqual(63);
    }
    expect(tenantLabel('acme.storefront')).toBe('acme.storefront');
    expect(tenantLabel(long)).toMatch(/^o+\.p+_[0-9a-f]{10}$/);
    expect(tenantLabel('_default')).toMatch(/^default_[0-9a-f]{10}$/);
    // The fallback form has `_`, which tenant slugs never have: it cannot equal another tenant's label.
    expect(tenantLabel('_default')).not.toBe(tenantLabel('default'));
  });

  it('gives byte-identical YAML whatever the route order', () => {
    const a = toYamlStream(renderIstio(routes, options)[0]!.objects);
    expect(toYamlStream(renderIstio([...routes].reverse(), options)[0]!.objects)).toBe(a);
  });

  it('refuses a malformed route', () => {
    expect(() => renderIstio([route('a.test', { basePath: '/a b' })], options)).toThrow(TypeError);
    expect(() => renderIstio([route('not a host')], options)).toThrow(TypeError);
  });
});

describe('renderIstio (gateway-api)', () => {
  it('renders HTTPRoutes with URLRewrite ReplacePrefixMatch on PathPrefix matches', () => {
    const [tenant] = renderIstio(routes, { ...options, api: 'gateway-api' });
    expect(tenant?.objects.map((o) => o.kind)).toEqual(['Certificate', 'Gateway', 'HTTPRoute', 'HTTPRoute']);
    const rules = tenant?.objects[2]?.spec.rules as { matches: { path: { type: string; value: string } }[]; filters?: unknown[] }[];
    expect(rules[0]).toMatchObject({ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], filters: [{ type: 'URLRewrite', urlRewrite: { path: { replacePrefixMatch: '/', type: 'ReplacePrefixMatch' } } }] });
  });

  it('splits a host with more than 16 rules per listener over several HTTPRoutes, names within 63 characters', () => {
    const many = Array.from({ length: 40 }, (_, i) => route(`${'x'.repeat(50)}.test`, { basePath: `/p${i}` }));
    const objects = objectsOf(many, { api: 'gateway-api' });
    const httpRoutes = objects.filter((o) => o.kind === 'HTTPRoute');
    expect(httpRoutes.map((r) => (r.spec.rules as unknown[]).length)).toEqual([16, 16, 8]);
    expect(new Set(httpRoutes.map((r) => r.metadata.name)).size).toBe(3);
    for (const o of objects) expect(o.metadata.name.length).toBeLessThanOrEqual(63);
    const gateway = objects.find((o) => o.kind === 'Gateway')!;
    // Istio names the gateway's Deployment and Service `<name>-istio`.
    expect(`${gateway.metadata.name}-istio`.length).toBeLessThanOrEqual(63);
    for (const r of httpRoutes) expect((r.spec.parentRefs as { name: string }[])[0]?.name).toBe(gateway.metadata.name);
  });

  it('lets only HTTPRoutes of the route namespace attach', () => {
    const gateway = objectsOf(routes, { api: 'gateway-api' }).find((o) => o.kind === 'Gateway')!;
    expect((gateway.spec.listeners as { allowedRoutes: unknown }[])[0]?.allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'portico' } } } });
    const same = objectsOf(routes, { api: 'gateway-api', routeNamespace: 'istio-system' }).find((o) => o.kind === 'Gateway')!;
    expect((same.spec.listeners as { allowedRoutes: unknown }[])[0]?.allowedRoutes).toEqual({ namespaces: { from: 'Same' } });
  });
});

describe('names', () => {
  it('derives distinct DNS-1123 names from hostnames', () => {
    expect(dnsLabel('a-b.example')).not.toBe(dnsLabel('a.b-example'));
    expect(dnsLabel('*.example.test')).toMatch(/^wildcard-example-test-[0-9a-f]{8}$/);
    expect(dnsLabel(`${'x'.repeat(70)}.test`)).toHaveLength(63);
    expect(secretNameOf(`${'x'.repeat(70)}.test`).length).toBeLessThanOrEqual(63);
  });

  it('refers to in-cluster Services by name and namespace, and to any other host by Istio’s Hostname kind', () => {
    expect(backendRefOf('web.shop.svc.cluster.local', 80)).toEqual({ name: 'web', namespace: 'shop', port: 80 });
    expect(backendRefOf('web.shop.svc', 80)).toEqual({ name: 'web', namespace: 'shop', port: 80 });
    expect(backendRefOf('10.0.0.7', 8080)).toEqual({ group: 'networking.istio.io', kind: 'Hostname', name: '10.0.0.7', port: 8080 });
  });
});

describe('ownership challenges', () => {
  const TOKEN = '0123456789abcdef0123456789abcdef';
  const table = [route('files.example.test', { ownershipChallenge: { token: TOKEN } })];
  const name = dnsLabel('files.example.test');

  it('istio: an HTTP server for an HTTPS-only host, and the exact path answered first with the token on every port', () => {
    const objects = objectsOf(table);
    expect(serversOf(objects, name).map((s) => s.port.number)).toEqual([443, 80]);
    expect(httpOf(objects, name)[0]).toEqual({
      directResponse: { body: { string: TOKEN }, status: 200 },
      headers: { response: { set: { 'content-type': 'text/plain; charset=utf-8' } } },
      match: [{ uri: { exact: `/.well-known/portico-challenge/${TOKEN}` } }],
      name: 'ownership-challenge',
    });
  });

  it('gateway-api: forwarded to Portico only with ownershipChallengeBackend; without it, no rule and no HTTP listener', () => {
    const backend = { host: 'portico.portico.svc.cluster.local', port: 4000 };
    const withBackend = objectsOf(table, { api: 'gateway-api', ownershipChallengeBackend: backend });
    const httpRoute = withBackend.find((o) => o.kind === 'HTTPRoute' && o.metadata.name.endsWith('-http'))!;
    expect((httpRoute.spec.rules as unknown[])[0]).toEqual({ backendRefs: [backendRefOf(backend.host, backend.port)], matches: [{ path: { type: 'Exact', value: `/.well-known/portico-challenge/${TOKEN}` } }] });
    const without = objectsOf(table, { api: 'gateway-api' });
    expect(JSON.stringify(without)).not.toContain('portico-challenge');
    expect(without.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name)).toEqual([`${name}-https`]);
  });
});
