/**
 * Portico's route table as Kubernetes objects, grouped by tenant: per hostname a cert-manager Certificate, and
 * either an Istio Gateway + VirtualService (`api: 'istio'`) or a Gateway API Gateway + HTTPRoutes
 * (`api: 'gateway-api'`). Pure: the same routes and options give the same objects in the same order.
 * Routing follows core/kernel/src/routing.ts (segment-boundary base paths, longest first, strip, internal path,
 * protocol modes).
 *
 * Certificates Portico supplies (`RenderRoutesState.certificates`, from cert.acme) are deliberately not rendered:
 * the delivery commits these files to a GitOps repository (and may push it), where a private key would stay in the
 * history and in every clone. cert-manager obtains each host's certificate inside the cluster instead, and its
 * Secret never leaves it.
 *
 * Ownership challenges (`Route.ownershipChallenge`): the host's Gateway listens on HTTP too, and its VirtualService
 * answers exactly `/.well-known/portico-challenge/<token>` first, on every port, with a `directResponse` (200, the
 * token). Gateway API has no direct response: with `ownershipChallengeBackend` (Portico's Service) an `Exact` rule
 * forwards the path there, Host kept, and Portico answers; without it nothing is rendered for challenges.
 */
import { compareRoutes, normaliseBasePath, normaliseHostname, normaliseInternalPath, offersHttps, ownershipChallengePath, PROTOCOL_HANDLING, REDIRECT_STATUS, type Route } from '@portico/kernel';
import { dnsLabel, MAX_NAME, secretNameOf, suffixed, tenantLabel } from './names.ts';

export { dnsLabel, secretNameOf, tenantLabel } from './names.ts';

export interface IstioRenderOptions {
  /** `istio`: networking.istio.io Gateway + VirtualService; `gateway-api`: gateway.networking.k8s.io Gateway + HTTPRoute. */
  api: 'istio' | 'gateway-api';
  /** Namespace of Certificates, their Secrets and the Gateways: where the ingress gateway reads secrets. */
  gatewayNamespace: string;
  /** Namespace of VirtualServices / HTTPRoutes. */
  routeNamespace: string;
  /** Istio Gateway `spec.selector` (the ingress gateway pods). */
  gatewaySelector: Record<string, string>;
  /** Gateway API `spec.gatewayClassName`. */
  gatewayClassName: string;
  /** cert-manager issuer of every Certificate. */
  issuerRef: { name: string; kind: 'Issuer' | 'ClusterIssuer'; group: string };
  /** Where `/.well-known/acme-challenge/` goes over HTTP for hosts with HTTPS (the HTTP-01 solver service). */
  acmeSolver?: { host: string; port: number };
  /** Gateway API only: Portico's Service, where ownership challenges are forwarded (Istio answers them itself). */
  ownershipChallengeBackend?: { host: string; port: number };
  /** The tenant (GitOps file) a route belongs to; default: every route in `DEFAULT_TENANT`. */
  tenantOf?: (route: Route) => string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

/** One tenant's objects, in file order: per hostname (sorted) Certificate, Gateway, then routes. */
export interface TenantManifests {
  tenant: string;
  objects: KubeObject[];
}

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'portico' } as const;
export const HOST_LABEL = 'portico.dev/host';
export const TENANT_LABEL = 'portico.dev/tenant';
/** The tenant of routes that have none (and of every route without `tenantOf`). */
export const DEFAULT_TENANT = '_default';

/** Every kind an API mode renders, as kubectl's `--prune-allowlist` names them (`group/version/Kind`). */
export const RENDERED_KINDS = {
  istio: ['cert-manager.io/v1/Certificate', 'networking.istio.io/v1/Gateway', 'networking.istio.io/v1/VirtualService'],
  'gateway-api': ['cert-manager.io/v1/Certificate', 'gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/HTTPRoute'],
} as const satisfies Record<IstioRenderOptions['api'], readonly string[]>;

const HTTP_PORT = 80;
const HTTPS_PORT = 443;
const ACME_PREFIX = '/.well-known/acme-challenge/';

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A route with its canonical paths: `base` as routing.ts compares it, `internal` as given (trailing slash kept). */
interface Placed {
  route: Route;
  base: string;
  internal: string;
}

interface HostGroup {
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
function canonicalHost(route: Route): string {
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

function groupRoutes(routes: readonly Route[], tenantOf: (route: Route) => string): HostGroup[] {
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

function metadata(name: string, namespace: string, group: HostGroup): KubeObject['metadata'] {
  return { name, namespace, labels: labelsOf(group) };
}

const labelsOf = (group: HostGroup) => ({ ...MANAGED_BY, [HOST_LABEL]: dnsLabel(group.hostname), [TENANT_LABEL]: tenantLabel(group.tenant) });

function certificate(group: HostGroup, options: IstioRenderOptions): KubeObject {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: metadata(dnsLabel(group.hostname), options.gatewayNamespace, group),
    spec: {
      dnsNames: [group.hostname],
      issuerRef: options.issuerRef,
      secretName: secretNameOf(group.hostname),
      // The Secret is Portico's too: labelled like the objects, so an operator can find (and clean up) it.
      secretTemplate: { labels: labelsOf(group) },
    },
  };
}

type Scheme = 'http' | 'https';
type Action = 'proxy' | 'redirect' | 'refuse';

/** The status of a `redirect-to-https` route's redirect: its own (301 or 308), else 308. */
const redirectStatusOf = (route: Route) => route.redirectStatus ?? REDIRECT_STATUS;
const handlingOf = (placed: Placed, scheme: Scheme): Action => PROTOCOL_HANDLING[placed.route.protocol][scheme];
const hostOffersHttps = (group: HostGroup) => group.routes.some((p) => offersHttps(p.route.protocol));
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
function schemesOf(group: HostGroup, options: IstioRenderOptions): Scheme[] {
  const all = [group, ...group.covering].map((g) => ownSchemes(g, options));
  return [...(all.some((s) => s.https) ? (['https'] as const) : []), ...(all.some((s) => s.http) ? (['http'] as const) : [])];
}

/** The TLS secret of the host's HTTPS server: its own certificate's, else that of the nearest wildcard with one. */
const tlsSecretOf = (group: HostGroup) => secretNameOf([group, ...group.covering].find(hostOffersHttps)!.hostname);

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
function actionsOf(group: HostGroup, index: number, schemes: Scheme[]): Partial<Record<Scheme, Action>> {
  const actions: Partial<Record<Scheme, Action>> = {};
  for (const scheme of schemes) {
    const action = handlingOf(group.routes[index]!, scheme);
    if (action !== 'refuse' || refusalNeeded(group, index, scheme)) actions[scheme] = action;
  }
  return actions;
}

// ---------------------------------------------------------------------------------------------------------
// Istio
// ---------------------------------------------------------------------------------------------------------

function istioGateway(group: HostGroup, options: IstioRenderOptions): KubeObject {
  const name = dnsLabel(group.hostname);
  // `<namespace>/<host>`: only VirtualServices of the route namespace can bind to this host.
  const hosts = [`${options.routeNamespace}/${group.hostname}`];
  const servers = schemesOf(group, options).map((scheme) =>
    scheme === 'https'
      ? { hosts, port: { name: `https-${name}`, number: HTTPS_PORT, protocol: 'HTTPS' }, tls: { credentialName: tlsSecretOf(group), mode: 'SIMPLE' } }
      : { hosts, port: { name: `http-${name}`, number: HTTP_PORT, protocol: 'HTTP' } },
  );
  return { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: metadata(name, options.gatewayNamespace, group), spec: { selector: options.gatewaySelector, servers } };
}

/**
 * The URI a match forwards, as routing.ts says (`undefined`: unchanged). Strip on: `exact: /api` → the internal
 * path, `prefix: /api/` → the internal path with one trailing slash (Envoy replaces the matched prefix, so
 * `/api/x` → `/x`; never `prefix: /api` rewritten to `/`, which sends `//x`). Strip off: the internal path is
 * prepended to the matched path.
 */
function rewriteOf({ route, base, internal }: Placed, matched: string, exact: boolean): string | undefined {
  const trimmed = internal === '/' ? '' : internal.replace(/\/+$/, '');
  let uri: string;
  if (route.stripPath && base !== '/') uri = exact ? internal : `${trimmed}/`;
  else uri = `${trimmed}${matched}`;
  return uri === matched ? undefined : uri;
}

const destinationOf = (route: Route) => [{ destination: { host: route.upstream.host, port: { number: route.upstream.port } } }];

function istioHttpRoutes(group: HostGroup, options: IstioRenderOptions): Record<string, unknown>[] {
  const schemes = schemesOf(group, options);
  const http: Record<string, unknown>[] = [];
  // First, on every port, so a challenge is never redirected, refused or proxied.
  group.challenges.forEach((token, index) => {
    http.push({
      directResponse: { body: { string: token }, status: 200 },
      headers: { response: { set: { 'content-type': 'text/plain; charset=utf-8' } } },
      match: [{ uri: { exact: ownershipChallengePath(token) } }],
      name: `ownership-challenge${index === 0 ? '' : `-${index + 1}`}`,
    });
  });
  if (options.acmeSolver && schemes.includes('http') && hostOffersHttps(group)) {
    // First, so a challenge is never redirected or refused.
    http.push({
      match: [{ port: HTTP_PORT, uri: { prefix: ACME_PREFIX } }],
      name: 'acme-challenge',
      route: [{ destination: { host: options.acmeSolver.host, port: { number: options.acmeSolver.port } } }],
    });
  }
  group.routes.forEach((placed, index) => {
    const { base, route } = placed;
    const actions = actionsOf(group, index, schemes);
    // One rule for both schemes when they are handled alike (or the host listens on one only), else one per port.
    const both = schemes.length === 2 && actions.http !== undefined && actions.http === actions.https;
    const rules = schemes.length === 1 || both ? [{ scheme: both ? 'any' : schemes[0]!, port: undefined, action: actions[schemes[0]!] }] : schemes.map((s) => ({ scheme: s, port: s === 'https' ? HTTPS_PORT : HTTP_PORT, action: actions[s] }));
    const uris: { uri: Record<string, string>; exact: boolean; value: string }[] =
      base === '/' ? [{ uri: { prefix: '/' }, exact: false, value: '/' }] : [{ uri: { exact: base }, exact: true, value: base }, { uri: { prefix: `${base}/` }, exact: false, value: `${base}/` }];
    for (const { scheme, port, action } of rules) {
      if (action === undefined) continue;
      const matchOf = (uri: Record<string, string>) => ({ ...(port === undefined ? {} : { port }), uri });
      if (action === 'refuse') http.push({ directResponse: { status: 404 }, match: uris.map((u) => matchOf(u.uri)), name: `r${index}-${scheme}` });
      else if (action === 'redirect') http.push({ match: uris.map((u) => matchOf(u.uri)), name: `r${index}-${scheme}`, redirect: { redirectCode: redirectStatusOf(route), scheme: 'https' } });
      else {
        // Matches that rewrite alike share a rule; `exact: /api` and `prefix: /api/` differ when an internal path is kept.
        const rewrites = uris.map((u) => rewriteOf(placed, u.value, u.exact));
        const split = rewrites.some((r) => r !== rewrites[0]);
        const parts = split ? uris.map((u, i) => ({ uris: [u], uri: rewrites[i], suffix: u.exact ? '-exact' : '-prefix' })) : [{ uris, uri: rewrites[0], suffix: '' }];
        for (const part of parts) {
          http.push({
            match: part.uris.map((u) => matchOf(u.uri)),
            name: `r${index}-${scheme}${part.suffix}`,
            ...(part.uri === undefined ? {} : { rewrite: { uri: part.uri } }),
            route: destinationOf(route),
          });
        }
      }
    }
  });
  return http;
}

function virtualService(group: HostGroup, options: IstioRenderOptions): KubeObject {
  const name = dnsLabel(group.hostname);
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: metadata(name, options.routeNamespace, group),
    spec: { gateways: [`${options.gatewayNamespace}/${name}`], hosts: [group.hostname], http: istioHttpRoutes(group, options) },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Gateway API
// ---------------------------------------------------------------------------------------------------------

/**
 * A backend reference from an upstream host: an in-cluster Service host (`web.shop.svc.cluster.local`) becomes
 * `{ name: web, namespace: shop }`; any other host Istio's `Hostname` kind (a ServiceEntry host).
 */
export function backendRefOf(host: string, port: number): Record<string, unknown> {
  const service = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(?:\.cluster\.local)?$/.exec(host);
  return service ? { name: service[1], namespace: service[3], port } : { group: 'networking.istio.io', kind: 'Hostname', name: host, port };
}

/**
 * A Gateway API Gateway's name: short enough that Istio's automated deployment, which names the Deployment and
 * Service `<gateway>-<gatewayClassName>`, stays within 63 characters.
 */
const gatewayApiName = (group: HostGroup, options: IstioRenderOptions) => dnsLabel(group.hostname, Math.max(20, MAX_NAME - options.gatewayClassName.length - 1));

function gatewayApiGateway(group: HostGroup, options: IstioRenderOptions): KubeObject {
  // Only HTTPRoutes of the route namespace may attach.
  const allowedRoutes =
    options.routeNamespace === options.gatewayNamespace
      ? { namespaces: { from: 'Same' } }
      : { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': options.routeNamespace } } } };
  const listeners = schemesOf(group, options).map((scheme) =>
    scheme === 'https'
      ? { allowedRoutes, hostname: group.hostname, name: 'https', port: HTTPS_PORT, protocol: 'HTTPS', tls: { certificateRefs: [{ kind: 'Secret', name: tlsSecretOf(group) }], mode: 'Terminate' } }
      : { allowedRoutes, hostname: group.hostname, name: 'http', port: HTTP_PORT, protocol: 'HTTP' },
  );
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: metadata(gatewayApiName(group, options), options.gatewayNamespace, group),
    spec: { gatewayClassName: options.gatewayClassName, listeners },
  };
}

/** `ReplacePrefixMatch` of a route (`undefined`: the path is forwarded unchanged). PathPrefix is segment-aware. */
function replacementOf({ route, base, internal }: Placed): string | undefined {
  const trimmed = internal === '/' ? '/' : internal.replace(/\/+$/, '');
  const replace = route.stripPath && base !== '/' ? trimmed : trimmed === '/' ? base : base === '/' ? trimmed : `${trimmed}${base}`;
  return replace === base ? undefined : replace;
}

/**
 * HTTPRoute rules of one listener. A refused path below a shorter served one gets a rule without backends
 * (HTTPRoute cannot answer 404; Istio answers it 500/503), any other refused path no rule (404).
 */
function gatewayApiRules(group: HostGroup, scheme: Scheme, options: IstioRenderOptions): Record<string, unknown>[] {
  const schemes = schemesOf(group, options);
  const rules: Record<string, unknown>[] = [];
  const backend = options.ownershipChallengeBackend;
  if (backend) {
    for (const token of group.challenges) rules.push({ backendRefs: [backendRefOf(backend.host, backend.port)], matches: [{ path: { type: 'Exact', value: ownershipChallengePath(token) } }] });
  }
  if (scheme === 'http' && options.acmeSolver && hostOffersHttps(group)) {
    rules.push({ backendRefs: [backendRefOf(options.acmeSolver.host, options.acmeSolver.port)], matches: [{ path: { type: 'PathPrefix', value: ACME_PREFIX.slice(0, -1) } }] });
  }
  group.routes.forEach((placed, index) => {
    const matches = [{ path: { type: 'PathPrefix', value: placed.base } }];
    const action = actionsOf(group, index, schemes)[scheme];
    if (action === 'refuse') rules.push({ matches });
    else if (action === 'redirect') rules.push({ filters: [{ requestRedirect: { scheme: 'https', statusCode: redirectStatusOf(placed.route) }, type: 'RequestRedirect' }], matches });
    else if (action === 'proxy') {
      const replace = replacementOf(placed);
      const filters = replace === undefined ? [] : [{ type: 'URLRewrite', urlRewrite: { path: { replacePrefixMatch: replace, type: 'ReplacePrefixMatch' } } }];
      rules.push({ backendRefs: [backendRefOf(placed.route.upstream.host, placed.route.upstream.port)], ...(filters.length ? { filters } : {}), matches });
    }
  });
  return rules;
}

/** HTTPRoutes allow 16 rules each: a host with more gets several routes (`-2`, `-3`, …), in precedence order. */
const MAX_RULES = 16;

function httpRoutes(group: HostGroup, options: IstioRenderOptions): KubeObject[] {
  const name = dnsLabel(group.hostname);
  const out: KubeObject[] = [];
  for (const scheme of schemesOf(group, options)) {
    const rules = gatewayApiRules(group, scheme, options);
    for (let start = 0, part = 1; start < rules.length; start += MAX_RULES, part++) {
      out.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: metadata(suffixed(name, part > 1 ? `${scheme}-${part}` : scheme), options.routeNamespace, group),
        spec: { hostnames: [group.hostname], parentRefs: [{ name: gatewayApiName(group, options), namespace: options.gatewayNamespace, sectionName: scheme }], rules: rules.slice(start, start + MAX_RULES) },
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Render the route table as Kubernetes objects, one list per tenant (sorted by tenant, then hostname).
 * Throws a `TypeError` for a malformed route.
 */
export function renderIstio(routes: readonly Route[], options: IstioRenderOptions): TenantManifests[] {
  const tenantOf = options.tenantOf ?? (() => DEFAULT_TENANT);
  const tenants = new Map<string, KubeObject[]>();
  for (const group of groupRoutes(routes, tenantOf).sort((a, b) => byCodeUnit(a.hostname, b.hostname))) {
    const objects = tenants.get(group.tenant) ?? [];
    if (hostOffersHttps(group)) objects.push(certificate(group, options));
    if (options.api === 'istio') objects.push(istioGateway(group, options), virtualService(group, options));
    else objects.push(gatewayApiGateway(group, options), ...httpRoutes(group, options));
    tenants.set(group.tenant, objects);
  }
  return [...tenants].sort(([a], [b]) => byCodeUnit(a, b)).map(([tenant, objects]) => ({ tenant, objects }));
}
