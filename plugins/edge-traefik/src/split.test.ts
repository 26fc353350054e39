import type { Route, RouteTenant } from '@portico/kernel';
import { EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import { renderTraefikConfig, routeName, type TraefikConfig, type TraefikRouter } from './render.ts';
import { splitByTenant, tenantKey } from './split.ts';

const acme: RouteTenant = { organization: 'acme', project: 'shop' };
const globex: RouteTenant = { organization: 'globex', project: 'shop' };
const up = (host: string) => ({ host, port: 80 });
const r = (hostname: string, basePath: string, tenant: RouteTenant | undefined, extra: Partial<Route> = {}): Route => ({
  hostname,
  basePath,
  upstream: up('10.0.0.1'),
  stripPath: true,
  protocol: 'redirect-to-https',
  ...(tenant ? { tenant } : {}),
  ...extra,
});
const split = (routes: readonly Route[]) => splitByTenant(renderTraefikConfig(routes), routes);
type Section = 'routers' | 'services' | 'middlewares';
const SECTIONS: Section[] = ['routers', 'services', 'middlewares'];
const withoutRefs = ({ service: _service, middlewares: _middlewares, ...rest }: TraefikRouter) => rest;

describe('splitByTenant', () => {
  const whole = renderTraefikConfig(EDGE_FIXTURE_ROUTES);
  const files = splitByTenant(whole, EDGE_FIXTURE_ROUTES);

  it('gives each project a file, and routes of no tenant _default', () => {
    expect([...files.keys()]).toEqual(['_default', 'acme.docs', 'acme.storefront', 'globex.portal']);
    expect(Object.keys(files.get('_default')!.http.routers)).toEqual([`${routeName('v6.example.test', '/')}-https`]);
  });

  it('never defines a name in two files (Traefik keeps the first and skips the rest)', () => {
    for (const section of SECTIONS) {
      const names = [...files.values()].flatMap((file) => Object.keys(file.http[section]));
      expect(names.length, section).toBeGreaterThan(0);
      expect(new Set(names).size, `${section} defined twice: ${names.filter((n, i) => names.indexOf(n) !== i).join(', ')}`).toBe(names.length);
    }
  });

  it('means what the single file means: every router, with the same service and middlewares by content', () => {
    // Traefik's merge of the directory: all files' maps in one.
    const merged = Object.fromEntries(SECTIONS.map((section) => [section, Object.assign({}, ...[...files.values()].map((file) => file.http[section]))])) as TraefikConfig['http'];
    expect(Object.keys(merged.routers).sort()).toEqual(Object.keys(whole.http.routers).sort());
    for (const [name, router] of Object.entries(whole.http.routers)) {
      const got = merged.routers[name]!;
      expect(withoutRefs(got), name).toEqual(withoutRefs(router));
      expect(merged.services[got.service], name).toEqual(whole.http.services[router.service]);
      expect((got.middlewares ?? []).map((mw) => merged.middlewares[mw]), name).toEqual((router.middlewares ?? []).map((mw) => whole.http.middlewares[mw]));
    }
  });

  it('makes every file whole on its own: each reference resolves in the same file, nothing unused', () => {
    for (const [key, file] of files) {
      const routers = Object.values(file.http.routers);
      for (const router of routers) {
        expect(file.http.services[router.service], `${key}: ${router.service}`).toBeDefined();
        for (const mw of router.middlewares ?? []) expect(file.http.middlewares[mw], `${key}: ${mw}`).toBeDefined();
      }
      expect(Object.keys(file.http.services).sort()).toEqual([...new Set(routers.map((router) => router.service))].sort());
    }
  });

  it('keeps rules that span projects: a wildcard still yields to an exact hostname another project owns', () => {
    const routes = [r('*.x.test', '/', acme), r('a.x.test', '/', globex)];
    const files = split(routes);
    expect(files.get('acme.shop')!.http.routers[`${routeName('*.x.test', '/')}-https`]!.rule).toBe('HostRegexp(`^[^.]+\\.x\\.test$`) && !Host(`a.x.test`)');
    expect(Object.keys(files.get('globex.shop')!.http.routers)).toEqual([`${routeName('a.x.test', '/')}-http`, `${routeName('a.x.test', '/')}-https`]);
  });

  it('gives projects sharing an upstream and the redirect middleware a copy each, under scoped names', () => {
    const files = split([r('a.test', '/', acme), r('b.test', '/', globex)]);
    const [a, b] = [files.get('acme.shop')!, files.get('globex.shop')!];
    expect(Object.keys(a.http.middlewares)).toEqual(['portico-redirect-https_acme_shop']);
    expect(Object.keys(b.http.middlewares)).toEqual(['portico-redirect-https_globex_shop']);
    expect(Object.values(a.http.services)).toEqual(Object.values(b.http.services));
    expect(Object.keys(a.http.services)).not.toEqual(Object.keys(b.http.services));
  });

  it('scopes names unambiguously: slugs with dashes never meet', () => {
    const files = split([r('a.test', '/', { organization: 'a-b', project: 'c' }), r('b.test', '/', { organization: 'a', project: 'b-c' })]);
    const names = [...files.values()].flatMap((file) => Object.keys(file.http.middlewares));
    expect(names).toEqual(['portico-redirect-https_a-b_c', 'portico-redirect-https_a_b-c']);
  });

  it('puts what no router references, and references to other providers, where Traefik still finds them', () => {
    const routes = [r('a.test', '/', acme)];
    const config = renderTraefikConfig(routes);
    // A decorator's additions: a service no router uses, and a middleware of another provider.
    config.http.services['extra'] = { loadBalancer: { servers: [{ url: 'http://10.9.9.9' }] } };
    const name = `${routeName('a.test', '/')}-http`;
    config.http.routers[name]!.middlewares = ['auth@docker', ...config.http.routers[name]!.middlewares!];
    const files = splitByTenant(config, routes);
    expect(files.get('_default')!.http.services).toEqual({ extra: { loadBalancer: { servers: [{ url: 'http://10.9.9.9' }] } } });
    expect(files.get('acme.shop')!.http.routers[name]!.middlewares).toEqual(['auth@docker', 'portico-redirect-https_acme_shop']);
  });

  it('follows the route that wins a duplicate (hostname, base path), like the renderer', () => {
    const routes = [r('a.test', '/', globex, { upstream: up('10.0.0.2') }), r('a.test', '/', acme)];
    const owner = [...split(routes)].filter(([, file]) => Object.keys(file.http.routers).length > 0).map(([key]) => key);
    expect(owner).toHaveLength(1);
    expect(Object.values(split(routes).get(owner[0]!)!.http.services)).toEqual(Object.values(renderTraefikConfig(routes).http.services));
  });

  it('has no file for an empty table', () => {
    expect(split([]).size).toBe(0);
  });

  it('refuses slugs that are not file-name safe', () => {
    expect(tenantKey(undefined)).toBe('_default');
    expect(tenantKey(acme)).toBe('acme.shop');
    expect(() => tenantKey({ organization: '../x', project: 'y' })).toThrow(TypeError);
    expect(() => split([r('a.test', '/', { organization: 'A', project: 'b' })])).toThrow(TypeError);
  });
});
