/**
 * Portico's route table as Kubernetes objects, grouped by tenant: per hostname a cert-manager Certificate, and
 * either an Istio Gateway + VirtualService (`api: 'istio'`) or a Gateway API Gateway + HTTPRoutes
 * (`api: 'gateway-api'`). Pure: the same routes and options give the same objects in the same order.
 * Routing follows core/kernel/src/routing.ts (segment-boundary base paths, longest first, strip, internal path,
 * protocol modes).
 */
import { createHash } from 'node:crypto';
import { compareRoutes, normaliseBasePath, normaliseInternalPath, offersHttps, PROTOCOL_HANDLING, REDIRECT_STATUS, type Route } from '@portico/kernel';

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
  /** The tenant (project or organization) a route belongs to; default: every route in tenant `default`. */
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
const HTTP_PORT = 80;
const HTTPS_PORT = 443;
const ACME_PREFIX = '/.well-known/acme-challenge/';

const shortHash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);

/**
 * A DNS-1123 label (≤ `max` characters) named after a hostname: `shop.my-brand.com` → `shop-my--brand-com` (`-` is
 * doubled and `.` becomes `-`, so distinct hostnames get distinct names). Wildcards, other characters and names
 * too long get a short hash of the value: `*.example.com` → `wildcard-example-com-1a2b3c4d`.
 */
export function dnsLabel(value: string, max = 63): string {
  const lower = value.toLowerCase();
  const slug = lower.replace(/-/g, '--').replace(/\./g, '-');
  if (slug.length <= max && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(slug)) return slug;
  const hash = shortHash(value);
  const readable = lower.replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${readable.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`.replace(/^-/, '');
}

/** The Secret cert-manager writes a hostname's certificate to. */
export const secretNameOf = (hostname: string) => `portico-tls-${dnsLabel(hostname, 51)}`;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface HostGroup {
  hostname: string;
  tenant: string;
  routes: Route[];
}

function canonicalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

function groupRoutes(routes: readonly Route[], tenantOf: (route: Route) => string): HostGroup[] {
  const hosts = new Map<string, Route[]>();
  for (const route of [...routes].sort(compareRoutes)) {
    const hostname = canonicalHost(route.hostname);
    hosts.set(hostname, [...(hosts.get(hostname) ?? []), route]);
  }
  // A host belongs to the tenant of its first route in precedence order, so a split host cannot be rendered twice.
  return [...hosts].map(([hostname, list]) => ({ hostname, tenant: tenantOf(list[0]!), routes: list }));
}

function metadata(name: string, namespace: string, group: HostGroup): KubeObject['metadata'] {
  return { name, namespace, labels: { ...MANAGED_BY, 'portico.dev/host': dnsLabel(group.hostname), 'portico.dev/tenant': dnsLabel(group.tenant) } };
}

function certificate(group: HostGroup, options: IstioRenderOptions): KubeObject {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: metadata(dnsLabel(group.hostname), options.gatewayNamespace, group),
    spec: { dnsNames: [group.hostname], issuerRef: options.issuerRef, secretName: secretNameOf(group.hostname) },
  };
}

/** Base path and internal path of a route, canonical (`/api`, `/svc`), as routing.ts compares them. */
function pathsOf(route: Route): { base: string; internal: string } {
  const base = normaliseBasePath(route.basePath);
  const internal = normaliseInternalPath(route.upstream.path ?? '/');
  if (!base.ok || !internal.ok) throw new TypeError(`Malformed route ${route.hostname}${route.basePath}`);
  return { base: base.path, internal: internal.path.length > 1 ? internal.path.replace(/\/+$/, '') : '/' };
}

/** What one request scheme gets from a route: proxied, redirected to HTTPS, or answered 404. */
const handlingOf = (route: Route, scheme: 'http' | 'https') => PROTOCOL_HANDLING[route.protocol][scheme];

// ---------------------------------------------------------------------------------------------------------
// Istio
// ---------------------------------------------------------------------------------------------------------

/** Every route of the host redirects plain HTTP and no challenge must pass: the Gateway redirects by itself. */
const gatewayRedirects = (group: HostGroup, options: IstioRenderOptions) => !options.acmeSolver && group.routes.every((r) => r.protocol === 'redirect-to-https');
const hostOffersHttps = (group: HostGroup) => group.routes.some((r) => offersHttps(r.protocol));
const hostNeedsHttp = (group: HostGroup, options: IstioRenderOptions) =>
  group.routes.some((r) => handlingOf(r, 'http') !== 'refuse') || (options.acmeSolver !== undefined && hostOffersHttps(group));

function istioGateway(group: HostGroup, options: IstioRenderOptions): KubeObject {
  const name = dnsLabel(group.hostname);
  const servers: Record<string, unknown>[] = [];
  if (hostOffersHttps(group)) {
    servers.push({ hosts: [group.hostname], port: { name: `https-${name}`, number: HTTPS_PORT, protocol: 'HTTPS' }, tls: { credentialName: secretNameOf(group.hostname), mode: 'SIMPLE' } });
  }
  if (hostNeedsHttp(group, options)) {
    const tls = gatewayRedirects(group, options) ? { tls: { httpsRedirect: true } } : {};
    servers.push({ hosts: [group.hostname], port: { name: `http-${name}`, number: HTTP_PORT, protocol: 'HTTP' }, ...tls });
  }
  return { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: metadata(name, options.gatewayNamespace, group), spec: { selector: options.gatewaySelector, servers } };
}

/** The rewritten URI of a match: strip replaces the base path by the internal path; strip off prepends it. */
function rewriteFor(route: Route, matched: string, exact: boolean): string | undefined {
  const { base, internal } = pathsOf(route);
  const prefix = internal === '/' ? '' : internal;
  let uri: string;
  if (route.stripPath && base !== '/') uri = exact ? internal : `${prefix}/`;
  else uri = `${prefix}${matched}`;
  return uri === matched ? undefined : uri;
}

function istioHttpRoutes(group: HostGroup, options: IstioRenderOptions): Record<string, unknown>[] {
  const http: Record<string, unknown>[] = [];
  if (options.acmeSolver && hostOffersHttps(group)) {
    http.push({
      match: [{ port: HTTP_PORT, uri: { prefix: ACME_PREFIX } }],
      name: 'acme-challenge',
      route: [{ destination: { host: options.acmeSolver.host, port: { number: options.acmeSolver.port } } }],
    });
  }
  const redirectAtGateway = gatewayRedirects(group, options);
  group.routes.forEach((route, index) => {
    const { base } = pathsOf(route);
    const matches: { uri: Record<string, string>; exact: boolean; value: string }[] =
      base === '/' ? [{ uri: { prefix: '/' }, exact: false, value: '/' }] : [{ uri: { exact: base }, exact: true, value: base }, { uri: { prefix: `${base}/` }, exact: false, value: `${base}/` }];
    const https = handlingOf(route, 'https');
    const plain = redirectAtGateway ? 'proxy-none' : handlingOf(route, 'http');
    // One rule per scheme, unless both schemes are proxied the same way.
    const schemes: { port?: number; action: string }[] = https === 'proxy' && plain === 'proxy' ? [{ action: 'proxy' }] : [{ port: HTTPS_PORT, action: https }, ...(plain === 'proxy-none' ? [] : [{ port: HTTP_PORT, action: plain }])];
    for (const { port, action } of schemes) {
      const scheme = port === HTTPS_PORT ? 'https' : port === HTTP_PORT ? 'http' : 'any';
      for (const m of matches) {
        const match = [{ ...(port === undefined ? {} : { port }), uri: m.uri }];
        const name = `r${index}-${m.exact ? 'exact' : 'prefix'}-${scheme}`;
        if (action === 'refuse') http.push({ directResponse: { status: 404 }, match, name });
        else if (action === 'redirect') http.push({ match, name, redirect: { redirectCode: REDIRECT_STATUS, scheme: 'https' } });
        else {
          const uri = rewriteFor(route, m.value, m.exact);
          http.push({ match, name, ...(uri === undefined ? {} : { rewrite: { uri } }), route: [{ destination: { host: route.upstream.host, port: { number: route.upstream.port } } }] });
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

/** A Service reference from an in-cluster host: `web.shop.svc.cluster.local` → `{ name: web, namespace: shop }`. */
export function backendRefOf(host: string, port: number): Record<string, unknown> {
  const service = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?$/.exec(host);
  return service ? { name: service[1], namespace: service[2], port } : { name: host, port };
}

function gatewayApiGateway(group: HostGroup, options: IstioRenderOptions): KubeObject {
  const listeners: Record<string, unknown>[] = [];
  if (hostOffersHttps(group)) {
    listeners.push({
      allowedRoutes: { namespaces: { from: 'All' } },
      hostname: group.hostname,
      name: 'https',
      port: HTTPS_PORT,
      protocol: 'HTTPS',
      tls: { certificateRefs: [{ kind: 'Secret', name: secretNameOf(group.hostname) }], mode: 'Terminate' },
    });
  }
  if (hostNeedsHttp(group, options)) listeners.push({ allowedRoutes: { namespaces: { from: 'All' } }, hostname: group.hostname, name: 'http', port: HTTP_PORT, protocol: 'HTTP' });
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: metadata(dnsLabel(group.hostname), options.gatewayNamespace, group),
    spec: { gatewayClassName: options.gatewayClassName, listeners },
  };
}

/** HTTPRoute rules of one listener. A rule with neither backends nor a response filter is answered 404 (refuse). */
function gatewayApiRules(group: HostGroup, scheme: 'http' | 'https', options: IstioRenderOptions): Record<string, unknown>[] {
  const rules: Record<string, unknown>[] = [];
  if (scheme === 'http' && options.acmeSolver && hostOffersHttps(group)) {
    rules.push({ backendRefs: [backendRefOf(options.acmeSolver.host, options.acmeSolver.port)], matches: [{ path: { type: 'PathPrefix', value: ACME_PREFIX.slice(0, -1) } }] });
  }
  for (const route of group.routes) {
    const { base, internal } = pathsOf(route);
    const matches = [{ path: { type: 'PathPrefix', value: base } }];
    const action = handlingOf(route, scheme);
    if (action === 'refuse') rules.push({ matches });
    else if (action === 'redirect') rules.push({ filters: [{ requestRedirect: { scheme: 'https', statusCode: REDIRECT_STATUS }, type: 'RequestRedirect' }], matches });
    else {
      const replace = route.stripPath && base !== '/' ? internal : internal === '/' ? base : base === '/' ? internal : `${internal}${base}`;
      const filters = replace === base ? [] : [{ type: 'URLRewrite', urlRewrite: { path: { replacePrefixMatch: replace, type: 'ReplacePrefixMatch' } } }];
      rules.push({ backendRefs: [backendRefOf(route.upstream.host, route.upstream.port)], ...(filters.length ? { filters } : {}), matches });
    }
  }
  return rules;
}

/** HTTPRoutes allow 16 rules each: a host with more gets several routes (`-2`, `-3`, …), in precedence order. */
const MAX_RULES = 16;

function httpRoutes(group: HostGroup, options: IstioRenderOptions): KubeObject[] {
  const name = dnsLabel(group.hostname);
  const out: KubeObject[] = [];
  const schemes = [...(hostOffersHttps(group) ? (['https'] as const) : []), ...(hostNeedsHttp(group, options) ? (['http'] as const) : [])];
  for (const scheme of schemes) {
    const rules = gatewayApiRules(group, scheme, options);
    for (let start = 0, part = 1; start < rules.length; start += MAX_RULES, part++) {
      const routeName = dnsLabel(`${name}-${scheme}${part > 1 ? `-${part}` : ''}`);
      out.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: metadata(routeName, options.routeNamespace, group),
        spec: { hostnames: [group.hostname], parentRefs: [{ name, namespace: options.gatewayNamespace, sectionName: scheme }], rules: rules.slice(start, start + MAX_RULES) },
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
  const tenantOf = options.tenantOf ?? (() => 'default');
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
