/**
 * Route table → Caddy JSON. Pure: data in, config out; delivery lives in client.ts. The output is accepted by
 * Caddy 2.6.2 (Debian) and newer: on-demand TLS is gated with `on_demand.ask` only (2.6 rejects `permission`,
 * 2.9 rejects `rate_limit`).
 *
 * Grouping: Caddy walks a server's routes in order, so one route per hostname costs a linear scan (measured on
 * 2.6: 13.8 ms to reach the 20,000th). Routes with the same base path and the same action (upstream, strip,
 * internal path) become ONE Caddy route whose host matcher lists all their hostnames; host matchers with more
 * than 100 names are binary-searched by Caddy.
 *
 * Ordering: the first matching route wins. Groups are sorted by base path length, longest first, so for any
 * host the longest base path that matches the request is tried before every shorter one (two base paths that
 * both match one path are prefixes of each other, so the longer string is the longer prefix). Ties are broken by
 * the group's key, so the output is stable. Every (host, base path) appears once on each server: a base path a
 * scheme must not serve gets an explicit 404 route, so a shorter base path of the same host cannot catch it.
 *
 * Addressing: every route Portico renders carries an `@id` (`portico-<server>-<digest of its group key>`, the
 * challenge route `portico-<server>-challenges`), stable while the group exists, so a delivery can change one
 * group's host list through the admin API (deliver.ts) rather than load the whole config.
 */
import { createHash } from 'node:crypto';
import { compareRoutes, OWNERSHIP_CHALLENGE_PATH, ownershipChallengePath, type Route, type SuppliedCertificate } from '@portico/kernel';

export type CaddyIssuer =
  | { module: 'internal' }
  | { module: 'acme'; ca?: string; email?: string; trustedRootsPemFiles?: string[] };

export interface CaddyRenderOptions {
  /** `admin.listen`, e.g. `127.0.0.1:2019`. */
  adminListen: string;
  httpPort: number;
  httpsPort: number;
  /** Addresses both servers bind (`127.0.0.1`, `::1`); empty: all interfaces. */
  listenAddresses: string[];
  /** Portico's `/edge/ask` URL; Caddy adds `?domain=<sni>`. */
  askUrl: string;
  issuers: CaddyIssuer[];
  /** `storage.root` (file system); absent: Caddy's default under $XDG_DATA_HOME. */
  storageRoot?: string;
  /** Status of the HTTP → HTTPS redirect for `redirect-to-https` routes without a `redirectStatus` of their own. */
  redirectStatus: 301 | 308;
}

export type Action =
  | { kind: 'proxy'; dial: string; strip: boolean; internalPath: string }
  | { kind: 'redirect'; status: 301 | 308 }
  | { kind: 'not_served' };

/** Routes with the same base path and action on one server: one Caddy route listing all their hostnames. */
export interface Group {
  key: string;
  basePath: string;
  action: Action;
  hosts: Set<string>;
}

export type Json = Record<string, unknown>;
export type Scheme = 'https' | 'http';
export const SCHEMES: readonly Scheme[] = ['https', 'http'];

/** A route of the table as rendered: hostname lowercased without a trailing dot, base path trimmed. */
export type TableRoute = Route & { basePath: string; hostname: string };

/** The tag of certificates Portico supplies (`load_pem`); the connection policy of their names selects only it. */
export const SUPPLIED_TAG = 'portico-supplied';

/**
 * `certificates`: certificates Portico supplies (cert.acme). They are loaded into Caddy's cache (`load_pem`, tagged);
 * a TLS connection policy matching their names selects only tagged certificates, so Caddy serves exactly the
 * supplied one even when its storage still holds an on-demand certificate for the name; and an automation policy
 * for those names comes before the on-demand one and has no `on_demand`, so Caddy never obtains them itself.
 */
export function renderCaddyConfig(routes: readonly Route[], options: CaddyRenderOptions, certificates: readonly SuppliedCertificate[] = []): Json {
  const table = uniqueRoutes(routes);
  const pairs = challengePairs(routes);
  const serverRoutes = (scheme: Scheme) => {
    const groups = [...groupRoutes(table, scheme, options.redirectStatus).values()].sort(compareGroups);
    return [...challengeRoute(pairs, scheme), ...groups.map((group) => groupRoute(group, scheme, options)), catchAllRoute()];
  };
  return caddyConfig(options, certificates, { https: serverRoutes('https'), http: serverRoutes('http') });
}

/** The whole config around each server's routes (challenge route, groups in order, `catchAllRoute` last). */
export function caddyConfig(options: CaddyRenderOptions, certificates: readonly SuppliedCertificate[], routes: Record<Scheme, Json[]>): Json {
  const supplied = suppliedTls(certificates);
  const onDemand = { on_demand: true, issuers: options.issuers.map((issuer) => renderIssuer(issuer, options)) };
  const tls = {
    ...(supplied ? { certificates: { load_pem: supplied.loadPem } } : {}),
    automation: { on_demand: { ask: options.askUrl }, policies: [...(supplied ? [{ subjects: supplied.names }] : []), onDemand] },
  };
  return {
    admin: { listen: options.adminListen, config: { persist: false } },
    ...(options.storageRoot === undefined ? {} : { storage: { module: 'file_system', root: options.storageRoot } }),
    apps: {
      pki: { certificate_authorities: { local: { install_trust: false } } },
      tls,
      http: {
        http_port: options.httpPort,
        https_port: options.httpsPort,
        servers: {
          https: {
            listen: listen(options.listenAddresses, options.httpsPort),
            routes: routes.https,
            tls_connection_policies: [...(supplied ? [{ match: { sni: supplied.names }, certificate_selection: { any_tag: [SUPPLIED_TAG] } }] : []), {}],
            // The HTTP server below is ours, so Caddy adds no redirect server of its own (which would bind :80 on
            // every interface). Certificates come on demand, gated by ask: no load-time list of host names (2.6
            // keeps that list in a slice and searches it linearly per name, O(n²) at load).
            automatic_https: { disable_redirects: true, disable_certificates: true },
          },
          http: { listen: listen(options.listenAddresses, options.httpPort), routes: routes.http },
        },
      },
    },
  };
}

/** The last route of each server: whatever no other route matched is answered 404. */
export const catchAllRoute = (): Json => ({ handle: [{ handler: 'static_response', status_code: 404 }], terminal: true });

/** The `@id` of a group's route on one server. */
export function groupId(scheme: Scheme, key: string): string {
  return `portico-${scheme}-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

/** The `@id` of the challenge route on one server. */
export const challengeId = (scheme: Scheme) => `portico-${scheme}-challenges`;

/** Caddy's order of group routes (see Ordering above). */
export function compareGroups(a: Group, b: Group): number {
  return b.basePath.length - a.basePath.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The `load_pem` entries (sorted by first name) and every name they serve (sorted, once); undefined for none. */
function suppliedTls(certificates: readonly SuppliedCertificate[]): { loadPem: Json[]; names: string[] } | undefined {
  if (certificates.length === 0) return undefined;
  const sorted = [...certificates].sort((a, b) => (a.hostnames[0]! < b.hostnames[0]! ? -1 : a.hostnames[0]! > b.hostnames[0]! ? 1 : 0));
  const names = [...new Set(sorted.flatMap((c) => c.hostnames.map((h) => h.toLowerCase())))].sort();
  return { loadPem: sorted.map((c) => ({ certificate: c.certificatePem, key: c.privateKeyPem, tags: [SUPPLIED_TAG] })), names };
}

/**
 * One route per (hostname, base path). Two for the same pair (the database refuses them, a list may still hold
 * them) are decided by the kernel's tie-break (`compareRoutes`), so the edge serves what `previewRoute` says.
 */
export function uniqueRoutes(routes: readonly Route[]): TableRoute[] {
  const chosen = new Map<string, TableRoute>();
  for (const route of routes) {
    const hostname = canonicalHost(route.hostname);
    const basePath = trimPath(route.basePath);
    const id = `${hostname} ${basePath}`;
    const candidate = { ...route, hostname, basePath };
    const held = chosen.get(id);
    if (!held || compareRoutes(candidate, held) < 0) chosen.set(id, candidate);
  }
  return [...chosen.values()];
}

/** `Shop.Example.test.` → `shop.example.test`: the hostname as rendered. */
export const canonicalHost = (hostname: string) => hostname.toLowerCase().replace(/\.$/, '');

function actionFor(route: Route, scheme: Scheme, redirectStatus: 301 | 308): Action {
  const served = scheme === 'https' ? route.protocol !== 'http' : route.protocol === 'http' || route.protocol === 'both';
  if (served) return { kind: 'proxy', dial: dial(route.upstream.host, route.upstream.port), strip: route.stripPath && route.basePath !== '/', internalPath: trimPath(route.upstream.path ?? '/') };
  if (scheme === 'http' && route.protocol === 'redirect-to-https') return { kind: 'redirect', status: route.redirectStatus ?? redirectStatus };
  return { kind: 'not_served' };
}

/**
 * Portico's ownership challenges (`Route.ownershipChallenge`), first on both servers so no redirect, refusal or
 * proxy comes before them: one route matching the challenge prefix on the challenged hosts (a host list Caddy
 * binary-searches past 100 names, so other requests pay one path check), holding per host the exact path answered
 * with the token. Not terminal: another token, or a longer path, falls through to the host's routes.
 */
export function challengeRoute(pairs: ReadonlyMap<string, [string, string]>, scheme: Scheme): Json[] {
  if (pairs.size === 0) return [];
  const sorted = [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, pair]) => pair);
  const answers = sorted.map(([host, token]) => ({
    match: [{ host: [host], path: [ownershipChallengePath(token)] }],
    handle: [{ handler: 'static_response', status_code: 200, headers: { 'Content-Type': ['text/plain; charset=utf-8'] }, body: token }],
    terminal: true,
  }));
  return [{ '@id': challengeId(scheme), match: [{ host: [...new Set(sorted.map(([host]) => host))], path: [`${OWNERSHIP_CHALLENGE_PATH}*`] }], handle: [{ handler: 'subroute', routes: answers }] }];
}

/** The (hostname, token) pairs of the challenges in `routes`, keyed `<hostname> <token>`. */
export function challengePairs(routes: readonly Route[]): Map<string, [string, string]> {
  const pairs = new Map<string, [string, string]>();
  for (const route of routes) {
    if (!route.ownershipChallenge) continue;
    const hostname = canonicalHost(route.hostname);
    pairs.set(`${hostname} ${route.ownershipChallenge.token}`, [hostname, route.ownershipChallenge.token]);
  }
  return pairs;
}

/** The groups of one server, by key, from routes of the table (`uniqueRoutes`). */
export function groupRoutes(table: Iterable<TableRoute>, scheme: Scheme, redirectStatus: 301 | 308, into = new Map<string, Group>()): Map<string, Group> {
  for (const route of table) {
    const action = actionFor(route, scheme, redirectStatus);
    // The catch-all at the end already answers 404 for a whole host that is not served.
    if (action.kind === 'not_served' && route.basePath === '/') continue;
    const key = JSON.stringify([route.basePath, action]);
    let group = into.get(key);
    if (!group) into.set(key, (group = { key, basePath: route.basePath, action, hosts: new Set() }));
    group.hosts.add(route.hostname);
  }
  return into;
}

/** One group's Caddy route; `sorted`: its hosts already sorted (a fresh array the route keeps). */
export function groupRoute(group: Group, scheme: Scheme, options: CaddyRenderOptions, sorted?: string[]): Json {
  return { '@id': groupId(scheme, group.key), match: [matcher(group, sorted)], handle: handlers(group, options), terminal: true };
}

/** `/api` and `/api/*`: the base path itself and everything below it, never `/apiary`. */
function matcher({ hosts, basePath }: Group, sorted?: string[]): Json {
  const host = sorted ?? [...hosts].sort();
  return basePath === '/' ? { host } : { host, path: [basePath, `${basePath}/*`] };
}

function handlers({ action, basePath }: Group, options: CaddyRenderOptions): Json[] {
  if (action.kind === 'not_served') return [{ handler: 'static_response', status_code: 404 }];
  if (action.kind === 'redirect') {
    const port = options.httpsPort === 443 ? '' : `:${options.httpsPort}`;
    return [{ handler: 'static_response', status_code: action.status, headers: { Location: [`https://{http.request.host}${port}{http.request.uri}`] }, close: true }];
  }
  const out: Json[] = [];
  // `/api` → ``, `/api/x` → `/x` (Caddy also merges `//` while stripping).
  if (action.strip) out.push({ handler: 'rewrite', strip_path_prefix: basePath });
  // Prepend the internal path. `path_regexp` works on the escaped path, so `%2F` stays `%2F`; `uri` with
  // `{http.request.uri.path}` would decode it into a slash (checked on 2.6.2). `$` is special in the replacement.
  if (action.internalPath !== '/') out.push({ handler: 'rewrite', path_regexp: [{ find: '^', replace: action.internalPath.replaceAll('$', '$$$$') }] });
  out.push({ handler: 'reverse_proxy', upstreams: [{ dial: action.dial }] });
  return out;
}

function renderIssuer(issuer: CaddyIssuer, options: CaddyRenderOptions): Json {
  if (issuer.module === 'internal') return { module: 'internal' };
  // Challenges are answered on Caddy's own listeners; a CA (Pebble) must then validate on the same ports.
  const challenges: Json = {};
  if (options.httpPort !== 80) challenges.http = { alternate_port: options.httpPort };
  if (options.httpsPort !== 443) challenges['tls-alpn'] = { alternate_port: options.httpsPort };
  return {
    module: 'acme',
    ...(issuer.ca === undefined ? {} : { ca: issuer.ca }),
    ...(issuer.email === undefined ? {} : { email: issuer.email }),
    ...(issuer.trustedRootsPemFiles?.length ? { trusted_roots_pem_files: issuer.trustedRootsPemFiles } : {}),
    ...(Object.keys(challenges).length ? { challenges } : {}),
  };
}

function listen(addresses: string[], port: number): string[] {
  if (addresses.length === 0) return [`:${port}`];
  return [...addresses].sort().map((address) => `${address.includes(':') ? `[${address}]` : address}:${port}`);
}

function dial(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** `/`, or `/a/b` without a trailing slash. */
function trimPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
