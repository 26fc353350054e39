import type { Route } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { renderTraefikConfig, routeName } from './render.ts';

const up = { host: '10.0.0.1', port: 80 };
const r = (hostname: string, basePath: string, extra: Partial<Route> = {}): Route => ({ hostname, basePath, upstream: up, stripPath: true, protocol: 'both', ...extra });
const router = (routes: Route[], hostname: string, basePath: string, scheme: 'http' | 'https') =>
  renderTraefikConfig(routes).http.routers[`${routeName(hostname, basePath)}-${scheme}`];

describe('renderTraefikConfig', () => {
  it('gives the longer base path the higher priority, whatever the rule length', () => {
    // A long hostname makes the catch-all rule longer than the /api rule of a short one: priority must not follow.
    const routes = [r('a-very-long-hostname-for-a-long-rule.example.test', '/'), r('a-very-long-hostname-for-a-long-rule.example.test', '/api')];
    const root = router(routes, routes[0]!.hostname, '/', 'https')!;
    const api = router(routes, routes[0]!.hostname, '/api', 'https')!;
    expect(api.priority).toBeGreaterThan(root.priority);
    expect(root.priority).toBeGreaterThan(0);
  });

  it('matches base paths on a segment boundary', () => {
    expect(router([r('a.test', '/api')], 'a.test', '/api', 'https')!.rule).toBe('Host(`a.test`) && (Path(`/api`) || PathPrefix(`/api/`))');
  });

  it('keeps a shorter base path from catching a longer one the scheme refuses', () => {
    const routes = [r('a.test', '/'), r('a.test', '/admin', { protocol: 'https' })];
    expect(router(routes, 'a.test', '/', 'http')!.rule).toBe('Host(`a.test`) && !(Path(`/admin`) || PathPrefix(`/admin/`))');
    expect(router(routes, 'a.test', '/admin', 'http')).toBeUndefined();
  });

  it('strips with stripPrefix, prepends an internal path with one replacePathRegex', () => {
    const config = renderTraefikConfig([r('a.test', '/api', { upstream: { ...up, path: '/svc' } }), r('b.test', '/api')]);
    expect(Object.values(config.http.middlewares)).toEqual(
      expect.arrayContaining([{ replacePathRegex: { regex: '^/api(.*)$', replacement: '/svc${1}' } }, { stripPrefix: { prefixes: ['/api'] } }]),
    );
  });

  it('redirects with a permanent redirectScheme; https-only has no HTTP router', () => {
    const config = renderTraefikConfig([r('a.test', '/', { protocol: 'redirect-to-https' }), r('b.test', '/', { protocol: 'https' })]);
    expect(router([r('a.test', '/', { protocol: 'redirect-to-https' })], 'a.test', '/', 'http')!.middlewares).toEqual(['portico-redirect-https']);
    expect(config.http.middlewares['portico-redirect-https']).toEqual({ redirectScheme: { scheme: 'https', permanent: true } });
    expect(Object.keys(config.http.routers).filter((name) => name.startsWith(routeName('b.test', '/')))).toEqual([`${routeName('b.test', '/')}-https`]);
  });

  it('refuses a malformed route', () => {
    expect(() => renderTraefikConfig([r('not a host', '/')])).toThrow(TypeError);
  });
});

describe('ownership challenges', () => {
  const TOKEN = '0123456789abcdef0123456789abcdef';
  const path = `/.well-known/portico-challenge/${TOKEN}`;
  const routes = [r('files.example.test', '/', { protocol: 'https', ownershipChallenge: { token: TOKEN } }), r('files.example.test', '/api', { protocol: 'redirect-to-https' })];
  const options = { httpEntryPoint: 'web', httpsEntryPoint: 'websecure', ownershipChallengeUrl: 'http://portico:4000' };

  it('forwards exactly the challenge path of the host to Portico, above every base path, on both entry points', () => {
    const config = renderTraefikConfig(routes, options);
    const name = routeName('files.example.test', path);
    expect(config.http.routers[`${name}-http`]).toEqual({ entryPoints: ['web'], rule: `Host(\`files.example.test\`) && Path(\`${path}\`)`, priority: 10_000, service: 'portico-ownership-challenge' });
    expect(config.http.routers[`${name}-https`]).toMatchObject({ entryPoints: ['websecure'], tls: {} });
    expect(config.http.services['portico-ownership-challenge']).toEqual({ loadBalancer: { passHostHeader: true, servers: [{ url: 'http://portico:4000' }] } });
    const others = Object.entries(config.http.routers).filter(([key]) => !key.startsWith(name));
    expect(Math.max(...others.map(([, router]) => router.priority))).toBeLessThan(10_000);
  });

  it('answers over HTTP only for a host without HTTPS, and renders nothing without ownershipChallengeUrl', () => {
    const httpOnly = [r('plain.example.test', '/', { protocol: 'http', ownershipChallenge: { token: TOKEN } })];
    const routers = Object.keys(renderTraefikConfig(httpOnly, options).http.routers);
    expect(routers.filter((key) => key.includes('portico-challenge'))).toEqual([`${routeName('plain.example.test', path)}-http`]);
    const without = renderTraefikConfig(routes);
    expect(JSON.stringify(without)).not.toContain('portico-challenge');
    expect(without.http.services['portico-ownership-challenge']).toBeUndefined();
  });
});
