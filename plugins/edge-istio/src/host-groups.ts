/**
 * The route table grouped by host, as both APIs render it: each host's routes in precedence order (as
 * routing.ts orders them), the schemes the host's Gateway listens on, and what each route does on each scheme.
 */
import { checkRoute, compareRoutes, normaliseHostname, offersHttps, PROTOCOL_HANDLING, REDIRECT_STATUS, type Route } from '@portico/kernel';
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
  /** The host's DNS-1123 name (`dnsLabel`): what its objects are named after. */
  name: string;
  tenant: string;
  /** The labels of every object of the host (`labelsOf`): one object, shared, as rendered objects are never changed. */
  labels: Record<string, string>;
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

/**
 * A route checked as routing.ts checks it (`checkRoute`, once per route) with its canonical host and paths; throws a
 * `TypeError` for a malformed route.
 */
function place(route: Route): { hostname: string; placed: Placed } {
  const check = checkRoute(route);
  if (!check.ok) throw new TypeError(`Malformed route ${String(route?.hostname)}${String(route?.basePath)}: ${check.message}`);
  return { hostname: check.hostname, placed: { route, base: check.basePath, internal: check.internalPath } };
}

export function groupRoutes(routes: readonly Route[], tenantOf: (route: Route) => string): HostGroup[] {
  // Grouped first, then each host's routes sorted alone: precedence orders by hostname first, so this is the order a
  // sort of the whole table gives, at a comparison or two per host instead of log N per route.
  const byHost = new Map<string, Placed[]>();
  for (const route of routes) {
    const { hostname, placed } = place(route);
    const list = byHost.get(hostname);
    if (list) list.push(placed);
    else byHost.set(hostname, [placed]);
  }
  const hosts = new Map<string, Placed[]>();
  const challenges = new Map<string, Set<string>>();
  for (const [hostname, all] of byHost) {
    if (all.length > 1) all.sort((a, b) => compareRoutes(a.route, b.route));
    const list: Placed[] = [];
    for (const placed of all) {
      const { route } = placed;
      if (route.ownershipChallenge) challenges.set(hostname, (challenges.get(hostname) ?? new Set()).add(route.ownershipChallenge.token));
      // Of routes with the same base path the first in precedence order wins; the others can never match.
      if (!list.some((p) => p.base === placed.base)) list.push(placed);
    }
    hosts.set(hostname, list);
  }
  // A host belongs to the tenant of its first route in precedence order, so a split host cannot be rendered twice.
  const tenantLabels = new Map<string, string>();
  const groups: HostGroup[] = [...hosts].map(([hostname, list]) => {
    const tenant = tenantOf(list[0]!.route);
    let tenantValue = tenantLabels.get(tenant);
    if (tenantValue === undefined) tenantLabels.set(tenant, (tenantValue = tenantLabel(tenant)));
    const name = dnsLabel(hostname);
    const labels = { ...MANAGED_BY, [HOST_LABEL]: name, [TENANT_LABEL]: tenantValue };
    return { hostname, name, tenant, labels, routes: list, covering: [], challenges: [...(challenges.get(hostname) ?? [])].sort(byCodeUnit) };
  });
  const wildcards = new Map(groups.filter((g) => g.hostname.startsWith('*.')).map((g) => [g.hostname, g]));
  if (wildcards.size === 0) return groups;
  for (const group of groups) {
    // `*.<suffix>` for every suffix after a dot of the name, the longest (most specific) first.
    const name = group.hostname.startsWith('*.') ? group.hostname.slice(2) : group.hostname;
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      const wildcard = wildcards.get(`*${name.slice(dot)}`);
      if (wildcard) group.covering.push(wildcard);
    }
  }
  return groups;
}

export function metadata(name: string, namespace: string, group: HostGroup): KubeObject['metadata'] {
  return { name, namespace, labels: labelsOf(group) };
}

export const labelsOf = (group: HostGroup) => group.labels;

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
