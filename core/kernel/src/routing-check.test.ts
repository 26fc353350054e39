import { describe, expect, it } from 'vitest';
import type { Route } from './hooks.ts';
import { checkRoute, compileRoutes, ownershipChallengePath, partitionRoutes, previewRoute, ROUTE_ISSUES } from './routing.ts';

const good: Route = { hostname: 'shop.example.com', basePath: '/', upstream: { host: 'web', port: 80 }, stripPath: false, protocol: 'https' };
const TOKEN = '0123456789abcdef0123456789abcdef';

describe('checkRoute', () => {
  it.each([
    ['a host name', 'web.shop.svc.cluster.local'],
    ['a name with an underscore', 'my_service'],
    ['an IPv4 literal', '10.0.0.7'],
    ['an IPv6 literal', 'fd00::10'],
    ['a bracketed IPv6 literal', '[fd00::10]'],
  ])('accepts an upstream that is %s', (_what, host) => {
    expect(checkRoute({ ...good, upstream: { host, port: 80 } })).toMatchObject({ ok: true });
  });

  it.each([
    ['a space', 'a b', 'invalid_upstream_host'],
    ['a URL', 'http://evil/', 'invalid_upstream_host'],
    ['a quote and a brace', 'evil host"; }', 'invalid_upstream_host'],
    ['a NUL byte', 'web\u0000evil', 'invalid_upstream_host'],
    ['a newline', 'web\nevil', 'invalid_upstream_host'],
    ['a port', 'web:8080', 'invalid_upstream_host'],
    ['a user part', 'user@web', 'invalid_upstream_host'],
    ['nothing', '', 'invalid_upstream_host'],
    ['a bracketed IPv4', '[10.0.0.1]', 'invalid_upstream_host'],
    ['a label starting with a hyphen', '-web', 'invalid_upstream_host'],
    ['the metadata address', '169.254.169.254', 'forbidden_upstream'],
    ['an IPv4-mapped link-local address', '::ffff:169.254.169.254', 'forbidden_upstream'],
    ['an IPv6 link-local address', 'fe80::1', 'forbidden_upstream'],
    ['a metadata service name', 'metadata.google.internal', 'forbidden_upstream'],
    ['a metadata service outside link-local', '100.100.100.200', 'forbidden_upstream'],
    ['the unspecified address', '0.0.0.0', 'forbidden_upstream'],
    ['a multicast address', 'ff02::1', 'forbidden_upstream'],
  ])('refuses an upstream host with %s', (_what, host, reason) => {
    expect(checkRoute({ ...good, upstream: { host, port: 80 } })).toMatchObject({ ok: false, reason });
  });

  it.each<[string, Partial<Route> | Record<string, unknown>, string]>([
    ['a hostname that is none', { hostname: 'bad host' }, 'invalid_hostname'],
    ['no hostname at all', { hostname: undefined }, 'invalid_hostname'],
    ['a base path with a dot segment', { basePath: '/a/../b' }, 'invalid_base_path'],
    ['an internal path with a space', { upstream: { host: 'web', port: 80, path: '/a b' } }, 'invalid_internal_path'],
    ['port 0', { upstream: { host: 'web', port: 0 } }, 'invalid_upstream_port'],
    ['a port that is a string', { upstream: { host: 'web', port: '80' } }, 'invalid_upstream_port'],
    ['no upstream', { upstream: undefined }, 'invalid_upstream_host'],
    ['an unknown protocol mode', { protocol: 'spdy' }, 'invalid_protocol'],
    ['a protocol named after an Object property', { protocol: 'toString' }, 'invalid_protocol'],
    ['a redirect status of 302', { redirectStatus: 302 }, 'invalid_redirect_status'],
    ['a tenant slug with a path', { tenant: { organization: '../etc', project: 'x' } }, 'invalid_tenant'],
    ['a token with a slash', { ownershipChallenge: { token: 'a/b' } }, 'invalid_ownership_challenge'],
    ['a token with a placeholder', { ownershipChallenge: { token: '{http.request.host}' } }, 'invalid_ownership_challenge'],
    ['a challenge on a wildcard', { hostname: '*.example.com', ownershipChallenge: { token: TOKEN } }, 'invalid_ownership_challenge'],
  ])('refuses %s', (_what, overrides, reason) => {
    const result = checkRoute({ ...good, ...overrides } as Route);
    expect(result).toMatchObject({ ok: false, reason, message: expect.any(String) });
    expect(ROUTE_ISSUES).toContain(reason);
  });

  it('gives the canonical parts of a good route', () => {
    expect(checkRoute({ ...good, hostname: 'Shop.Example.com.', basePath: '/api/', upstream: { host: 'web', port: 80, path: '/svc/' }, ownershipChallenge: { token: TOKEN } })).toEqual({
      ok: true,
      hostname: 'shop.example.com',
      basePath: '/api',
      internalPath: '/svc/',
    });
  });
});

describe('partitionRoutes', () => {
  it('keeps the routes that can be served, in order, and names the others with their reason', () => {
    const bad = { ...good, hostname: 'other.example.com', upstream: { host: 'evil host"; }', port: 80 } };
    const second = { ...good, hostname: 'third.example.com' };
    const { routes, skipped } = partitionRoutes([good, bad, second]);
    expect(routes).toEqual([good, second]);
    expect(skipped).toEqual([{ route: bad, reason: 'invalid_upstream_host', message: expect.stringContaining('other.example.com') }]);
  });
});

describe('previewRoute: ownership challenges', () => {
  const challenged: Route = { ...good, ownershipChallenge: { token: TOKEN } };
  const path = ownershipChallengePath(TOKEN);

  it.each(['https', 'redirect-to-https', 'http', 'both'] as const)('answers the exact path with the token over HTTP, never the upstream (%s)', (protocol) => {
    const preview = previewRoute([{ ...challenged, protocol }], `http://shop.example.com${path}`);
    expect(preview).toMatchObject({ outcome: 'ownership_challenge', status: 200, body: TOKEN });
  });

  it('answers over HTTPS when the host has a certificate, and fails the handshake when it has none', () => {
    expect(previewRoute([challenged], `https://shop.example.com${path}?x=1`)).toMatchObject({ outcome: 'ownership_challenge', body: TOKEN });
    expect(previewRoute([{ ...challenged, protocol: 'http' }], `https://shop.example.com${path}`)).toMatchObject({ outcome: 'refused', answer: 'tls_handshake_fails' });
  });

  it('matches the path as routing normalises it (dot segments, encoded unreserved characters)', () => {
    expect(previewRoute([challenged], `http://shop.example.com/x/..//.well-known/portico-challenge/${TOKEN}`)).toMatchObject({ outcome: 'ownership_challenge' });
    expect(previewRoute([challenged], `http://shop.example.com/.well-known/portico-%63hallenge/${TOKEN}`)).toMatchObject({ outcome: 'ownership_challenge' });
  });

  it('routes any other token, a longer path or a trailing slash as usual', () => {
    expect(previewRoute([{ ...challenged, protocol: 'both' }], 'http://shop.example.com/.well-known/portico-challenge/other')).toMatchObject({ outcome: 'proxy' });
    expect(previewRoute([challenged], `http://shop.example.com${path}/x`)).toMatchObject({ outcome: 'refused', reason: 'https_only' });
    expect(previewRoute([challenged], `http://shop.example.com${path}/`)).toMatchObject({ outcome: 'refused' });
  });

  it('answers only for the host whose routes carry the token: never another host, never through a wildcard', () => {
    const other: Route = { ...good, hostname: 'other.example.com' };
    expect(previewRoute([challenged, other], `http://other.example.com${path}`)).toMatchObject({ outcome: 'refused' });
    const wildcard: Route = { ...good, hostname: '*.example.com' };
    expect(previewRoute([challenged, wildcard], `http://a.example.com${path}`)).toMatchObject({ outcome: 'refused' });
  });

  it('a compiled table answers challenges like previewRoute', () => {
    expect(compileRoutes([challenged]).preview(`http://shop.example.com${path}`)).toEqual(previewRoute([challenged], `http://shop.example.com${path}`));
  });
});
