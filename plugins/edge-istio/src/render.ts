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
import { ownershipChallengePath, type Route } from '@portico/kernel';
import { gatewayApiGateway, httpRoutes } from './gateway-api.ts';
import { ACME_PREFIX, actionsOf, byCodeUnit, groupRoutes, hostOffersHttps, HTTP_PORT, HTTPS_PORT, labelsOf, metadata, redirectStatusOf, schemesOf, tlsSecretOf, type HostGroup, type Placed } from './host-groups.ts';
import { secretNameOf } from './names.ts';

export { backendRefOf } from './gateway-api.ts';
export { dnsLabel, HOST_LABEL, MANAGED_BY, secretNameOf, TENANT_LABEL, tenantLabel } from './names.ts';

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

/** The tenant of routes that have none (and of every route without `tenantOf`). */
export const DEFAULT_TENANT = '_default';

/** Every kind an API mode renders, as kubectl's `--prune-allowlist` names them (`group/version/Kind`). */
export const RENDERED_KINDS = {
  istio: ['cert-manager.io/v1/Certificate', 'networking.istio.io/v1/Gateway', 'networking.istio.io/v1/VirtualService'],
  'gateway-api': ['cert-manager.io/v1/Certificate', 'gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/HTTPRoute'],
} as const satisfies Record<IstioRenderOptions['api'], readonly string[]>;

function certificate(group: HostGroup, options: IstioRenderOptions): KubeObject {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: metadata(group.name, options.gatewayNamespace, group),
    spec: {
      dnsNames: [group.hostname],
      issuerRef: options.issuerRef,
      secretName: secretNameOf(group.hostname),
      // The Secret is Portico's too: labelled like the objects, so an operator can find (and clean up) it.
      secretTemplate: { labels: labelsOf(group) },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Istio
// ---------------------------------------------------------------------------------------------------------

function istioGateway(group: HostGroup, options: IstioRenderOptions): KubeObject {
  const name = group.name;
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
  const name = group.name;
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: metadata(name, options.routeNamespace, group),
    spec: { gateways: [`${options.gatewayNamespace}/${name}`], hosts: [group.hostname], http: istioHttpRoutes(group, options) },
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Render the route table as Kubernetes objects, one list per tenant (sorted by tenant, then hostname).
 * Throws a `TypeError` for a malformed route.
 */
export function renderIstio(routes: readonly Route[], options: IstioRenderOptions): TenantManifests[] {
  const tenants = new Map<string, KubeObject[]>();
  for (const group of groupRoutes(routes, tenantOfOptions(options)).sort((a, b) => byCodeUnit(a.hostname, b.hostname))) {
    const objects = tenants.get(group.tenant) ?? [];
    objects.push(...hostObjects(group, options));
    tenants.set(group.tenant, objects);
  }
  return [...tenants].sort(([a], [b]) => byCodeUnit(a, b)).map(([tenant, objects]) => ({ tenant, objects }));
}

/** The tenant of a route by the options (`tenantOf`, else every route in `DEFAULT_TENANT`). */
export const tenantOfOptions = (options: IstioRenderOptions): ((route: Route) => string) => options.tenantOf ?? (() => DEFAULT_TENANT);

/** One host's objects, in order: its Certificate (when it offers HTTPS), then its Gateway and routes. */
export function hostObjects(group: HostGroup, options: IstioRenderOptions): KubeObject[] {
  const objects: KubeObject[] = [];
  if (hostOffersHttps(group)) objects.push(certificate(group, options));
  if (options.api === 'istio') objects.push(istioGateway(group, options), virtualService(group, options));
  else objects.push(gatewayApiGateway(group, options), ...httpRoutes(group, options));
  return objects;
}
