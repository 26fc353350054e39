/**
 * The Gateway API rendering (`api: 'gateway-api'`): per host a Gateway with a listener per scheme and HTTPRoutes
 * of at most 16 rules. Ownership challenges are forwarded to Portico's Service (no direct response here).
 */
import { ownershipChallengePath } from '@portico/kernel';
import { ACME_PREFIX, actionsOf, hostOffersHttps, HTTP_PORT, HTTPS_PORT, metadata, redirectStatusOf, schemesOf, tlsSecretOf, type HostGroup, type Placed, type Scheme } from './host-groups.ts';
import { dnsLabel, MAX_NAME, suffixed } from './names.ts';
import type { IstioRenderOptions, KubeObject } from './render.ts';

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

export function gatewayApiGateway(group: HostGroup, options: IstioRenderOptions): KubeObject {
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

export function httpRoutes(group: HostGroup, options: IstioRenderOptions): KubeObject[] {
  const name = group.name;
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
