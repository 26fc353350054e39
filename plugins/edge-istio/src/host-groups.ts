/**
 * The route table grouped by host, as both APIs render it: each host's routes in precedence order (as
 * routing.ts orders them), the schemes the host's Gateway listens on, and what each route does on each scheme.
 */
import { compareRoutes, normaliseBasePath, normaliseHostname, normaliseInternalPath, offersHttps, PROTOCOL_HANDLING, REDIRECT_STATUS, type Route } from '@portico/kernel';
import { dnsLabel, HOST_LABEL, MANAGED_BY, secretNameOf, TENANT_LABEL, tenantLabel } from './names.ts';
import type { IstioRenderOptions, KubeObject } from './render.ts';

export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
export const ACME_PREFIX = '/.well-known/acme-challenge/';

export const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A route with its canonical paths: `base` as routing.ts compares it, `internal` as given (trailing slash kept). */
export interface Placed {
  route: Route;
  base: string;
  internal: string;
}

export interface HostGroup {
  hostname: string;
  tenant: string;
  /** The host's routes in precedence order (longest base path first), routes shadowed by an equal base path dropped. */
  routes: Placed[];
  /** Wildcard hosts whose names cover this one as Envoy matches them (any suffix), most specific first. */
  covering: HostGroup[];
  /** The ownership-challenge tokens of the host's routes, sorted (exact hosts only). */
  challenges: string[];
}

/** As routing.ts compiles it: lower case, A-labels, no trailing dot; a wildcard keeps its `*.`. */
/** The hostname a route's objects are rendered under: lower case, no trailing dot, `*.` kept. */
export function canonicalHost(route: Route): string {
  const wildcard = route.hostname.startsWith('*.');
  const named = normaliseHostname(wildcard ? route.hostname.slice(2) : route.hostname)?.replace(/\.$/, '');
  if (named === undefined) throw new TypeError(`Malformed route ${route.hostname}${route.basePath}: hostname is not a hostname`);
  return wildcard ? `*.${named}` : named;
}

function place(route: Route): Placed {
  const base = normaliseBasePath(route.basePath);
  const internal = normaliseInternalPath(route.upstream.path ?? '/');
  if (!base.ok || !internal.ok) throw new TypeError(`Malformed route ${route.hostname}${route.basePath}`);
  return { route, base: base.path, internal: internal.path };
}

export function groupRoutes(routes: readonly Route[], tenantOf: (route: Route) => string): HostGroup[] {
  const hosts = new Map<string, Placed[]>();
  const challenges = new Map<string, Set<string>>();
  for (const route of [...routes].sort(compareRoutes)) {
    const hostname = canonicalHost(route);
    if (route.ownershipChallenge) challenges.set(hostname, (challenges.get(hostname) ?? new Set()).add(route.ownershipChallenge.token));
    const list = hosts.get(hostname) ?? [];
    const placed = place(route);
    // Of routes with the same base path the first in precedence order wins; the others can never match.
    if (!list.some((p) => p.base === placed.base)) list.push(placed);
    hosts.set(hostname, list);
  }
  // A host belongs to the tenant of its first route in precedence order, so a split host cannot be rendered twice.
  const groups: HostGroup[] = [...hosts].map(([hostname, list]) => ({ hostname, tenant: tenantOf(list[0]!.route), routes: list, covering: [], challenges: [...(challenges.get(hostname) ?? [])].sort(byCodeUnit) }));
  const wildcards = new Map(groups.filter((g) => g.hostname.startsWith('*.')).map((g) => [g.hostname, g]));
  for (const group of groups) {
    const labels = group.hostname.replace(/^\*\./, '').split('.');
    group.covering = labels.slice(1).flatMap((_, i) => wildcards.get(`*.${labels.slice(i + 1).join('.')}`) ?? []);
  }
  return groups;
}

export function metadata(name: string, namespace: string, group: HostGroup): KubeObject['metadata'] {
  return { name, namespace, labels: labelsOf(group) };
}

export const labelsOf = (group: HostGroup) => ({ ...MANAGED_BY, [HOST_LABEL]: dnsLabel(group.hostname), [TENANT_LABEL]: tenantLabel(group.tenant) });

export type Scheme = 'http' | 'https';
export type Action = 'proxy' | 'redirect' | 'refuse';

/** The status of a `redirect-to-https` route's redirect: its own (301 or 308), else 308. */
export const redirectStatusOf = (route: Route) => route.redirectStatus ?? REDIRECT_STATUS;
const handlingOf = (placed: Placed, scheme: Scheme): Action => PROTOCOL_HANDLING[placed.route.protocol][scheme];
export const hostOffersHttps = (group: HostGroup) => group.routes.some((p) => offersHttps(p.route.protocol));
/** Whether the edge answers the host's ownership challenges: Istio itself, Gateway API through Portico's Service. */
const answersChallenges = (group: HostGroup, options: IstioRenderOptions) => group.challenges.length > 0 && (options.api === 'istio' || options.ownershipChallengeBackend !== undefined);
const hostNeedsHttp = (group: HostGroup, options: IstioRenderOptions) =>
  group.routes.some((p) => handlingOf(p, 'http') !== 'refuse') || (options.acmeSolver !== undefined && hostOffersHttps(group)) || answersChallenges(group, options);
const ownSchemes = (group: HostGroup, options: IstioRenderOptions) => ({ https: hostOffersHttps(group), http: hostNeedsHttp(group, options) });

/**
 * The schemes the host's Gateway listens on: HTTPS when a route offers it, HTTP when a route or the solver needs
 * it, and every scheme a wildcard covering the host listens on. Envoy sends a request to the most specific
 * server name, so without its own server a host's requests would reach the wildcard's routes; routing.ts says
 * a host with routes of its own never does.
 */
export function schemesOf(group: HostGroup, options: IstioRenderOptions): Scheme[] {
  const all = [group, ...group.covering].map((g) => ownSchemes(g, options));
  return [...(all.some((s) => s.https) ? (['https'] as const) : []), ...(all.some((s) => s.http) ? (['http'] as const) : [])];
}

/** The TLS secret of the host's HTTPS server: its own certificate's, else that of the nearest wildcard with one. */
export const tlsSecretOf = (group: HostGroup) => secretNameOf([group, ...group.covering].find(hostOffersHttps)!.hostname);

const covers = (shorter: string, longer: string) => shorter === '/' || longer === shorter || longer.startsWith(`${shorter}/`);

/**
 * Whether a route refused on `scheme` needs a rule of its own: only when a shorter base path of the host would
 * otherwise serve its requests (HTTP `/api/v2` below a redirecting `/api`). Unmatched requests get 404 anyway.
 */
function refusalNeeded(group: HostGroup, index: number, scheme: Scheme): boolean {
  const { base } = group.routes[index]!;
  return group.routes.slice(index + 1).some((p) => covers(p.base, base) && handlingOf(p, scheme) !== 'refuse');
}

/** What a route does on each scheme the host listens on; `undefined`: no rule (the edge answers 404 unmatched). */
export function actionsOf(group: HostGroup, index: number, schemes: Scheme[]): Partial<Record<Scheme, Action>> {
  const actions: Partial<Record<Scheme, Action>> = {};
  for (const scheme of schemes) {
    const action = handlingOf(group.routes[index]!, scheme);
    if (action !== 'refuse' || refusalNeeded(group, index, scheme)) actions[scheme] = action;
  }
  return actions;
}
