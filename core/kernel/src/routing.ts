/**
 * Routing semantics: which route serves a request and what the upstream receives. One implementation used by
 * the API (the mapping preview, the resolve endpoint), the console, and the edge renderers, so a preview and
 * the real routing cannot disagree. A contract file: every rule below is tested (routing.test.ts, routing-paths.test.ts,
 * routing-preview.test.ts), and an edge renderer is correct when its edge does what `previewRoute` says.
 *
 * ## Hostnames
 * Compared exactly after `normaliseHostname`: lower case, without the port; a U-label is turned into its A-label
 * (browsers put A-labels in the Host header). A route may be a wildcard (`*.example.com`): it serves names one
 * label below and never the parent; an exact hostname beats it. A request's trailing dot is kept, so a request for
 * `shop.example.com.` finds no route, as on Caddy 2.6.2 (measured); a route's trailing dot is dropped.
 *
 * ## Paths
 * 1. The request path is normalised before matching, and the normalised path is what is forwarded: runs of `/`
 *    are merged and `.` / `..` segments (also as `%2E`) removed (RFC 3986 §5.2.4, `..` stops at the root); a
 *    trailing slash is kept. This is Traefik's path sanitization and Istio's `MERGE_SLASHES` normalisation.
 * 2. A base path matches on a segment boundary only: `/api` serves `/api`, `/api/`, `/api/x`, never `/apiary`.
 *    Segments compare case-sensitively, with percent-encoded unreserved characters decoded (`/%61pi` is `/api`,
 *    RFC 3986 §6.2.2.2). `%2F` is never a slash: `/api%2Fx` is one segment and does not match `/api`.
 * 3. Of the routes of a host whose base path matches, the longest wins; `/` matches every path. Routes that tie
 *    (same host and base path: the database refuses them, but a route list may still hold two) are ordered by
 *    upstream host, upstream port, internal path, strip on before off, then protocol mode (`PROTOCOL_MODES`
 *    order). The winner depends on the routes, never on their order in the list. See `compareRoutes`.
 * 4. Strip on: the base path is removed and the rest appended to the internal path (`/api/v1/users`, base `/api`:
 *    internal `/` → `/v1/users`, internal `/svc` → `/svc/v1/users`). Exactly the base path forwards the internal
 *    path itself (`/api` → `/`, or `/svc`); `/api/` forwards `/` (or `/svc/`). Strip off: the whole path is
 *    appended to the internal path (`/svc/api/v1/users`; internal `/` → `/api/v1/users`). Strip with base `/`
 *    removes nothing.
 * 5. Segments keep their percent-encoding as sent (`%2F` stays `%2F`, `%7E` stays `%7E`); the query is kept
 *    byte for byte, repeated parameters and an empty `?` included; the fragment is dropped (never sent).
 *
 * ## Protocol modes (`PROTOCOL_HANDLING`)
 * - `https` (default): HTTPS is proxied; plain HTTP is answered 404 by the edge without reaching the upstream.
 *   Not a redirect (that is `redirect-to-https`) and not a closed port: port 80 stays open for other hosts and
 *   for ACME HTTP-01.
 * - `http`: HTTP is proxied; HTTPS is answered 404 when the host has a certificate because another of its routes
 *   offers HTTPS, and otherwise fails the TLS handshake (no route offers HTTPS, so the ask gate allows none).
 * - `both`: both proxied.
 * - `redirect-to-https`: HTTPS proxied; HTTP answered `308` to `https://<hostname><path as sent>[?query]` (no
 *   port, as Caddy's redirect); 308 keeps the method and body.
 * Over HTTP, `/.well-known/acme-challenge/…` of a host with a route that offers HTTPS never reaches the upstream:
 * the edge answers it or forwards it to Portico (outcome `acme_challenge`), before any redirect.
 * A request routed nowhere is answered 404, except over HTTPS to a host without a certificate (TLS fails).
 *
 * ## Ownership challenges (`Route.ownershipChallenge`)
 * A request for exactly `/.well-known/portico-challenge/<token>` (after path normalisation; any query) to a host
 * whose own routes carry that token is answered by the edge: 200, `text/plain`, the token as the body (outcome
 * `ownership_challenge`), over HTTP and over HTTPS (when the host has a certificate), before any redirect or
 * refusal; it never reaches the upstream. Any other path under the prefix, and any other token, is routed as
 * usual. Wildcard routes carry no challenge.
 *
 * ## Malformed routes
 * A route that fails `checkRoute` (routing-check.ts) is not served: the kernel never hands it to a renderer, and
 * matching and previews leave it out, so they keep saying what the edges do. A preview names the left-out routes
 * of the request's host (`skipped`). Only `compareRoutes`, for renderers of checked tables, throws on one.
 *
 * ## How edges render this
 * - Segment boundary: Caddy `path: ["/api", "/api/*"]`; Traefik ``Path(`/api`) || PathPrefix(`/api/`)``
 *   (`PathPrefix(`/api`)` alone matches `/apiary`); Istio `exact: /api` plus `prefix: /api/` (an Envoy prefix is
 *   a plain string prefix); Gateway API `PathPrefix` is segment-aware already.
 * - Strip: Caddy `rewrite.strip_path_prefix` (2.6.2 measured: `/api` and `/api/` → `/`, `/api/x/` → `/x/`,
 *   `//api//x` → `/x`, query kept, `?` kept); Traefik `stripPrefix` (an empty rest becomes `/`); Istio rewrite on
 *   `prefix: /api/` to `<internal>/`, and on `exact: /api` to `<internal>` (never `prefix: /api` rewritten to
 *   `/`, which sends `//x`).
 * - Where Caddy 2.6.2 differs (measured): its `path` matcher and strip ignore case (`/API/x` reaches the `/api`
 *   route as `/x`); `/api%2Fx` is answered 400; `/a/%2e%2e/api/x` reaches the `/api` route unstripped; with
 *   strip off the raw path is forwarded (`//keep//x`). Traefik ≥3.6 rejects `%2F`, `%5C`, `%3B`, `%25`, `%3F`,
 *   `%23` and `%00` (400) unless its entry point allows them, and forwards `%7E` as `~` (the same URI).
 */
import type { Route } from './hooks.ts';
import { checkRoute, type RouteIssue } from './routing-check.ts';
import { decodeUnreserved, parseRequestPath, splitTarget, type RequestPath } from './routing-paths.ts';
import { previewWith, type PreviewInput, type RoutePreview } from './routing-preview.ts';

export { MAX_BASE_PATH_LENGTH, normaliseBasePath, normaliseInternalPath, PATH_ISSUES } from './routing-paths.ts';
export type { PathCheck, PathIssue } from './routing-paths.ts';
export { checkRoute, OWNERSHIP_CHALLENGE_PATH, ownershipChallengePath, partitionRoutes, ROUTE_ISSUES } from './routing-check.ts';
export type { RouteCheck, RouteIssue, SkippedRoute } from './routing-check.ts';
export { previewRoute } from './routing-preview.ts';
export type { EdgeAnswer, PreviewInput, PreviewRequest, RoutePreview } from './routing-preview.ts';

// ---------------------------------------------------------------------------------------------------------
// Hostnames and protocol modes
// ---------------------------------------------------------------------------------------------------------

/**
 * A Host header value or hostname as routes compare it: lower case, port removed (`Shop.Example.com:8443` →
 * `shop.example.com`), U-labels turned into A-labels (`bücher.example` → `xn--bcher-kva.example`), IPv6 literals
 * in brackets (`[::1]`). A trailing dot is kept. `undefined` when it is not a hostname.
 */
export function normaliseHostname(input: string): string | undefined {
  const bracketed = /^(\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.exec(input);
  if (bracketed) return bracketed[1]?.toLowerCase();
  let host = input.replace(/:\d{1,5}$/, '');
  if (/[^\x20-\x7e]/.test(host)) {
    if (/[\s/?#@:%\\[\]]/.test(host)) return undefined;
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      return undefined;
    }
  }
  host = host.toLowerCase();
  if (host.length > 254 || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(host)) return undefined;
  return host;
}

/** The protocol modes of a route, most secure first (the order ties are broken in). */
export const PROTOCOL_MODES = ['https', 'redirect-to-https', 'both', 'http'] as const satisfies readonly Route['protocol'][];

/** What an edge does with each scheme under each protocol mode: the single table renderers read. */
export const PROTOCOL_HANDLING = {
  https: { http: 'refuse', https: 'proxy' },
  'redirect-to-https': { http: 'redirect', https: 'proxy' },
  both: { http: 'proxy', https: 'proxy' },
  http: { http: 'proxy', https: 'refuse' },
} as const satisfies Record<Route['protocol'], Record<'http' | 'https', 'proxy' | 'redirect' | 'refuse'>>;

/** The default redirect of `redirect-to-https` (`Route.redirectStatus`): permanent, and the method and body are kept. */
export const REDIRECT_STATUS = 308;

/** Whether a route needs a certificate for its hostname (every mode but `http`): what the ask gate allows. */
export function offersHttps(protocol: Route['protocol']): boolean {
  return PROTOCOL_HANDLING[protocol].https === 'proxy';
}

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

/** A request as an edge sees it. */
export interface RouteRequest {
  /** The Host header (any case, optionally with a port) or a hostname. */
  hostname: string;
  /** The request target as sent: the path, optionally `?query` (ignored by matching); a `#fragment` is ignored. */
  path: string;
}

/** A route table checked and indexed once; see `compileRoutes`. */
export interface CompiledRoutes {
  match(request: RouteRequest): Route | undefined;
  preview(input: PreviewInput): RoutePreview;
}

/** A checked route with its canonical parts, as routes are compared. */
export interface Compiled {
  route: Route;
  hostname: string;
  basePath: string;
  baseSegments: string[];
  internalPath: string;
}

/** A route left out of a preview, as the preview names it (`skipped`). */
export interface SkippedInPreview {
  hostname: string;
  basePath: string;
  reason: RouteIssue;
  message: string;
}

/** The compiled route, or why it is not served (`checkRoute`). */
function tryCompile(route: Route): Compiled | SkippedInPreview {
  const check = checkRoute(route);
  if (!check.ok) {
    // Indexed by the hostname as requests find it, so a preview of the host can name what was left out.
    const raw = String(route?.hostname);
    const wildcard = raw.startsWith('*.');
    const named = normaliseHostname(wildcard ? raw.slice(2) : raw)?.replace(/\.$/, '');
    const hostname = named === undefined ? raw : wildcard ? `*.${named}` : named;
    return { hostname, basePath: String(route?.basePath), reason: check.reason, message: check.message };
  }
  const baseSegments = check.basePath === '/' ? [] : check.basePath.slice(1).split('/');
  return { route, hostname: check.hostname, basePath: check.basePath, baseSegments, internalPath: check.internalPath };
}

function compile(route: Route): Compiled {
  const compiled = tryCompile(route);
  if (!('route' in compiled)) throw new TypeError(`Malformed route ${compiled.hostname}${compiled.basePath}: ${compiled.message}`);
  return compiled;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareCompiled(a: Compiled, b: Compiled): number {
  return (
    byCodeUnit(a.hostname, b.hostname) ||
    b.baseSegments.length - a.baseSegments.length ||
    byCodeUnit(a.basePath, b.basePath) ||
    byCodeUnit(a.route.upstream.host, b.route.upstream.host) ||
    a.route.upstream.port - b.route.upstream.port ||
    byCodeUnit(a.internalPath, b.internalPath) ||
    Number(b.route.stripPath) - Number(a.route.stripPath) ||
    PROTOCOL_MODES.indexOf(a.route.protocol) - PROTOCOL_MODES.indexOf(b.route.protocol)
  );
}

/**
 * Route precedence, for renderers of first-match edges: by hostname, then the longest base path first, then the
 * tie-break of rule 3. Sorting a host's routes with it and taking the first whose base path matches is exactly
 * `matchRoute`. Throws a `TypeError` for a malformed route.
 */
export function compareRoutes(a: Route, b: Route): number {
  return compareCompiled(compiledOnce(a), compiledOnce(b));
}

/**
 * Each route's compiled form, kept while the route object lives: a sort compares every route many times, and a
 * route handed to the kernel is never edited afterwards (the same rule as `partitionRoutes`' checks).
 */
const compiledRoutes = new WeakMap<Route, Compiled>();
function compiledOnce(route: Route): Compiled {
  let compiled = compiledRoutes.get(route);
  if (compiled === undefined) compiledRoutes.set(route, (compiled = compile(route)));
  return compiled;
}

function matches(compiled: Compiled, path: RequestPath): boolean {
  return compiled.baseSegments.every((segment, i) => path.segments[i] !== undefined && decodeUnreserved(path.segments[i]) === segment);
}

/**
 * A host's routes: its own when it has any, else those of the wildcard one label up (`a.example.com` →
 * `*.example.com`). An exact hostname always beats a wildcard; a wildcard never serves two labels down.
 */
export function candidatesFor<T>(byHost: ReadonlyMap<string, T[]>, hostname: string): T[] | undefined {
  const own = byHost.get(hostname);
  if (own !== undefined) return own;
  const dot = hostname.indexOf('.');
  return dot > 0 ? byHost.get(`*${hostname.slice(dot)}`) : undefined;
}

/**
 * Routes checked once and indexed by hostname, for callers that match many requests against one table (the
 * resolve endpoint). `matchRoute` and `previewRoute` are this for a single call. A malformed route (`checkRoute`)
 * is left out, as every edge leaves it out, and named in the previews of its host; nothing here throws.
 */
export function compileRoutes(routes: readonly Route[]): CompiledRoutes {
  const byHost = new Map<string, Compiled[]>();
  const skippedByHost = new Map<string, SkippedInPreview[]>();
  for (const compiled of routes.map(tryCompile)) {
    const index: Map<string, unknown[]> = 'route' in compiled ? byHost : skippedByHost;
    const list = index.get(compiled.hostname) ?? [];
    list.push(compiled);
    index.set(compiled.hostname, list);
  }
  for (const list of byHost.values()) list.sort(compareCompiled);

  const find = (hostname: string, path: RequestPath) => candidatesFor(byHost, hostname)?.find((c) => matches(c, path));
  return {
    match(request) {
      const hostname = normaliseHostname(request.hostname);
      const raw = splitTarget(request.path);
      if (hostname === undefined || raw === undefined) return undefined;
      return find(hostname, parseRequestPath(raw.path))?.route;
    },
    preview(input) {
      return previewWith(byHost, find, input, skippedByHost);
    },
  };
}

/**
 * The route that serves a request: the host's routes (exact hostname after `normaliseHostname`) whose base path
 * matches on a segment boundary, longest first, ties broken as in `compareRoutes`. `undefined` when none does.
 *
 * @example matchRoute(routes, { hostname: 'Shop.Example.com:443', path: '/api/v1/users?id=3' })
 */
export function matchRoute(routes: readonly Route[], request: RouteRequest): Route | undefined {
  return compileRoutes(routes).match(request);
}
