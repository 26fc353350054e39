/**
 * Which routes can be served at all: `checkRoute` decides, once, for every consumer. A route that fails it is not
 * part of the routing: the kernel never hands it to an edge renderer (it reports it as skipped instead), and
 * matching and previews (routing.ts) leave it out, so a preview still says what the edges do. One tenant's bad
 * row (an upstream host `"a b"` stored before upstreams were validated) then costs that route, never another
 * tenant's delivery. The rules are part of the routing contract in routing.ts; this is its checking half.
 */
import { isIP } from 'node:net';
import { forbiddenUpstream, type ForbiddenUpstream } from './addresses.ts';
import type { Route } from './hooks.ts';
import { normaliseBasePath, normaliseInternalPath } from './routing-paths.ts';
import { normaliseHostname, PROTOCOL_HANDLING } from './routing.ts';

/** Why a route cannot be served. Stable codes: the server shows them on edge statuses and mappings. */
export const ROUTE_ISSUES = [
  'invalid_hostname',
  'invalid_base_path',
  'invalid_internal_path',
  'invalid_upstream_host',
  'forbidden_upstream',
  'invalid_upstream_port',
  'invalid_protocol',
  'invalid_redirect_status',
  'invalid_tenant',
  'invalid_ownership_challenge',
] as const;
export type RouteIssue = (typeof ROUTE_ISSUES)[number];

/** A route left out of a render or a preview, and why. */
export interface SkippedRoute {
  route: Route;
  reason: RouteIssue;
  message: string;
}

/** A checked route with its canonical parts, as routing compares it; or why it cannot be served. */
export type RouteCheck =
  | { ok: true; hostname: string; basePath: string; internalPath: string }
  | { ok: false; reason: RouteIssue; message: string };

/** Where Portico's ownership challenge of a hostname lives (`http-file`): the token is the last segment. */
export const OWNERSHIP_CHALLENGE_PATH = '/.well-known/portico-challenge/';

/** `/.well-known/portico-challenge/<token>`: the exact path an edge answers with the token. */
export function ownershipChallengePath(token: string): string {
  return `${OWNERSHIP_CHALLENGE_PATH}${token}`;
}

/** Tokens are path-segment and config safe as they are: no escaping anywhere (paths, rules, JSON, YAML). */
const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;
/** Tenant slugs name files (one Traefik file, one GitOps file per tenant): file-name safe only. */
const SLUG = /^[a-z0-9-]{1,64}$/;
/** A host name: labels of letters, digits, `_` and inner `-`, at most 63 each (an IPv4 literal matches too). */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;
/** Why `host` cannot be an upstream (`undefined`: it can): a host name, an IPv4 literal or an IPv6 literal. */
function upstreamHostIssue(host: unknown): { reason: RouteIssue; message: string } | undefined {
  if (typeof host !== 'string' || host.length === 0 || host.length > 253) return invalidHost(host);
  // The common case first, cheaply: a host name (or an IPv4 literal, which has the same shape).
  if (!HOST_NAME.test(host)) {
    const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (isIP(address) !== 6) return invalidHost(host);
  }
  const forbidden = forbiddenUpstream(host);
  return forbidden === undefined
    ? undefined
    : { reason: 'forbidden_upstream', message: `upstream host ${host} is ${FORBIDDEN_AS[forbidden]}; edges never forward to it` };
}

const invalidHost = (host: unknown) => ({ reason: 'invalid_upstream_host' as const, message: `upstream host ${JSON.stringify(host)} is not a host name or an IP address` });
const FORBIDDEN_AS: Record<ForbiddenUpstream, string> = {
  link_local: 'a link-local address (cloud metadata services live there)',
  metadata: 'a cloud metadata service',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
};

/**
 * Whether a route can be served, with its canonical parts. Checks every field an edge renders: the hostname (a
 * hostname or a `*.` wildcard), the base and internal paths (routing-paths.ts), the upstream (a host name or IP
 * literal, never link-local or a metadata service, port 1–65535), the protocol mode, the redirect status (301 or
 * 308), the tenant slugs and the ownership challenge (a token of `A-Z a-z 0-9 _ -`, never on a wildcard).
 * Never throws, whatever the input.
 */
export function checkRoute(route: Route): RouteCheck {
  const refuse = (reason: RouteIssue, message: string): RouteCheck => ({ ok: false, reason, message });
  if (typeof route !== 'object' || route === null) return refuse('invalid_hostname', 'the route is not an object');
  const raw = typeof route.hostname === 'string' ? route.hostname : '';
  // A route names a DNS name, so `shop.example.com.` is `shop.example.com`; a request's trailing dot is kept.
  // A route may be a wildcard (`*.example.com`): it serves names one label below, never the parent itself.
  const wildcard = raw.startsWith('*.');
  const named = normaliseHostname(wildcard ? raw.slice(2) : raw)?.replace(/\.$/, '');
  if (!named) return refuse('invalid_hostname', `hostname ${JSON.stringify(route.hostname)} is not a hostname`);
  const hostname = wildcard ? `*.${named}` : named;
  const where = () => `${hostname}${typeof route.basePath === 'string' ? route.basePath : ''}`;
  const base = typeof route.basePath === 'string' ? normaliseBasePath(route.basePath) : undefined;
  if (!base?.ok) return refuse('invalid_base_path', `${where()}: base path: ${base?.message ?? 'missing'}`);
  const upstream = (typeof route.upstream === 'object' && route.upstream !== null ? route.upstream : {}) as Partial<Route['upstream']>;
  const internal = typeof (upstream.path ?? '/') === 'string' ? normaliseInternalPath(upstream.path ?? '/') : undefined;
  if (!internal?.ok) return refuse('invalid_internal_path', `${where()}: internal path: ${internal?.message ?? 'not a string'}`);
  const hostIssue = upstreamHostIssue(upstream.host);
  if (hostIssue) return refuse(hostIssue.reason, `${where()}: ${hostIssue.message}`);
  const { port } = upstream;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return refuse('invalid_upstream_port', `${where()}: upstream port ${String(port)} is not in 1-65535`);
  if (!Object.hasOwn(PROTOCOL_HANDLING, route.protocol)) return refuse('invalid_protocol', `${where()}: unknown protocol mode ${JSON.stringify(route.protocol)}`);
  if (route.redirectStatus !== undefined && route.redirectStatus !== 301 && route.redirectStatus !== 308) {
    return refuse('invalid_redirect_status', `${where()}: redirect status ${String(route.redirectStatus)} is neither 301 nor 308`);
  }
  if (route.tenant !== undefined && !(SLUG.test(String(route.tenant?.organization)) && SLUG.test(String(route.tenant?.project)))) {
    return refuse('invalid_tenant', `${where()}: tenant slugs must be lower-case letters, digits and hyphens`);
  }
  const challenge = route.ownershipChallenge;
  if (challenge !== undefined && (wildcard || typeof challenge?.token !== 'string' || !TOKEN.test(challenge.token))) {
    return refuse('invalid_ownership_challenge', `${where()}: ${wildcard ? 'a wildcard route carries no ownership challenge' : 'the ownership challenge token must be 1-128 of A-Z a-z 0-9 _ -'}`);
  }
  return { ok: true, hostname, basePath: base.path, internalPath: internal.path };
}

/**
 * Each route object's check, kept while the object lives: a route handed to the kernel is a value that is never
 * edited afterwards (the server's table replaces a host's routes, it does not change one), so a table of a million
 * routes is checked once, not on every render.
 */
const checked = new WeakMap<Route, ReturnType<typeof checkRoute>>();

/**
 * Split a route table into the routes that can be served and the ones that cannot (with the reason), keeping the
 * order of each. What the kernel does before every render, so renderers only ever see checked routes.
 */
export function partitionRoutes(routes: readonly Route[]): { routes: Route[]; skipped: SkippedRoute[] } {
  const valid: Route[] = [];
  const skipped: SkippedRoute[] = [];
  for (const route of routes) {
    let check = checked.get(route);
    if (check === undefined) checked.set(route, (check = checkRoute(route)));
    if (check.ok) valid.push(route);
    else skipped.push({ route, reason: check.reason, message: check.message });
  }
  return { routes: valid, skipped };
}
