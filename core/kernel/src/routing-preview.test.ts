import { describe, expect, it } from 'vitest';
import type { Route } from './hooks.ts';
import { route, table } from './routing-fixtures.ts';
import { offersHttps, previewRoute, PROTOCOL_HANDLING } from './routing.ts';

describe('previewRoute: strip on and off, internal paths', () => {
  const cases: Array<[string, Partial<Route> & { upstream?: Route['upstream'] }, string, string]> = [
    // [what, route overrides (base /api, upstream api:3000), url, result]
    ['strip on, internal /', {}, '/api/v1/users', 'r http://api:3000/v1/users strip /api'],
    ['strip on, internal /svc', { upstream: { host: 'api', port: 3000, path: '/svc' } }, '/api/v1/users', 'r http://api:3000/svc/v1/users strip /api'],
    ['strip off, internal /svc', { stripPath: false, upstream: { host: 'api', port: 3000, path: '/svc' } }, '/api/v1/users', 'r http://api:3000/svc/api/v1/users'],
    ['strip off, internal /', { stripPath: false }, '/api/v1/users', 'r http://api:3000/api/v1/users'],
    ['exactly the base, strip on, internal /', {}, '/api', 'r http://api:3000/ strip /api'],
    ['exactly the base, strip on, internal /svc', { upstream: { host: 'api', port: 3000, path: '/svc' } }, '/api', 'r http://api:3000/svc strip /api'],
    ['exactly the base, strip on, internal /svc/', { upstream: { host: 'api', port: 3000, path: '/svc/' } }, '/api', 'r http://api:3000/svc/ strip /api'],
    ['base with trailing slash, strip on, internal /', {}, '/api/', 'r http://api:3000/ strip /api'],
    ['base with trailing slash, strip on, internal /svc', { upstream: { host: 'api', port: 3000, path: '/svc' } }, '/api/', 'r http://api:3000/svc/ strip /api'],
    ['below the base, internal /svc/', { upstream: { host: 'api', port: 3000, path: '/svc/' } }, '/api/x', 'r http://api:3000/svc/x strip /api'],
    ['exactly the base, strip off', { stripPath: false }, '/api', 'r http://api:3000/api'],
    ['base with trailing slash, strip off, internal /svc', { stripPath: false, upstream: { host: 'api', port: 3000, path: '/svc' } }, '/api/', 'r http://api:3000/svc/api/'],
    ['trailing slash kept below the base', {}, '/api/x/', 'r http://api:3000/x/ strip /api'],
    ['route written with a trailing slash', { basePath: '/api/' }, '/api/x', 'r http://api:3000/x strip /api'],
    ['root base path: strip removes nothing', { basePath: '/' }, '/x/y', 'r http://api:3000/x/y'],
    ['root base path, root request', { basePath: '/' }, '/', 'r http://api:3000/'],
    ['root base path, internal /svc', { basePath: '/', upstream: { host: 'api', port: 3000, path: '/svc' } }, '/x', 'r http://api:3000/svc/x'],
    ['root base path, root request, internal /svc', { basePath: '/', upstream: { host: 'api', port: 3000, path: '/svc' } }, '', 'r http://api:3000/svc/'],
    ['nested base path', { basePath: '/api/v1', upstream: { host: 'api', port: 3000, path: '/svc' } }, '/api/v1/users', 'r http://api:3000/svc/users strip /api/v1'],
    ['segment boundary', {}, '/apiary', 'not_found no_matching_path 404'],
    ['paths are case-sensitive', {}, '/API/x', 'not_found no_matching_path 404'],
    ['IPv6 upstream', { upstream: { host: '::1', port: 3000 } }, '/api/x', 'r http://[::1]:3000/x strip /api'],
  ];
  it.each(cases)('%s: %s', (_what, overrides, path, expected) => {
    const { preview } = table({ r: { ...route('shop.example.com', '/api', { host: 'api', port: 3000 }), ...overrides } });
    expect(preview(`https://shop.example.com${path}`)).toBe(expected);
  });
});

describe('previewRoute: query strings, encoded characters, odd paths', () => {
  const shop = table({
    api: route('shop.example.com', '/api', { host: 'api', port: 3000 }),
    apiV1: route('shop.example.com', '/api/v1', { host: 'v1', port: 3001, path: '/svc' }),
    keep: route('shop.example.com', '/keep', { host: 'keep', port: 3002, path: '/svc' }, { stripPath: false }),
    docs: route('shop.example.com', '/docs/', { host: 'docs', port: 4000, path: '/static/' }),
    root: route('shop.example.com', '/', { host: 'web', port: 8080 }, { protocol: 'both' }),
  });

  it.each([
    // longest prefix wins
    ['https://shop.example.com/api/v1/users?id=3', 'apiV1 http://v1:3001/svc/users?id=3 strip /api/v1'],
    ['https://shop.example.com/api/v1', 'apiV1 http://v1:3001/svc strip /api/v1'],
    ['https://shop.example.com/api/v10', 'api http://api:3000/v10 strip /api'],
    ['https://shop.example.com/apiary', 'root http://web:8080/apiary'],
    ['https://shop.example.com/', 'root http://web:8080/'],
    ['https://shop.example.com', 'root http://web:8080/'],
    ['https://shop.example.com/keep/x', 'keep http://keep:3002/svc/keep/x'],
    ['https://shop.example.com/docs', 'docs http://docs:4000/static/ strip /docs'],
    ['https://shop.example.com/docs/', 'docs http://docs:4000/static/ strip /docs'],
    ['https://shop.example.com/docs/a.css', 'docs http://docs:4000/static/a.css strip /docs'],
    // query strings: kept byte for byte, repeated parameters and an empty `?` included; fragments dropped
    ['https://shop.example.com/api/x?a=1&a=2&b=', 'api http://api:3000/x?a=1&a=2&b= strip /api'],
    ['https://shop.example.com/api/x?b=2&a=1', 'api http://api:3000/x?b=2&a=1 strip /api'],
    ['https://shop.example.com/api/x?', 'api http://api:3000/x? strip /api'],
    ['https://shop.example.com/api?', 'api http://api:3000/? strip /api'],
    ['https://shop.example.com/api/x?q=a%2Fb&r=%20', 'api http://api:3000/x?q=a%2Fb&r=%20 strip /api'],
    ['https://shop.example.com/api/x?next=/api/v1', 'api http://api:3000/x?next=/api/v1 strip /api'],
    ['https://shop.example.com/api/x#top', 'api http://api:3000/x strip /api'],
    ['https://shop.example.com/api/x?q=1#top', 'api http://api:3000/x?q=1 strip /api'],
    // percent-encoding kept as sent; unreserved escapes match their characters; %2F is never a slash
    ['https://shop.example.com/api/a%2Fb', 'api http://api:3000/a%2Fb strip /api'],
    ['https://shop.example.com/api/%7Euser', 'api http://api:3000/%7Euser strip /api'],
    ['https://shop.example.com/api/caf%C3%A9', 'api http://api:3000/caf%C3%A9 strip /api'],
    ['https://shop.example.com/api/café', 'api http://api:3000/caf%C3%A9 strip /api'],
    ['https://shop.example.com/api/a b', 'api http://api:3000/a%20b strip /api'],
    ['https://shop.example.com/%61pi/v1/users', 'apiV1 http://v1:3001/svc/users strip /api/v1'],
    ['https://shop.example.com/api%2Fv1/users', 'root http://web:8080/api%2Fv1/users'],
    ['https://shop.example.com/keep/a%2Fb', 'keep http://keep:3002/svc/keep/a%2Fb'],
    // double slashes merged, dot segments removed (as browsers and sanitizing edges do)
    ['https://shop.example.com//api//x', 'api http://api:3000/x strip /api'],
    ['https://shop.example.com/api//x//', 'api http://api:3000/x/ strip /api'],
    ['https://shop.example.com//keep//x', 'keep http://keep:3002/svc/keep/x'],
    ['https://shop.example.com/api/./x', 'api http://api:3000/x strip /api'],
    ['https://shop.example.com/api/v1/../x', 'api http://api:3000/x strip /api'],
    ['https://shop.example.com/api/../admin', 'root http://web:8080/admin'],
    ['https://shop.example.com/a/%2e%2e/api/x', 'api http://api:3000/x strip /api'],
    ['https://shop.example.com/api\\x', 'api http://api:3000/x strip /api'],
    // hosts: upper case, ports, userinfo
    ['https://SHOP.Example.COM/api/x', 'api http://api:3000/x strip /api'],
    ['https://shop.example.com:8443/api/x', 'api http://api:3000/x strip /api'],
    ['https://user:secret@shop.example.com/api/x', 'api http://api:3000/x strip /api'],
  ])('%s → %s', (url, expected) => {
    expect(shop.preview(url)).toBe(expected);
  });

  it.each([
    // a request as an edge received it: the Host header and the raw request target
    [{ scheme: 'https', hostname: 'SHOP.example.com:443', path: '/api/v1/users?id=3' }, 'apiV1 http://v1:3001/svc/users?id=3 strip /api/v1'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '/a/%2E%2E/api/x' }, 'api http://api:3000/x strip /api'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '/api/../../keep/x' }, 'keep http://keep:3002/svc/keep/x'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '' }, 'root http://web:8080/'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '/api/x?' }, 'api http://api:3000/x? strip /api'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '/api/%7euser' }, 'api http://api:3000/%7euser strip /api'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: 'api/x' }, 'invalid invalid_path'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '*' }, 'invalid invalid_path'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '/api/%zz' }, 'invalid invalid_path'],
    [{ scheme: 'https', hostname: 'shop.example.com', path: '/api/a b' }, 'invalid invalid_path'],
    [{ scheme: 'https', hostname: 'shop example.com', path: '/' }, 'invalid invalid_host'],
    [{ scheme: 'https', hostname: '', path: '/' }, 'invalid invalid_host'],
  ] as const)('%j → %s', (request, expected) => {
    expect(shop.preview(request)).toBe(expected);
  });

  it('returns the request as routing saw it with the whole result', () => {
    const [, , , , root] = shop.routes;
    expect(previewRoute(shop.routes, 'https://SHOP.example.com//api/v1/../x?a=1&a=2#f')).toEqual({
      outcome: 'proxy',
      scheme: 'https',
      hostname: 'shop.example.com',
      path: '/api/x',
      query: 'a=1&a=2',
      route: shop.routes[0],
      basePath: '/api',
      strippedPrefix: '/api',
      internalPath: '/x',
      internalUrl: 'http://api:3000/x?a=1&a=2',
    });
    const preserved = previewRoute(shop.routes, 'https://shop.example.com/apiary');
    expect(preserved).toMatchObject({ outcome: 'proxy', route: root, basePath: '/', internalPath: '/apiary' });
    expect(preserved).not.toHaveProperty('strippedPrefix');
    expect(preserved).not.toHaveProperty('query');
  });
});

describe('previewRoute: protocol modes', () => {
  const modes = table({
    https: route('https.example.com', '/', { host: 'app', port: 80 }, { protocol: 'https' }),
    http: route('http.example.com', '/', { host: 'app', port: 80 }, { protocol: 'http' }),
    both: route('both.example.com', '/', { host: 'app', port: 80 }, { protocol: 'both' }),
    redirect: route('redirect.example.com', '/', { host: 'app', port: 80 }, { protocol: 'redirect-to-https' }),
    moved: route('moved.example.com', '/', { host: 'app', port: 80 }, { protocol: 'redirect-to-https', redirectStatus: 301 }),
    mixedHttp: route('mixed.example.com', '/', { host: 'plain', port: 80 }, { protocol: 'http' }),
    mixedHttps: route('mixed.example.com', '/secure', { host: 'tls', port: 443 }, { protocol: 'https' }),
  });

  it.each([
    ['https://https.example.com/a', 'https http://app:80/a'],
    ['http://https.example.com/a', 'refused https_only 404'],
    ['http://http.example.com/a', 'http http://app:80/a'],
    ['https://http.example.com/a', 'refused http_only tls_handshake_fails'],
    ['https://both.example.com/a', 'both http://app:80/a'],
    ['http://both.example.com/a', 'both http://app:80/a'],
    ['https://redirect.example.com/a', 'redirect http://app:80/a'],
    ['http://redirect.example.com/a/b?x=1&x=2', '308 https://redirect.example.com/a/b?x=1&x=2'],
    ['http://redirect.example.com:8080/a?', '308 https://redirect.example.com/a?'],
    ['http://Redirect.Example.com/a#frag', '308 https://redirect.example.com/a'],
    ['http://redirect.example.com', '308 https://redirect.example.com/'],
    // The route's own status when it has one.
    ['http://moved.example.com/a?b', '301 https://moved.example.com/a?b'],
    // one host, routes in different modes: the mode of the route that matched decides
    ['http://mixed.example.com/a', 'mixedHttp http://plain:80/a'],
    ['https://mixed.example.com/a', 'refused http_only 404'],
    ['https://mixed.example.com/secure/x', 'mixedHttps http://tls:443/x strip /secure'],
    ['http://mixed.example.com/secure/x', 'refused https_only 404'],
    // ACME HTTP-01 never reaches the upstream of a host that has a certificate, and goes before redirects
    ['http://redirect.example.com/.well-known/acme-challenge/tok', 'acme'],
    ['http://https.example.com/.well-known/acme-challenge/tok', 'acme'],
    ['http://mixed.example.com/.well-known/acme-challenge/tok', 'acme'],
    ['http://redirect.example.com/.well-known/acme-challenge/', '308 https://redirect.example.com/.well-known/acme-challenge/'],
    ['http://http.example.com/.well-known/acme-challenge/tok', 'http http://app:80/.well-known/acme-challenge/tok'],
    ['https://https.example.com/.well-known/acme-challenge/tok', 'https http://app:80/.well-known/acme-challenge/tok'],
  ])('%s → %s', (url, expected) => {
    expect(modes.preview(url)).toBe(expected);
  });

  it('redirects keep the path as sent; the HTTPS request is then normalised', () => {
    expect(modes.preview({ scheme: 'http', hostname: 'redirect.example.com:80', path: '/a//b?q' })).toBe('308 https://redirect.example.com/a//b?q');
    expect(modes.preview({ scheme: 'https', hostname: 'redirect.example.com', path: '/a//b?q' })).toBe('redirect http://app:80/a/b?q');
  });

  it('the protocol table: who needs a certificate, what each scheme gets', () => {
    expect(PROTOCOL_HANDLING).toEqual({
      https: { http: 'refuse', https: 'proxy' },
      'redirect-to-https': { http: 'redirect', https: 'proxy' },
      both: { http: 'proxy', https: 'proxy' },
      http: { http: 'proxy', https: 'refuse' },
    });
    expect((['https', 'redirect-to-https', 'both', 'http'] as const).map(offersHttps)).toEqual([true, true, true, false]);
  });
});

describe('previewRoute: no route, invalid input', () => {
  const shop = table({
    api: route('shop.example.com', '/api', { host: 'api', port: 3000 }),
    plain: route('plain.example.com', '/api', { host: 'api', port: 3000 }, { protocol: 'http' }),
  });

  it.each([
    ['https://unknown.example.com/', 'not_found unknown_host tls_handshake_fails'],
    ['http://unknown.example.com/', 'not_found unknown_host 404'],
    ['https://shop.example.com./api', 'not_found unknown_host tls_handshake_fails'],
    ['https://shop.example.com/other', 'not_found no_matching_path 404'],
    ['http://shop.example.com/other', 'not_found no_matching_path 404'],
    ['https://plain.example.com/other', 'not_found no_matching_path tls_handshake_fails'],
    ['not a url', 'invalid invalid_url'],
    ['shop.example.com/api', 'invalid invalid_url'],
    ['ftp://shop.example.com/api', 'invalid unsupported_scheme'],
    ['https://shop.example.com/api/%zz', 'invalid invalid_path'],
  ])('%s → %s', (url, expected) => {
    expect(shop.preview(url)).toBe(expected);
  });

  it('takes URL objects and empty route lists', () => {
    expect(shop.preview(new URL('https://shop.example.com/api/x'))).toBe('api http://api:3000/x strip /api');
    expect(previewRoute([], 'https://shop.example.com/')).toMatchObject({ outcome: 'not_found', reason: 'unknown_host' });
  });
});
