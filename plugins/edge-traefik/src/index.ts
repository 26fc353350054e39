/**
 * `edge.traefik`: Portico's route table as Traefik v3 dynamic configuration (render.ts, pure), delivered by the
 * file provider (deliver-file.ts: one file, or one per project split by split.ts), Redis KV (kv.ts +
 * deliver-redis.ts, incremental) or the HTTP provider (http.ts; the server serves it). Dry runs diff what the edge
 * holds against the rendered config, except for the HTTP provider, whose config is served live. Each configured
 * edge may name its own delivery (`targetSchema`: two Traefik fleets, two Redis servers); deliver.ts keeps the
 * deliverers and caches per place delivered to.
 */
import { defineEdge, packageFacts, z, type KeptRender, type RenderRoutesState, type Route, type RouteChanges, type SuppliedCertificate } from '@portico/kernel';
import { createTraefikDeliveries, type KeptRender as DeliverableRender } from './deliver.ts';
import { renderForHttp } from './http.ts';
import { suppliedCertificates, TraefikRenderCache, type RenderDelta } from './render-cache.ts';
import { renderTraefikConfig, type TraefikConfig, type TraefikRenderOptions } from './render.ts';
import { JsonBody } from './unit-texts.ts';

export { CHALLENGE_PRIORITY, CHALLENGE_SERVICE, DEFAULT_RENDER_OPTIONS, REDIRECT_MIDDLEWARE, renderTraefikConfig, routeName, routerOwners, toYaml } from './render.ts';
export type { TraefikCertificate, TraefikConfig, TraefikRenderOptions, TraefikRouter } from './render.ts';
export { DEFAULT_TENANT_KEY, splitByTenant, tenantKey } from './split.ts';
export { DEFAULT_ROOT_KEY, diffKv, flattenToKv, formatKvDiff } from './kv.ts';
export type { KvDiff } from './kv.ts';
export { createRedisDeliverer } from './deliver-redis.ts';
export type { RedisDeliverer, RedisDeliveryOptions } from './deliver-redis.ts';
export { previewTraefikDirectory, previewTraefikFile, writeFileAtomic, writeTraefikDirectory, writeTraefikFile } from './deliver-file.ts';
export type { DirectoryResult, FilePreview, ProjectFileCache } from './deliver-file.ts';
export { renderForHttp } from './http.ts';
export { createTraefikDeliveries } from './deliver.ts';
export type { TraefikDeliveries, TraefikDelivery } from './deliver.ts';

const entryPoint = z.string().regex(/^[A-Za-z0-9_-]+$/, 'an entry point name from Traefik\'s static configuration');

/** Where the configuration goes: the plugin's `delivery`, or one edge's (`targetSchema`). */
export const deliverySchema = z.discriminatedUnion('kind', [
  /** The file provider (`providers.file.filename`): `path` is the file (one in total). */
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
  /** The file provider (`providers.file.directory`): one `portico-<organization>.<project>.yaml` per project in `path`. */
  z.object({ kind: z.literal('directory'), path: z.string().min(1) }),
  /** The Redis KV provider; `prefix` is Traefik's `rootKey`. */
  z.object({ kind: z.literal('redis'), url: z.url({ protocol: /^rediss?$/ }), prefix: z.string().regex(/^[^@\s]+$/).default('traefik') }),
  /** The HTTP provider: Portico serves `GET /edge/traefik/config` (renderForHttp); nothing is pushed. */
  z.object({ kind: z.literal('http') }),
]);

export const optionsSchema = z.object({
  httpEntryPoint: entryPoint.default('web'),
  httpsEntryPoint: entryPoint.default('websecure'),
  /** Traefik's ACME resolver for HTTPS routers; absent: `tls: {}` (certificates supplied, e.g. by cert-acme). */
  certResolver: z.string().min(1).optional(),
  /**
   * Portico's URL as Traefik reaches it (`http://portico:4000`, scheme, host and port only). Traefik has no static
   * response: the ownership challenge of a hostname verified by a file (`/.well-known/portico-challenge/<token>`)
   * is forwarded there, Host kept, and Portico answers it. Without it, such hostnames drift once their DNS points at
   * Traefik (the plugin warns when it renders one).
   */
  ownershipChallengeUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => new URL(url).pathname === '/' && !/[?#]/.test(url), 'scheme, host and port only (no path, query or fragment)')
    .transform((url) => url.replace(/\/$/, ''))
    .optional(),
  delivery: deliverySchema.default({ kind: 'http' }),
});

/**
 * One edge's delivery (the server's `edges[].target`): a second fleet's file, directory or Redis. The whole
 * `delivery` replaces the plugin's; absent, the plugin's. Strict, so a misspelt key is refused rather than silently
 * delivering where the plugin options say.
 */
export const targetSchema = z.strictObject({ delivery: deliverySchema.optional() });

export type TraefikPluginOptions = z.input<typeof optionsSchema>;
export type TraefikTarget = z.input<typeof targetSchema>;

/** Hands the event loop back between slices of a whole render: the API process serves requests meanwhile. */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The kept configuration as the `output` of a render: its `http` part built whole on first read only (a delivery
 * that writes only what changed never reads it). Read it before the next render of the same place, which changes
 * what it is built from.
 */
function lazyConfig(cache: TraefikRenderCache, certificates: readonly SuppliedCertificate[]): TraefikConfig {
  let http: TraefikConfig['http'] | undefined;
  const output = (certificates.length > 0 ? { tls: { certificates: suppliedCertificates(certificates) } } : {}) as TraefikConfig;
  Object.defineProperty(output, 'http', { enumerable: true, get: () => (http ??= cache.config().http) });
  return output;
}

/**
 * What was rendered for one place (an edge's delivery, the served body): the per-unit cache, what its last render
 * changed (`delta`, `undefined` after a whole render) for a delivery that writes only that, and the served body.
 */
class KeptTraefikRender implements KeptRender<TraefikConfig>, DeliverableRender {
  readonly cache: TraefikRenderCache;
  delta: RenderDelta | undefined;
  /** The served body, joined from the cache's per-unit JSON (`@served` only). */
  readonly body = new JsonBody();
  readonly #inspect: (routes: readonly Route[]) => void;
  /** `inspect` sees every route rendered (the plugin's warnings). */
  constructor(renderOptions: TraefikRenderOptions, inspect: (routes: readonly Route[]) => void) {
    this.cache = new TraefikRenderCache(renderOptions);
    this.#inspect = inspect;
  }
  get version(): number | undefined {
    return this.cache.version;
  }
  async reset(routes: readonly Route[], state: RenderRoutesState): Promise<TraefikConfig> {
    this.#inspect(routes);
    this.delta = undefined;
    await this.cache.resetInSlices(routes, state.version, pause);
    return lazyConfig(this.cache, state.certificates ?? []);
  }
  apply(changes: RouteChanges, state: RenderRoutesState): TraefikConfig {
    this.#inspect(changes.routes);
    this.delta = this.cache.apply(changes, state.version);
    return lazyConfig(this.cache, state.certificates ?? []);
  }
}

type ParsedTarget = z.output<typeof targetSchema>;

export default defineEdge<typeof optionsSchema, typeof targetSchema, KeptTraefikRender>({
  id: 'edge.traefik',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  edge: { edge: 'traefik', displayName: 'Traefik', target: targetSchema, served: true },
  build({ options, services }) {
    const { httpEntryPoint, httpsEntryPoint, certResolver, ownershipChallengeUrl } = options;
    const renderOptions: TraefikRenderOptions = {
      httpEntryPoint,
      httpsEntryPoint,
      ...(certResolver === undefined ? {} : { certResolver }),
      ...(ownershipChallengeUrl === undefined ? {} : { ownershipChallengeUrl }),
    };
    let warned = false;
    const warnUnanswered = (routes: readonly Route[]) => {
      if (warned || ownershipChallengeUrl !== undefined || !routes.some((route) => route.ownershipChallenge)) return;
      warned = true;
      services.logger.warn('routes carry ownership challenges (hostnames verified by a file), but ownershipChallengeUrl is not set: Traefik cannot answer them, and such hostnames drift once their DNS points at Traefik');
    };
    const deliveries = createTraefikDeliveries();
    services.onClose(() => deliveries.close());
    const deliveryOf = (target: ParsedTarget | undefined) => target?.delivery ?? options.delivery;

    return {
      render({ routes, state }) {
        warnUnanswered(routes);
        return renderTraefikConfig(routes, renderOptions, state.certificates);
      },
      keep: () => new KeptTraefikRender(renderOptions, warnUnanswered),
      async serve(output, { kept, state }) {
        // Only the plugin's own render is joined from kept pieces; anything else (a decorator's copy) is serialised whole.
        if (!kept) return { ...renderForHttp(state.routes, renderOptions, state.certificates), contentType: 'application/json' };
        return { ...(await kept.body.body(kept.cache, kept.delta, (output as TraefikConfig).tls, pause)), contentType: 'application/json' };
      },
      preview: (output, { target, state }) => deliveries.preview(deliveryOf(target), output as TraefikConfig, state.routes),
      deliver: (output, { target, state, kept }) => deliveries.deliver(deliveryOf(target), output as TraefikConfig, state.routes, kept),
    };
  },
});
