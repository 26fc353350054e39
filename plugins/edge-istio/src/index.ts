/**
 * `edge.istio`: Portico's route table as cert-manager Certificates and Istio Gateways + VirtualServices (or
 * Gateway API Gateways + HTTPRoutes), rendered by render.ts (pure) and delivered by gitops.ts: one YAML file per
 * tenant in a git work tree, a commit per changed tenant, optionally `kubectl apply` and `git push`.
 *
 * `renderRoutes.for('istio')` output: `TenantManifests[]` (one entry per tenant file, objects in file order).
 * Decorators at stages 1–999 may change the objects; the delivery tap writes `<tenant>.yaml` from them with
 * `toYamlStream`. Without `delivery` nothing is delivered, and `deployRoutes` fails with `EDGE_NOT_DELIVERED`.
 * Each configured edge may name its own GitOps work tree (`targetSchema`: two clusters, two repositories).
 */
import { resolve } from 'node:path';
import { defineEdge, packageFacts, z, type KeptRender, type RenderRoutesState, type Route, type RouteChanges } from '@portico/kernel';
import { deliverGitOps, tenantFiles, type GitOpsOptions, type TenantFileCache } from './gitops.ts';
import { IstioRenderCache } from './render-cache.ts';
import { DEFAULT_TENANT, RENDERED_KINDS, renderIstio, type IstioRenderOptions, type TenantManifests } from './render.ts';

export { backendRefOf, DEFAULT_TENANT, dnsLabel, MANAGED_BY, RENDERED_KINDS, renderIstio, secretNameOf, tenantLabel } from './render.ts';
export type { IstioRenderOptions, KubeObject, TenantManifests } from './render.ts';
export { deliverGitOps, fileOf, GitOpsError, tenantFiles } from './gitops.ts';
export type { GitOpsOptions, GitOpsResult, KubectlOptions, TenantChange, TenantFileCache } from './gitops.ts';
export { GENERATED_HEADER, toYamlStream } from './yaml.ts';

const dnsLabelName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 label (lower case, digits, -)').max(63);
const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'a label key');
const labelValue = z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 'a label value').max(63);
const port = z.number().int().min(1).max(65_535);

/** GitOps delivery: the plugin's `delivery`, or one edge's (`targetSchema`). */
export const gitOpsSchema = z.object({
  kind: z.literal('gitops'),
  /** The git work tree Portico writes to: a clone of the GitOps repository, owned by Portico's process. */
  workTree: z.string().min(1),
  /** Directory inside the work tree holding the tenant files. */
  directory: z.string().min(1).default('portico'),
  /** Author and committer of Portico's commits. */
  author: z.object({ name: z.string().min(1).default('Portico'), email: z.string().min(1).default('portico@localhost') }).prefault({}),
  /** Longest wait for one git or kubectl call. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** `git push <remote> HEAD[:<branch>]` after committing; absent: commits stay local (a controller may pull). */
  push: z.object({ remote: z.string().min(1).default('origin'), branch: z.string().min(1).optional() }).optional(),
  /** `kubectl apply --prune` of each changed tenant file after committing; absent: no kubectl (Argo CD / Flux apply). */
  kubectl: z.object({ command: z.string().min(1).default('kubectl'), args: z.array(z.string()).default([]), context: z.string().min(1).optional() }).optional(),
});

export const optionsSchema = z.object({
  /** `istio`: Istio Gateway + VirtualService; `gateway-api`: Kubernetes Gateway API Gateway + HTTPRoute. */
  api: z.enum(['istio', 'gateway-api']).default('istio'),
  /** Namespace of Gateways, Certificates and their Secrets: the ingress gateway's namespace. */
  gatewayNamespace: dnsLabelName.default('istio-system'),
  /** Namespace of VirtualServices / HTTPRoutes. */
  routeNamespace: dnsLabelName.default('portico'),
  /** Istio Gateway `spec.selector`: the labels of the ingress gateway pods. */
  gatewaySelector: z.record(labelKey, labelValue).default({ istio: 'ingressgateway' }),
  /** Gateway API `gatewayClassName`. */
  gatewayClassName: z.string().min(1).default('istio'),
  /** The cert-manager issuer of every Certificate. `name` is required. */
  issuerRef: z.object({ name: z.string().min(1), kind: z.enum(['Issuer', 'ClusterIssuer']).default('ClusterIssuer'), group: z.string().min(1).default('cert-manager.io') }),
  /** Where HTTP `/.well-known/acme-challenge/` goes for hosts with HTTPS: a Service answering HTTP-01 for every host. */
  acmeSolver: z.object({ host: z.string().min(1), port }).optional(),
  /**
   * `gateway-api` only: Portico's Service (`portico.portico.svc.cluster.local`, its port), where the ownership
   * challenges of hostnames verified by a file are forwarded (Gateway API has no direct response). Istio's own API
   * answers them in the VirtualService and ignores this. Without it, on Gateway API such hostnames drift once their
   * DNS points at the gateway.
   */
  ownershipChallengeBackend: z.object({ host: z.string().min(1), port }).optional(),
  /** One GitOps file per organization (`<organization>.yaml`) or per project (`<organization>.<project>.yaml`). */
  tenantBy: z.enum(['organization', 'project']).default('project'),
  /** How the manifests reach the cluster; absent: render only (`deployRoutes` fails with EDGE_NOT_DELIVERED). */
  delivery: z.discriminatedUnion('kind', [gitOpsSchema]).optional(),
});

/**
 * One edge's GitOps work tree (the server's `edges[].target`): a second cluster's repository, or its directory of
 * the same one. The whole `delivery` replaces the plugin's (no merging of fields); absent, the plugin's. Strict, so
 * a misspelt key is refused rather than silently delivering where the plugin options say.
 */
export const targetSchema = z.strictObject({ delivery: z.discriminatedUnion('kind', [gitOpsSchema]).optional() });

export type IstioPluginOptions = z.input<typeof optionsSchema>;
export type IstioTarget = z.input<typeof targetSchema>;
type ParsedOptions = z.output<typeof optionsSchema>;
type ParsedDelivery = ParsedOptions['delivery'];

/** The tenant (file name without `.yaml`) of a route. Slugs are `[a-z0-9-]`, so the dot is unambiguous. */
export function tenantOf(route: Route, by: ParsedOptions['tenantBy']): string {
  if (!route.tenant) return DEFAULT_TENANT;
  return by === 'organization' ? route.tenant.organization : `${route.tenant.organization}.${route.tenant.project}`;
}

/** The render options of parsed plugin options. */
export function renderOptionsOf(options: ParsedOptions): IstioRenderOptions {
  const { api, gatewayNamespace, routeNamespace, gatewaySelector, gatewayClassName, issuerRef, acmeSolver, ownershipChallengeBackend, tenantBy } = options;
  return {
    api,
    gatewayNamespace,
    routeNamespace,
    gatewaySelector,
    gatewayClassName,
    issuerRef,
    ...(acmeSolver ? { acmeSolver } : {}),
    ...(api === 'gateway-api' && ownershipChallengeBackend ? { ownershipChallengeBackend } : {}),
    tenantOf: (route) => tenantOf(route, tenantBy),
  };
}

/** The GitOps options of parsed plugin options, or of an edge target's `delivery` (`undefined` without delivery). */
export function gitOpsOptionsOf(options: ParsedOptions, delivery: ParsedDelivery = options.delivery): GitOpsOptions | undefined {
  if (!delivery) return undefined;
  const { workTree, directory, author, timeoutMs, push, kubectl } = delivery;
  return {
    workTree,
    directory,
    author,
    timeoutMs,
    ...(push ? { push } : {}),
    ...(kubectl ? { kubectl: { ...kubectl, pruneAllowlist: RENDERED_KINDS[options.api] } } : {}),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What was rendered for one edge that delivers, so that a change set re-renders only the hosts it names. */
class KeptIstioRender implements KeptRender<TenantManifests[]> {
  readonly #cache: IstioRenderCache;
  constructor(options: IstioRenderOptions) {
    this.#cache = new IstioRenderCache(options);
  }
  get version(): number | undefined {
    return this.#cache.version;
  }
  reset(routes: readonly Route[], state: RenderRoutesState): TenantManifests[] {
    this.#cache.reset(routes, state.version);
    return this.#cache.manifests();
  }
  apply(changes: RouteChanges, state: RenderRoutesState): TenantManifests[] {
    this.#cache.apply(changes, state.version);
    return this.#cache.manifests();
  }
}

export default defineEdge({
  id: 'edge.istio',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  edge: { edge: 'istio', displayName: 'Istio (cert-manager, GitOps)', target: targetSchema },
  build({ options, services }) {
    const renderOptions = renderOptionsOf(options);
    // Each tenant directory's YAML, kept between its deliveries (two edges may share a work tree, never a directory).
    const yamlCaches = new Map<string, TenantFileCache>();
    const cacheOf = ({ workTree, directory }: GitOpsOptions): TenantFileCache => {
      const key = resolve(workTree, directory);
      let cache = yamlCaches.get(key);
      if (!cache) yamlCaches.set(key, (cache = new Map()));
      return cache;
    };
    services.onClose(() => yamlCaches.clear());
    // Without a target delivery, the plugin's; without either, nothing is delivered.
    const deliveryOf = (target: z.output<typeof targetSchema> | undefined) => gitOpsOptionsOf(options, target?.delivery ?? options.delivery);
    return {
      render: ({ routes }) => renderIstio(routes, renderOptions),
      keep: () => new KeptIstioRender(renderOptions),
      async preview(output, { target }) {
        const delivery = deliveryOf(target);
        if (!delivery) return undefined;
        const result = await deliverGitOps(tenantFiles(output as TenantManifests[], cacheOf(delivery)), delivery, true);
        const summary = result.changes.length === 0 ? 'no file would change' : `${plural(result.changes.length, 'file')} would change: ${result.changes.map((c) => `${c.file} (${c.change})`).join(', ')}`;
        return { changed: result.changes.length > 0, diff: result.diff, summary };
      },
      async deliver(output, { target }) {
        const delivery = deliveryOf(target);
        if (!delivery) return undefined;
        const result = await deliverGitOps(tenantFiles(output as TenantManifests[], cacheOf(delivery)), delivery);
        const tenants = result.changes.map((c) => `${c.tenant} (${c.change})`).join(', ');
        const detail = result.status === 'committed' ? `committed ${result.head?.slice(0, 12)}: ${tenants}` : `unchanged at ${result.head?.slice(0, 12) ?? 'an empty repository'}`;
        const extra = [...(result.applied.length ? [`kubectl: ${result.applied.join(', ')}`] : []), ...(result.pushed ? ['pushed'] : [])];
        return [detail, ...extra].join('; ');
      },
    };
  },
});
