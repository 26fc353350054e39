/**
 * Route table → Traefik v3 dynamic configuration (`http.routers`, `http.services`, `http.middlewares`). Pure:
 * data in, config out; delivery lives in deliver-*.ts.
 *
 * One router per route and scheme. Traefik tries routers by priority, and its default priority is the length
 * of the rule string, which has nothing to do with routing.ts. So every router gets an explicit priority: the
 * base path length + 1, longest first (two base paths that both match one request are prefixes of each other,
 * so the longer string is the longer prefix). Rules of different hosts never overlap (see below), so the
 * priority only orders the routers of one host.
 *
 * Segment boundary: a non-root base path is ``(Path(`/api`) || PathPrefix(`/api/`))``; `PathPrefix(`/api`)`
 * alone would also match `/apiary`.
 *
 * Refusals: a scheme a route does not serve (`https` over HTTP, `http` over HTTPS) must answer 404, not fall
 * through to a shorter base path of the same host. So a router's rule excludes the longer base paths of its
 * host that are not served on its entry point; Traefik answers 404 when no router matches.
 *
 * Wildcards: `*.example.com` is `HostRegexp(`^[^.]+\.example\.com$`)` (one label), minus the exact hostnames
 * below it that have routes of their own (an exact hostname beats the wildcard even where it has no matching
 * base path).
 *
 * Paths: strip with internal `/` is `stripPrefix` (an empty rest becomes `/`); any non-root internal path is one
 * `replacePathRegex` that strips (or not) and prepends in one step, because stripPrefix-then-addPrefix would turn
 * exactly `/api` into `/svc/` where routing.ts forwards `/svc`.
 *
 * Ownership challenges (`Route.ownershipChallenge`): Traefik has no static response, so with
 * `ownershipChallengeUrl` (Portico as Traefik reaches it) each challenged host gets a router for exactly
 * `/.well-known/portico-challenge/<token>`, above every base path (`CHALLENGE_PRIORITY`), to a service pointing at
 * Portico, which answers the token for a Host whose routed domain has it. Without the option nothing is rendered
 * and the path is routed as usual (the plugin warns: such domains drift once their DNS points at Traefik).
 */
import { createHash } from 'node:crypto';
import { compareRoutes, normaliseBasePath, normaliseHostname, normaliseInternalPath, ownershipChallengePath, type Route, type RouteTenant, type SuppliedCertificate } from '@portico/kernel';
import { stringify } from 'yaml';

export interface TraefikRenderOptions {
  /** Entry point for plain HTTP. Default `web`. */
  httpEntryPoint: string;
  /** Entry point for HTTPS. Default `websecure`. */
  httpsEntryPoint: string;
  /** `tls.certResolver` of HTTPS routers; absent: `tls: {}` (certificates supplied, e.g. by cert-acme). */
  certResolver?: string;
  /**
   * Portico's URL as Traefik reaches it (`http://portico:4000`, no path): ownership challenges of hostnames verified
   * by a file are forwarded there with their Host. Absent: no challenge routers.
   */
  ownershipChallengeUrl?: string;
}

export const DEFAULT_RENDER_OPTIONS: TraefikRenderOptions = { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' };

type Json = Record<string, unknown>;

export interface TraefikRouter {
  entryPoints: string[];
  rule: string;
  priority: number;
  service: string;
  middlewares?: string[];
  tls?: { certResolver?: string; domains?: { main: string }[] };
}

export interface TraefikConfig {
  http: { routers: Record<string, TraefikRouter>; services: Record<string, Json>; middlewares: Record<string, Json> };
  /**
   * Certificates Portico supplies (cert.acme): Traefik's `tls.certificates`, the PEM content itself in `certFile` and
   * `keyFile` (Traefik takes a path or the content), picked by SNI for routers with `tls: {}`. Absent without any.
   */
  tls?: { certificates: TraefikCertificate[] };
}

export interface TraefikCertificate {
  certFile: string;
  keyFile: string;
}

/** The service of every ownership-challenge router: Portico (`ownershipChallengeUrl`), the Host header kept. */
export const CHALLENGE_SERVICE = 'portico-ownership-challenge';
/** Above every base-path router (their priority is at most the longest base path + 1). */
export const CHALLENGE_PRIORITY = 10_000;

/** The middleware every `redirect-to-https` HTTP router uses. */
export const REDIRECT_MIDDLEWARE = 'portico-redirect-https';

interface Entry {
  route: Route;
  hostname: string;
  basePath: string;
  internalPath: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10);
const slug = (text: string) => text.replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'root';
const regexQuote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function entryOf(route: Route): Entry {
  const base = normaliseBasePath(route.basePath);
  const internal = normaliseInternalPath(route.upstream.path ?? '/');
  if (!base.ok || !internal.ok) throw new TypeError(`Malformed route ${route.hostname}${route.basePath}`);
  const wildcard = route.hostname.startsWith('*.');
  const named = normaliseHostname(wildcard ? route.hostname.slice(2) : route.hostname)?.replace(/\.$/, '');
  if (named === undefined) throw new TypeError(`Malformed route ${route.hostname}${route.basePath}: hostname`);
  return { route, hostname: wildcard ? `*.${named}` : named, basePath: base.path, internalPath: internal.path };
}

/** Routes sorted as routing.ts ranks them, one per (hostname, base path): the winner of a tie. */
function uniqueEntries(routes: readonly Route[]): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  for (const route of [...routes].sort(compareRoutes)) {
    const entry = entryOf(route);
    const key = `${entry.hostname} ${entry.basePath}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  return out;
}

/**
 * The owner of every router: router base name (`routeName`, without `-http`/`-https`) → the tenant of the route
 * that wins its (hostname, base path), `undefined` for a route of no tenant. Lets a rendered config be split per
 * project (split.ts) without rendering each project alone, which would lose rules that span projects (a wildcard
 * excludes the exact hostnames below it, whoever owns them).
 */
export function routerOwners(routes: readonly Route[]): Map<string, RouteTenant | undefined> {
  const challenges = challengesOf(routes).map(({ hostname, token, route }) => [routeName(hostname, ownershipChallengePath(token)), route.tenant] as const);
  return new Map([...uniqueEntries(routes).map((entry) => [routeName(entry.hostname, entry.basePath), entry.route.tenant] as const), ...challenges]);
}

/** Each (hostname, token) of the routes carrying an ownership challenge, sorted; the first route of it names the owner. */
function challengesOf(routes: readonly Route[]): Array<{ hostname: string; token: string; route: Route }> {
  const found = new Map<string, { hostname: string; token: string; route: Route }>();
  for (const route of [...routes].sort(compareRoutes)) {
    if (!route.ownershipChallenge) continue;
    const { hostname } = entryOf(route);
    const key = `${hostname} ${route.ownershipChallenge.token}`;
    if (!found.has(key)) found.set(key, { hostname, token: route.ownershipChallenge.token, route });
  }
  return [...found.values()];
}

const serves = { http: (p: Route['protocol']) => p !== 'https', https: (p: Route['protocol']) => p !== 'http' };

function pathRule(basePath: string): string | undefined {
  return basePath === '/' ? undefined : `(Path(\`${basePath}\`) || PathPrefix(\`${basePath}/\`))`;
}

function hostRule(hostname: string, exactBelow: string[]): string {
  if (!hostname.startsWith('*.')) return `Host(\`${hostname}\`)`;
  const regexp = `HostRegexp(\`^[^.]+\\.${regexQuote(hostname.slice(2))}$\`)`;
  return [regexp, ...exactBelow.map((host) => `!Host(\`${host}\`)`)].join(' && ');
}

/** A name Traefik accepts (no `@`, KV keys are case-insensitive): readable slug plus a hash of the identity. */
export function routeName(hostname: string, basePath: string): string {
  return `portico-${slug(`${hostname}${basePath === '/' ? '' : basePath}`)}-${hash(`${hostname} ${basePath}`)}`;
}

function upstreamUrl(route: Route): string {
  const host = route.upstream.host.includes(':') && !route.upstream.host.startsWith('[') ? `[${route.upstream.host}]` : route.upstream.host;
  return `http://${host}:${route.upstream.port}`;
}

export function renderTraefikConfig(routes: readonly Route[], options: TraefikRenderOptions = DEFAULT_RENDER_OPTIONS, certificates: readonly SuppliedCertificate[] = []): TraefikConfig {
  const entries = uniqueEntries(routes);
  const byHost = new Map<string, Entry[]>();
  for (const entry of entries) {
    const list = byHost.get(entry.hostname);
    if (list) list.push(entry);
    else byHost.set(entry.hostname, [entry]);
  }
  // Exact hostnames one label below each parent (`a.saas.test` under `saas.test`): what a wildcard must give way to.
  // Indexed once, so a table with many wildcards stays linear.
  const exactByParent = new Map<string, string[]>();
  for (const host of byHost.keys()) {
    const dot = host.indexOf('.');
    if (host.startsWith('*.') || dot === -1) continue;
    const parent = host.slice(dot + 1);
    const siblings = exactByParent.get(parent);
    if (siblings) siblings.push(host);
    else exactByParent.set(parent, [host]);
  }
  for (const list of exactByParent.values()) list.sort();
  const exactBelow = (wildcard: string) => exactByParent.get(wildcard.slice(2)) ?? [];

  const routers: Record<string, TraefikRouter> = {};
  const services: Record<string, Json> = {};
  const middlewares: Record<string, Json> = {};

  for (const entry of entries) {
    const { route, hostname, basePath, internalPath } = entry;
    const name = routeName(hostname, basePath);
    const url = upstreamUrl(route);
    const service = `portico-svc-${slug(`${route.upstream.host}-${route.upstream.port}`)}-${hash(url)}`;
    services[service] = { loadBalancer: { servers: [{ url }] } };

    const pathMiddlewares: string[] = [];
    const strip = route.stripPath && basePath !== '/';
    if (internalPath !== '/') {
      const mw = `portico-path-${hash(`${strip ? basePath : ''} ${internalPath}`)}`;
      const regex = strip ? `^${regexQuote(basePath)}(.*)$` : '^(.*)$';
      const replacement = `${internalPath.replace(/\$/g, '$$$$')}\${1}`;
      // Internal path ending in `/` and a rest starting with `/` must not double the slash (joinPaths).
      middlewares[mw] = { replacePathRegex: internalPath.endsWith('/') ? { regex: regex.replace('(.*)$', '/?(.*)$'), replacement } : { regex, replacement } };
      pathMiddlewares.push(mw);
    } else if (strip) {
      const mw = `portico-strip-${hash(basePath)}`;
      middlewares[mw] = { stripPrefix: { prefixes: [basePath] } };
      pathMiddlewares.push(mw);
    }

    const longer = (byHost.get(hostname) ?? []).filter((other) => other.basePath.length > basePath.length && (basePath === '/' || other.basePath.startsWith(`${basePath}/`)));
    const ruleFor = (scheme: 'http' | 'https') => {
      const excluded = longer.filter((other) => !serves[scheme](other.route.protocol)).map((other) => `!${pathRule(other.basePath)}`);
      return [hostRule(hostname, hostname.startsWith('*.') ? exactBelow(hostname) : []), pathRule(basePath), ...excluded].filter(Boolean).join(' && ');
    };
    const priority = basePath.length + 1;
    const withMiddlewares = (list: string[]) => (list.length > 0 ? { middlewares: list } : {});

    if (serves.https(route.protocol)) {
      const tls: TraefikRouter['tls'] = options.certResolver === undefined ? {} : { certResolver: options.certResolver };
      // A certResolver cannot read names out of HostRegexp: a wildcard names its certificate (DNS-01 needed).
      if (options.certResolver !== undefined && hostname.startsWith('*.')) tls.domains = [{ main: hostname }];
      routers[`${name}-https`] = { entryPoints: [options.httpsEntryPoint], rule: ruleFor('https'), priority, service, ...withMiddlewares(pathMiddlewares), tls };
    }
    if (route.protocol === 'redirect-to-https') {
      middlewares[REDIRECT_MIDDLEWARE] = { redirectScheme: { scheme: 'https', permanent: true } };
      routers[`${name}-http`] = { entryPoints: [options.httpEntryPoint], rule: ruleFor('http'), priority, service, middlewares: [REDIRECT_MIDDLEWARE] };
    } else if (serves.http(route.protocol)) {
      routers[`${name}-http`] = { entryPoints: [options.httpEntryPoint], rule: ruleFor('http'), priority, service, ...withMiddlewares(pathMiddlewares) };
    }
  }
  if (options.ownershipChallengeUrl !== undefined) {
    const challenges = challengesOf(routes);
    if (challenges.length > 0) services[CHALLENGE_SERVICE] = { loadBalancer: { passHostHeader: true, servers: [{ url: options.ownershipChallengeUrl }] } };
    for (const { hostname, token } of challenges) {
      const path = ownershipChallengePath(token);
      const name = routeName(hostname, path);
      const rule = `Host(\`${hostname}\`) && Path(\`${path}\`)`;
      const router = { rule, priority: CHALLENGE_PRIORITY, service: CHALLENGE_SERVICE };
      routers[`${name}-http`] = { entryPoints: [options.httpEntryPoint], ...router };
      // Over HTTPS only where the host has a certificate (an HTTPS router of its own).
      if ((byHost.get(hostname) ?? []).some((entry) => serves.https(entry.route.protocol))) {
        routers[`${name}-https`] = { entryPoints: [options.httpsEntryPoint], ...router, tls: options.certResolver === undefined ? {} : { certResolver: options.certResolver } };
      }
    }
  }
  const http = { routers: sortKeys(routers), services: sortKeys(services), middlewares: sortKeys(middlewares) };
  return certificates.length === 0 ? { http } : { http, tls: { certificates: suppliedCertificates(certificates) } };
}

/** `tls.certificates` entries, sorted by first hostname so equal inputs give equal bytes. */
function suppliedCertificates(certificates: readonly SuppliedCertificate[]): TraefikCertificate[] {
  const first = (c: SuppliedCertificate) => c.hostnames[0] ?? '';
  return [...certificates].sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0)).map((c) => ({ certFile: c.certificatePem, keyFile: c.privateKeyPem }));
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** YAML as the file provider reads it, keys sorted at every level, so equal configs give equal bytes. */
export function toYaml(config: TraefikConfig): string {
  return stringify(config, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}
