/**
 * What an edge does with one request: the route that matched, then its protocol mode, the ACME and ownership
 * challenge paths that go before it, the strip and the internal URL. The rules are stated in routing.ts, the
 * contract file; this is its preview half.
 */
import type { Route } from './hooks.ts';
import { ownershipChallengePath } from './routing-check.ts';
import { decodeUnreserved, formatPath, joinPaths, parseRequestPath, splitTarget, type RequestPath } from './routing-paths.ts';
import { candidatesFor, compileRoutes, normaliseHostname, offersHttps, PROTOCOL_HANDLING, REDIRECT_STATUS, type Compiled, type RouteRequest, type SkippedInPreview } from './routing.ts';

const ACME_CHALLENGE_PREFIX = ['.well-known', 'acme-challenge'];

/** What `previewRoute` takes: an external URL (parsed as a browser does), or a request as an edge received it. */
export type PreviewInput = string | URL | (RouteRequest & { scheme: 'http' | 'https' });

/** The request as routing saw it: normalised hostname and path, the query as sent (`''` for a bare `?`). */
export interface PreviewRequest {
  scheme: 'http' | 'https';
  hostname: string;
  path: string;
  query?: string;
  /** Routes of this host (or of its wildcard) left out as malformed (`checkRoute`); absent when there are none. */
  skipped?: SkippedInPreview[];
}

/** How an edge answers a request it does not forward: a status, or a failed TLS handshake (no certificate). */
export type EdgeAnswer = 404 | 'tls_handshake_fails';

/**
 * What happens to one request:
 * - `proxy`: forwarded to `internalUrl`; `strippedPrefix` is the base path removed (absent: path preserved);
 * - `redirect`: answered `status` with `location`;
 * - `refused`: the chosen route does not serve this scheme (`https_only`: plain HTTP to an HTTPS-only route;
 *   `http_only`: HTTPS to an HTTP-only route);
 * - `acme_challenge`: an ACME HTTP-01 request, answered by the edge or Portico, never by the upstream;
 * - `ownership_challenge`: Portico's ownership challenge of the host, answered by the edge with `status` 200,
 *   `text/plain` and `body` (the token), never by the upstream;
 * - `not_found`: no route for the host (`unknown_host`) or none of its base paths matches (`no_matching_path`);
 * - `invalid`: not a request an edge routes (`invalid_url`, `unsupported_scheme`, `invalid_host`,
 *   `invalid_path`: no leading slash or a malformed `%` escape); edges answer 400 before routing.
 */
export type RoutePreview =
  | (PreviewRequest & {
      outcome: 'proxy';
      route: Route;
      basePath: string;
      strippedPrefix?: string;
      internalPath: string;
      internalUrl: string;
    })
  | (PreviewRequest & { outcome: 'redirect'; route: Route; status: 301 | 308; location: string })
  | (PreviewRequest & { outcome: 'refused'; route: Route; reason: 'https_only' | 'http_only'; answer: EdgeAnswer })
  | (PreviewRequest & { outcome: 'acme_challenge' })
  | (PreviewRequest & { outcome: 'ownership_challenge'; route: Route; status: 200; body: string })
  | (PreviewRequest & { outcome: 'not_found'; reason: 'unknown_host' | 'no_matching_path'; answer: EdgeAnswer })
  | { outcome: 'invalid'; reason: 'invalid_url' | 'unsupported_scheme' | 'invalid_host' | 'invalid_path' };

type Parsed = { scheme: 'http' | 'https'; host: string; path: string; query?: string } | { invalid: 'invalid_url' | 'unsupported_scheme' | 'invalid_path' };

function parseInput(input: PreviewInput): Parsed {
  if (typeof input === 'object' && !(input instanceof URL)) {
    const target = splitTarget(input.path);
    return target ? { scheme: input.scheme, host: input.hostname, ...target } : { invalid: 'invalid_path' };
  }
  let url: URL;
  try {
    url = input instanceof URL ? input : new URL(input);
  } catch {
    return { invalid: 'invalid_url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { invalid: 'unsupported_scheme' };
  // WHATWG URL: `search` is '' both without a query and for a bare `?`; the serialisation tells them apart.
  const target = splitTarget(url.pathname + (url.href.split('#')[0]?.includes('?') ? `?${url.search.slice(1)}` : ''));
  return target ? { scheme: url.protocol === 'https:' ? 'https' : 'http', host: url.hostname, ...target } : { invalid: 'invalid_path' };
}

/** The route of the host whose ownership challenge is exactly this path (routes of the host itself only). */
function ownershipChallengeOf(own: readonly Compiled[] | undefined, path: RequestPath): Route | undefined {
  if (!own || path.trailingSlash || path.segments.length !== 3) return undefined;
  const requested = `/${path.segments.map(decodeUnreserved).join('/')}`;
  return own.find((c) => c.route.ownershipChallenge !== undefined && ownershipChallengePath(c.route.ownershipChallenge.token) === requested)?.route;
}

export function previewWith(
  byHost: ReadonlyMap<string, Compiled[]>,
  find: (hostname: string, path: RequestPath) => Compiled | undefined,
  input: PreviewInput,
  skippedByHost: ReadonlyMap<string, SkippedInPreview[]> = new Map(),
): RoutePreview {
  const parsed = parseInput(input);
  if ('invalid' in parsed) return { outcome: 'invalid', reason: parsed.invalid };
  const hostname = normaliseHostname(parsed.host);
  if (hostname === undefined) return { outcome: 'invalid', reason: 'invalid_host' };
  const { scheme, query } = parsed;
  const path = parseRequestPath(parsed.path);
  // The left-out routes that would have been candidates: the host's own, or its wildcard's while it has none.
  const skipped = skippedByHost.get(hostname) ?? (byHost.has(hostname) ? undefined : candidatesFor(skippedByHost, hostname));
  const request: PreviewRequest = {
    scheme,
    hostname,
    path: formatPath(path.segments, path.trailingSlash),
    ...(query === undefined ? {} : { query }),
    ...(skipped ? { skipped } : {}),
  };
  const suffix = query === undefined ? '' : `?${query}`;

  const candidates = candidatesFor(byHost, hostname);
  const hasCertificate = candidates?.some((c) => offersHttps(c.route.protocol)) ?? false;
  const answer: EdgeAnswer = scheme === 'https' && !hasCertificate ? 'tls_handshake_fails' : 404;
  if (!candidates) return { ...request, outcome: 'not_found', reason: 'unknown_host', answer };
  const challenged = scheme === 'http' || hasCertificate ? ownershipChallengeOf(byHost.get(hostname), path) : undefined;
  if (challenged) return { ...request, outcome: 'ownership_challenge', route: challenged, status: 200, body: challenged.ownershipChallenge!.token };
  const acme = path.segments.length > 2 && ACME_CHALLENGE_PREFIX.every((s, i) => decodeUnreserved(path.segments[i] ?? '') === s);
  if (scheme === 'http' && hasCertificate && acme) return { ...request, outcome: 'acme_challenge' };
  const chosen = find(hostname, path);
  if (!chosen) return { ...request, outcome: 'not_found', reason: 'no_matching_path', answer };

  const { route } = chosen;
  const handling = PROTOCOL_HANDLING[route.protocol][scheme];
  if (handling === 'refuse') return { ...request, outcome: 'refused', route, reason: scheme === 'http' ? 'https_only' : 'http_only', answer };
  if (handling === 'redirect') return { ...request, outcome: 'redirect', route, status: route.redirectStatus ?? REDIRECT_STATUS, location: `https://${hostname}${parsed.path}${suffix}` };

  const strip = route.stripPath && chosen.baseSegments.length > 0;
  const rest = path.segments.slice(chosen.baseSegments.length);
  // Exactly the base path leaves nothing (the internal path itself is forwarded); the base path plus `/` leaves `/`.
  const stripped = rest.length > 0 ? formatPath(rest, path.trailingSlash) : path.trailingSlash ? '/' : '';
  const forwarded = strip ? stripped : request.path;
  const internalPath = joinPaths(chosen.internalPath, forwarded);
  const upstreamHost = route.upstream.host.includes(':') && !route.upstream.host.startsWith('[') ? `[${route.upstream.host}]` : route.upstream.host;
  return {
    ...request,
    outcome: 'proxy',
    route,
    basePath: chosen.basePath,
    ...(strip ? { strippedPrefix: chosen.basePath } : {}),
    internalPath,
    internalUrl: `http://${upstreamHost}:${route.upstream.port}${internalPath}${suffix}`,
  };
}

/**
 * The routing preview of one request: the route chosen, how its protocol mode treats the scheme, what is stripped,
 * and the internal target `http://<upstream.host>:<port><internal path + rest>[?query]`. Takes an external URL
 * (`https://shop.example.com/api/v1/users?id=3`, parsed as a browser would send it) or a request as an edge saw it
 * (`{ scheme, hostname: <Host header>, path: <request target> }`). Never throws for a request: no match is a
 * `not_found` result, a malformed URL an `invalid` one.
 *
 * @example
 * previewRoute([{ hostname: 'api.example.com', basePath: '/v1', upstream: { host: 'container', port: 3000 },
 *   stripPath: true, protocol: 'https' }], 'https://api.example.com/v1/users')
 * // { outcome: 'proxy', strippedPrefix: '/v1', internalPath: '/users', internalUrl: 'http://container:3000/users', … }
 */
export function previewRoute(routes: readonly Route[], input: PreviewInput): RoutePreview {
  return compileRoutes(routes).preview(input);
}
