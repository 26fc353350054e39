/**
 * One hostname's part of the Traefik configuration: its routers, the services and middlewares they use, and who
 * owns each router. Pure. A whole configuration is the union of every host's units (render-cache.ts keeps them),
 * which is what lets a change re-render only the hosts it touched.
 *
 * What one host's units depend on besides its own routes: a wildcard's rule excludes the exact hostnames one label
 * below it (`exactBelow`), so adding or removing such a hostname re-renders its parent's wildcard too. Shared units
 * (one service per upstream, the redirect middleware, the ownership-challenge service) are named by their content,
 * so two hosts naming one always render it identically.
 *
 * The routing rules themselves are described in render.ts.
 */
import { hash as digest } from 'node:crypto';
import { compareRoutes, normaliseBasePath, normaliseHostname, normaliseInternalPath, ownershipChallengePath, type Route, type RouteTenant } from '@portico/kernel';
import type { TraefikRenderOptions, TraefikRouter } from './render.ts';

type Json = Record<string, unknown>;

/** The service of every ownership-challenge router: Portico (`ownershipChallengeUrl`), the Host header kept. */
export const CHALLENGE_SERVICE = 'portico-ownership-challenge';
/** Above every base-path router (their priority is at most the longest base path + 1). */
export const CHALLENGE_PRIORITY = 10_000;
/** The middleware every `redirect-to-https` HTTP router uses. */
export const REDIRECT_MIDDLEWARE = 'portico-redirect-https';

/** One host's units, in the order they were rendered. */
export interface HostUnits {
  routers: Array<[string, TraefikRouter]>;
  services: Array<[string, Json]>;
  middlewares: Array<[string, Json]>;
  /** The tenant of the route each router serves, by the router's index in `routers` (`undefined`: a route of no tenant). */
  owners: Array<RouteTenant | undefined>;
}

interface Entry {
  route: Route;
  hostname: string;
  basePath: string;
  internalPath: string;
}

const hash = (text: string) => digest('sha256', text, 'hex').slice(0, 10);

/**
 * Names that many routes share (one service per upstream, one middleware per path pair), each made once: kept up
 * to `MAX_KEPT_NAMES` and then forgotten all at once, so a long-running process never holds more.
 */
const MAX_KEPT_NAMES = 50_000;
const keptNames = new Map<string, string>();
function sharedName(key: string, make: () => string): string {
  let name = keptNames.get(key);
  if (name === undefined) {
    if (keptNames.size >= MAX_KEPT_NAMES) keptNames.clear();
    keptNames.set(key, (name = make()));
  }
  return name;
}
const slug = (text: string) => text.replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'root';
const regexQuote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The hostname a route's units are kept under: lower case, no trailing dot, `*.` kept. */
export function hostOf(route: Route): string {
  const wildcard = route.hostname.startsWith('*.');
  const named = normaliseHostname(wildcard ? route.hostname.slice(2) : route.hostname)?.replace(/\.$/, '');
  if (named === undefined) throw new TypeError(`Malformed route ${route.hostname}${route.basePath}: hostname`);
  return wildcard ? `*.${named}` : named;
}

/** The parent a wildcard of which must give way to `host` (`saas.test` for `a.saas.test`); none for a wildcard or a single label. */
export function parentOf(host: string): string | undefined {
  const dot = host.indexOf('.');
  return host.startsWith('*.') || dot === -1 ? undefined : host.slice(dot + 1);
}

function entryOf(route: Route, hostname: string): Entry {
  const base = normaliseBasePath(route.basePath);
  const internal = normaliseInternalPath(route.upstream.path ?? '/');
  if (!base.ok || !internal.ok) throw new TypeError(`Malformed route ${route.hostname}${route.basePath}`);
  return { route, hostname, basePath: base.path, internalPath: internal.path };
}

/** A name Traefik accepts (no `@`, KV keys are case-insensitive): readable slug plus a hash of the identity. */
export function routeName(hostname: string, basePath: string): string {
  return `portico-${slug(`${hostname}${basePath === '/' ? '' : basePath}`)}-${hash(`${hostname} ${basePath}`)}`;
}

const serves = { http: (p: Route['protocol']) => p !== 'https', https: (p: Route['protocol']) => p !== 'http' };

function pathRule(basePath: string): string | undefined {
  return basePath === '/' ? undefined : `(Path(\`${basePath}\`) || PathPrefix(\`${basePath}/\`))`;
}

function hostRule(hostname: string, exactBelow: readonly string[]): string {
  if (!hostname.startsWith('*.')) return `Host(\`${hostname}\`)`;
  const regexp = `HostRegexp(\`^[^.]+\\.${regexQuote(hostname.slice(2))}$\`)`;
  return [regexp, ...exactBelow.map((host) => `!Host(\`${host}\`)`)].join(' && ');
}

function upstreamUrl(route: Route): string {
  const host = route.upstream.host.includes(':') && !route.upstream.host.startsWith('[') ? `[${route.upstream.host}]` : route.upstream.host;
  return `http://${host}:${route.upstream.port}`;
}

/**
 * The units of `hostname` from its routes (every route whose `hostOf` is `hostname`, any order): routes ranked as
 * routing.ts ranks them, one router set per base path (the winner of a tie), ownership-challenge routers when
 * `options.ownershipChallengeUrl` is set. `exactBelow`: for a wildcard, the exact hostnames one label below it
 * that have routes, sorted.
 */
export function renderHost(hostname: string, routes: readonly Route[], exactBelow: readonly string[], options: TraefikRenderOptions): HostUnits {
  const units: HostUnits = { routers: [], services: [], middlewares: [], owners: [] };
  const sorted = routes.length > 1 ? [...routes].sort(compareRoutes) : routes;
  const entries: Entry[] = [];
  for (const route of sorted) {
    const entry = entryOf(route, hostname);
    // Of routes with the same base path the first in precedence order wins (a host has a few: a scan is cheapest).
    if (!entries.some((other) => other.basePath === entry.basePath)) entries.push(entry);
  }

  const host = hostRule(hostname, hostname.startsWith('*.') ? exactBelow : []);
  for (const entry of entries) {
    const { route, basePath, internalPath } = entry;
    const name = routeName(hostname, basePath);
    const url = upstreamUrl(route);
    const service = sharedName(`svc ${route.upstream.host} ${route.upstream.port}`, () => `portico-svc-${slug(`${route.upstream.host}-${route.upstream.port}`)}-${hash(url)}`);
    units.services.push([service, { loadBalancer: { servers: [{ url }] } }]);

    const pathMiddlewares: string[] = [];
    const strip = route.stripPath && basePath !== '/';
    if (internalPath !== '/') {
      const mw = sharedName(`path ${strip ? basePath : ''} ${internalPath}`, () => `portico-path-${hash(`${strip ? basePath : ''} ${internalPath}`)}`);
      const regex = strip ? `^${regexQuote(basePath)}(.*)$` : '^(.*)$';
      const replacement = `${internalPath.replace(/\$/g, '$$$$')}\${1}`;
      // Internal path ending in `/` and a rest starting with `/` must not double the slash (joinPaths).
      units.middlewares.push([mw, { replacePathRegex: internalPath.endsWith('/') ? { regex: regex.replace('(.*)$', '/?(.*)$'), replacement } : { regex, replacement } }]);
      pathMiddlewares.push(mw);
    } else if (strip) {
      const mw = sharedName(`strip ${basePath}`, () => `portico-strip-${hash(basePath)}`);
      units.middlewares.push([mw, { stripPrefix: { prefixes: [basePath] } }]);
      pathMiddlewares.push(mw);
    }

    const longer = entries.length === 1 ? [] : entries.filter((other) => other.basePath.length > basePath.length && (basePath === '/' || other.basePath.startsWith(`${basePath}/`)));
    const path = pathRule(basePath);
    // The host's rule, then the base path's, then each longer base path not served on the scheme, joined by `&&`.
    const ruleFor = (scheme: 'http' | 'https') => {
      let rule = path === undefined ? host : `${host} && ${path}`;
      for (const other of longer) if (!serves[scheme](other.route.protocol)) rule += ` && !${pathRule(other.basePath)}`;
      return rule;
    };
    const priority = basePath.length + 1;
    const router = (suffix: string, value: TraefikRouter) => {
      units.routers.push([`${name}-${suffix}`, value]);
      units.owners.push(route.tenant);
    };
    /** A router's members in the order they are serialised: entry points, rule, priority, service, middlewares, tls. */
    const routerOf = (entryPoint: string, scheme: 'http' | 'https', middlewares: string[], tls?: TraefikRouter['tls']): TraefikRouter => {
      const value: TraefikRouter = { entryPoints: [entryPoint], rule: ruleFor(scheme), priority, service };
      if (middlewares.length > 0) value.middlewares = middlewares;
      if (tls !== undefined) value.tls = tls;
      return value;
    };

    if (serves.https(route.protocol)) {
      const tls: TraefikRouter['tls'] = options.certResolver === undefined ? {} : { certResolver: options.certResolver };
      // A certResolver cannot read names out of HostRegexp: a wildcard names its certificate (DNS-01 needed).
      if (options.certResolver !== undefined && hostname.startsWith('*.')) tls.domains = [{ main: hostname }];
      router('https', routerOf(options.httpsEntryPoint, 'https', pathMiddlewares, tls));
    }
    if (route.protocol === 'redirect-to-https') {
      units.middlewares.push([REDIRECT_MIDDLEWARE, { redirectScheme: { scheme: 'https', permanent: true } }]);
      router('http', routerOf(options.httpEntryPoint, 'http', [REDIRECT_MIDDLEWARE]));
    } else if (serves.http(route.protocol)) {
      router('http', routerOf(options.httpEntryPoint, 'http', pathMiddlewares));
    }
  }

  if (options.ownershipChallengeUrl !== undefined) {
    // Each token once; the first route carrying it (in routing order) names the owner.
    const tokens = new Map<string, Route>();
    for (const route of sorted) if (route.ownershipChallenge && !tokens.has(route.ownershipChallenge.token)) tokens.set(route.ownershipChallenge.token, route);
    if (tokens.size > 0) units.services.push([CHALLENGE_SERVICE, { loadBalancer: { passHostHeader: true, servers: [{ url: options.ownershipChallengeUrl }] } }]);
    // Over HTTPS only where the host has a certificate (an HTTPS router of its own).
    const https = entries.some((entry) => serves.https(entry.route.protocol));
    for (const [token, route] of tokens) {
      const path = ownershipChallengePath(token);
      const name = routeName(hostname, path);
      const rule = `Host(\`${hostname}\`) && Path(\`${path}\`)`;
      const router = { rule, priority: CHALLENGE_PRIORITY, service: CHALLENGE_SERVICE };
      units.routers.push([`${name}-http`, { entryPoints: [options.httpEntryPoint], ...router }]);
      units.owners.push(route.tenant);
      if (https) {
        units.routers.push([`${name}-https`, { entryPoints: [options.httpsEntryPoint], ...router, tls: options.certResolver === undefined ? {} : { certResolver: options.certResolver } }]);
        units.owners.push(route.tenant);
      }
    }
  }
  return units;
}
