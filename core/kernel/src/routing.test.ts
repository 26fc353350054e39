import { describe, expect, it } from 'vitest';
import type { Route } from './hooks.ts';
import { route, table } from './routing-fixtures.ts';
import { checkRoute, compareRoutes, compileRoutes, matchRoute, normaliseHostname, previewRoute } from './routing.ts';

describe('normaliseHostname', () => {
  it.each([
    ['shop.example.com', 'shop.example.com'],
    ['SHOP.Example.COM', 'shop.example.com'],
    ['shop.example.com:8443', 'shop.example.com'],
    ['Shop.Example.com:80', 'shop.example.com'],
    ['shop.example.com.', 'shop.example.com.'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['XN--BCHER-KVA.example', 'xn--bcher-kva.example'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.example:443', 'xn--bcher-kva.example'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]:8080', '[::1]'],
    ['[2001:DB8::1]', '[2001:db8::1]'],
    ['', undefined],
    ['bad host', undefined],
    ['a..b', undefined],
    ['.example.com', undefined],
    ['shop.example.com:abc', undefined],
    ['shop.example.com/x', undefined],
    ['user@shop.example.com', undefined],
    ['bü/x.example', undefined],
  ])('%j → %j', (input, expected) => {
    expect(normaliseHostname(input)).toBe(expected);
  });
});

describe('matchRoute', () => {
  const shop = table({
    api: route('shop.example.com', '/api', { host: 'api', port: 3000 }),
    apiV1: route('shop.example.com', '/api/v1', { host: 'v1', port: 3001, path: '/svc' }),
    root: route('shop.example.com', '/', { host: 'web', port: 8080 }),
    books: route('xn--bcher-kva.example', '/', { host: 'books', port: 80 }),
    unicode: route('Café.Example', '/', { host: 'cafe', port: 80 }),
    dotted: route('dotted.example.com.', '/', { host: 'dotted', port: 80 }),
  });

  it.each([
    // segment boundary, longest prefix wins, `/` matches everything
    ['shop.example.com', '/api', 'api'],
    ['shop.example.com', '/api/', 'api'],
    ['shop.example.com', '/api/x', 'api'],
    ['shop.example.com', '/apiary', 'root'],
    ['shop.example.com', '/api/v1', 'apiV1'],
    ['shop.example.com', '/api/v1/users', 'apiV1'],
    ['shop.example.com', '/api/v10', 'api'],
    ['shop.example.com', '/api/v1x/users', 'api'],
    ['shop.example.com', '/', 'root'],
    ['shop.example.com', '', 'root'],
    ['shop.example.com', '/anything/else', 'root'],
    // the query and fragment never take part
    ['shop.example.com', '/api?x=/api/v1', 'api'],
    ['shop.example.com', '/apiary#/api', 'root'],
    // case-sensitive paths; encoded unreserved characters are the characters; %2F is not a slash
    ['shop.example.com', '/API/x', 'root'],
    ['shop.example.com', '/%61pi/v1', 'apiV1'],
    ['shop.example.com', '/api%2Fv1', 'root'],
    ['shop.example.com', '/api/v1%2Fusers', 'api'],
    // slashes merged, dot segments removed before matching
    ['shop.example.com', '//api//v1', 'apiV1'],
    ['shop.example.com', '/x/../api/v1', 'apiV1'],
    ['shop.example.com', '/api/v1/../x', 'api'],
    ['shop.example.com', '/api/%2e%2e/x', 'root'],
    ['shop.example.com', '/../../api', 'api'],
    // hosts: exact after lower-casing and dropping the port; IDN by A-label
    ['SHOP.EXAMPLE.COM', '/api', 'api'],
    ['shop.example.com:8443', '/api', 'api'],
    ['shop.example.com.', '/api', undefined],
    ['www.shop.example.com', '/api', undefined],
    ['example.com', '/', undefined],
    ['xn--bcher-kva.example', '/', 'books'],
    ['bücher.example', '/', 'books'],
    ['xn--caf-dma.example', '/', 'unicode'],
    ['dotted.example.com', '/', 'dotted'],
    ['dotted.example.com.', '/', undefined],
    ['bad host', '/', undefined],
    ['shop.example.com', 'api', undefined],
  ])('%s %s → %s', (hostname, path, expected) => {
    expect(shop.match(hostname, path)).toBe(expected);
  });
});

describe('ties and precedence', () => {
  const twins = (a: Partial<Route>, b: Partial<Route>) => {
    const base = route('shop.example.com', '/api', { host: 'api', port: 3000 });
    return [
      { ...base, ...a },
      { ...base, ...b },
    ];
  };

  it.each([
    ['upstream host', twins({ upstream: { host: 'b', port: 1 } }, { upstream: { host: 'a', port: 9 } }), 1],
    ['upstream port', twins({ upstream: { host: 'a', port: 10 } }, { upstream: { host: 'a', port: 9 } }), 1],
    ['internal path', twins({ upstream: { host: 'a', port: 1, path: '/b' } }, { upstream: { host: 'a', port: 1, path: '/a' } }), 1],
    ['strip on before off', twins({ stripPath: false }, { stripPath: true }), 1],
    ['protocol mode order', twins({ protocol: 'both' }, { protocol: 'redirect-to-https' }), 1],
    ['base path spelled two ways', twins({ basePath: '/api/', upstream: { host: 'b', port: 1 } }, { basePath: '/api', upstream: { host: 'a', port: 1 } }), 1],
  ] as const)('a tie is broken by %s, whatever the order of the list', (_rule, [first, second], winner) => {
    const expected = [first, second][winner];
    expect(matchRoute([first, second], { hostname: 'shop.example.com', path: '/api/x' })).toBe(expected);
    expect(matchRoute([second, first], { hostname: 'shop.example.com', path: '/api/x' })).toBe(expected);
    expect(previewRoute([second, first], 'https://shop.example.com/api/x')).toMatchObject({ route: expected });
  });

  it('compareRoutes sorts by hostname, longest base path first: the order a first-match edge needs', () => {
    const a = route('a.example.com', '/', { host: 'x', port: 1 });
    const b = route('b.example.com', '/api', { host: 'x', port: 1 });
    const bDeep = route('B.example.com', '/api/v1/x', { host: 'x', port: 1 });
    const bRoot = route('b.example.com', '/', { host: 'x', port: 1 });
    const bOther = route('b.example.com', '/app', { host: 'x', port: 1 });
    expect([bRoot, b, a, bOther, bDeep].sort(compareRoutes)).toEqual([a, bDeep, b, bOther, bRoot]);
  });

  it('a compiled table answers like matchRoute and previewRoute', () => {
    const routes = [route('shop.example.com', '/api', { host: 'api', port: 3000 }), route('shop.example.com', '/', { host: 'web', port: 80 })];
    const compiled = compileRoutes(routes);
    expect(compiled.match({ hostname: 'shop.example.com', path: '/api/x' })).toBe(routes[0]);
    expect(compiled.match({ hostname: 'shop.example.com', path: '/apiary' })).toBe(routes[1]);
    expect(compiled.preview('https://shop.example.com/api/x')).toEqual(previewRoute(routes, 'https://shop.example.com/api/x'));
  });

  it.each([
    ['a base path without a leading slash', { basePath: 'api' }],
    ['a base path with a dot segment', { basePath: '/a/../b' }],
    ['an internal path with an empty segment', { upstream: { host: 'api', port: 3000, path: '/a//b' } }],
    ['port 0', { upstream: { host: 'api', port: 0 } }],
    ['port 65536', { upstream: { host: 'api', port: 65536 } }],
    ['an upstream host with a path', { upstream: { host: 'api/x', port: 3000 } }],
    ['a hostname that is no hostname', { hostname: 'bad host' }],
    ['an unknown protocol mode', { protocol: 'spdy' as Route['protocol'] }],
  ])('a malformed route is left out of matching and previews, never thrown: %s', (_what, overrides) => {
    const bad = { ...route('shop.example.com', '/api', { host: 'api', port: 3000 }), ...overrides };
    const good = route('shop.example.com', '/', { host: 'web', port: 80 });
    expect(() => compareRoutes(bad, good)).toThrow(/Malformed route/);
    const compiled = compileRoutes([bad, good]);
    expect(compiled.match({ hostname: 'shop.example.com', path: '/api/x' })).toBe(good);
    expect(checkRoute(bad)).toMatchObject({ ok: false });
    // The preview of the host names what was left out (a route whose hostname is none belongs to no host).
    const skipped = 'hostname' in overrides ? undefined : [expect.objectContaining({ basePath: expect.any(String), reason: expect.any(String), message: expect.any(String) })];
    const both = previewRoute([bad, good], 'https://shop.example.com/api/x');
    expect(both).toMatchObject({ outcome: 'proxy', route: good });
    expect((both as { skipped?: unknown }).skipped).toEqual(skipped);
    const alone = previewRoute([bad], 'https://shop.example.com/api/x');
    expect(alone).toMatchObject({ outcome: 'not_found', reason: 'unknown_host' });
    expect((alone as { skipped?: unknown }).skipped).toEqual(skipped);
  });
});

describe('wildcard routes', () => {
  const route = (hostname: string, basePath = '/'): Route => ({ hostname, basePath, upstream: { host: 'web', port: 80 }, stripPath: true, protocol: 'https' });
  const routes = [route('*.shop.test'), route('exact.shop.test', '/api')];

  it.each([
    ['a.shop.test', '*.shop.test'],
    ['A.Shop.Test', '*.shop.test'],
    ['exact.shop.test', 'exact.shop.test'],
    ['a.b.shop.test', undefined],
    ['shop.test', undefined],
  ])('%s is served by %s', (hostname, expected) => {
    expect(matchRoute(routes, { hostname, path: '/api/x' })?.hostname).toBe(expected);
  });

  it('an exact hostname beats the wildcard even when none of its base paths match', () => {
    expect(matchRoute(routes, { hostname: 'exact.shop.test', path: '/other' })).toBeUndefined();
    expect(previewRoute(routes, 'https://t1.shop.test/x')).toMatchObject({ outcome: 'proxy', internalUrl: 'http://web:80/x' });
  });
});
