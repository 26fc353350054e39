import { describe, expect, it } from 'vitest';
import type { Route } from './hooks.ts';
import {
  compareRoutes,
  compileRoutes,
  matchRoute,
  normaliseBasePath,
  normaliseHostname,
  normaliseInternalPath,
  offersHttps,
  previewRoute,
  PROTOCOL_HANDLING,
  checkRoute,
  type RoutePreview,
} from './routing.ts';

const route = (hostname: string, basePath: string, upstream: Route['upstream'], more: Partial<Route> = {}): Route => ({
  hostname,
  basePath,
  upstream,
  stripPath: true,
  protocol: 'https',
  ...more,
});

/** One line per outcome, so every table row reads `input → what the edge does`. */
function summary(preview: RoutePreview, names: ReadonlyMap<Route, string>): string {
  switch (preview.outcome) {
    case 'proxy':
      return `${names.get(preview.route)} ${preview.internalUrl}${preview.strippedPrefix ? ` strip ${preview.strippedPrefix}` : ''}`;
    case 'redirect':
      return `${preview.status} ${preview.location}`;
    case 'refused':
      return `refused ${preview.reason} ${preview.answer}`;
    case 'acme_challenge':
      return 'acme';
    case 'ownership_challenge':
      return `challenge ${preview.body}`;
    case 'not_found':
      return `not_found ${preview.reason} ${preview.answer}`;
    case 'invalid':
      return `invalid ${preview.reason}`;
  }
}

function table(named: Record<string, Route>) {
  const names = new Map(Object.entries(named).map(([name, r]) => [r, name]));
  const routes = Object.values(named);
  return {
    routes,
    preview: (input: Parameters<typeof previewRoute>[1]) => summary(previewRoute(routes, input), names),
    match: (hostname: string, path: string) => {
      const found = matchRoute(routes, { hostname, path });
      return found ? names.get(found) : undefined;
    },
  };
}

describe('normaliseBasePath', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/api', '/api'],
    ['/api/', '/api'],
    ['/v1/users', '/v1/users'],
    ['/API', '/API'],
    ['/a~b_c.d-e', '/a~b_c.d-e'],
    ['/%61pi', '/api'],
    [`/${'a'.repeat(254)}`, `/${'a'.repeat(254)}`],
    [`/${'a'.repeat(254)}/`, `/${'a'.repeat(254)}`],
  ])('%j → %j', (input, path) => {
    expect(normaliseBasePath(input)).toEqual({ ok: true, path });
  });

  it.each([
    ['api', 'missing_leading_slash', '/api'],
    [' /api', 'missing_leading_slash', '/api'],
    ['/api?x=1', 'query_or_fragment', '/api'],
    ['/api#top', 'query_or_fragment', '/api'],
    ['api?x', 'query_or_fragment', '/api'],
    ['/a//b', 'empty_segment', '/a/b'],
    ['/api//', 'empty_segment', '/api'],
    ['//', 'empty_segment', '/'],
    ['/a/../b', 'dot_segment', '/a/b'],
    ['/./a', 'dot_segment', '/a'],
    ['/%2e%2e/a', 'dot_segment', '/a'],
    ['/my path', 'invalid_character', '/my-path'],
    ['/a%20b', 'invalid_character', '/a-b'],
    ['/a%2Fb', 'invalid_character', '/a/b'],
    ['/a;b', 'invalid_character', '/a-b'],
    ['/ü', 'invalid_character', undefined],
    ['/a%zz', 'invalid_character', '/a-zz'],
    [`/${'a'.repeat(255)}`, 'too_long', undefined],
  ])('%j is refused: %s, suggestion %j', (input, reason, suggestion) => {
    const result = normaliseBasePath(input);
    expect(result).toMatchObject({ ok: false, reason, message: expect.any(String) });
    expect(result.ok === false && result.suggestion).toBe(suggestion ?? undefined);
    if (suggestion !== undefined) expect(normaliseBasePath(suggestion)).toEqual({ ok: true, path: suggestion });
  });
});

describe('normaliseInternalPath', () => {
  it.each([
    ['', { ok: true, path: '/' }],
    ['/', { ok: true, path: '/' }],
    ['/svc', { ok: true, path: '/svc' }],
    ['/svc/', { ok: true, path: '/svc/' }],
    [`/${'a'.repeat(300)}`, { ok: true, path: `/${'a'.repeat(300)}` }],
    ['svc', { ok: false, reason: 'missing_leading_slash', suggestion: '/svc' }],
    ['/svc//x', { ok: false, reason: 'empty_segment', suggestion: '/svc/x' }],
    ['/a b/', { ok: false, reason: 'invalid_character', suggestion: '/a-b/' }],
  ])('%j → %j', (input, expected) => {
    expect(normaliseInternalPath(input)).toMatchObject(expected);
  });
});

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
