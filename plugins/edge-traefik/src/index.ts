/**
 * `edge.traefik`: Portico's route table as Traefik v3 dynamic configuration (render.ts, pure), delivered by the
 * file provider (deliver-file.ts: one file, or one per project split by split.ts), Redis KV (kv.ts +
 * deliver-redis.ts, incremental) or the HTTP provider (http.ts; the server serves it). Dry runs diff what the edge
 * holds against the rendered config, except for the HTTP provider, whose config is served live.
 */
import { DELIVERY_STAGE, definePlugin, z, type RenderRoutesState } from '@portico/kernel';
import { createRedisDeliverer, type RedisDeliverer } from './deliver-redis.ts';
import { previewTraefikDirectory, previewTraefikFile, writeTraefikDirectory, writeTraefikFile, type ProjectFileCache } from './deliver-file.ts';
import { flattenToKv, formatKvDiff } from './kv.ts';
import { renderTraefikConfig, type TraefikConfig, type TraefikRenderOptions } from './render.ts';
import { splitByTenant } from './split.ts';

export { DEFAULT_RENDER_OPTIONS, REDIRECT_MIDDLEWARE, renderTraefikConfig, routeName, routerOwners, toYaml } from './render.ts';
export type { TraefikConfig, TraefikRenderOptions, TraefikRouter } from './render.ts';
export { DEFAULT_TENANT_KEY, splitByTenant, tenantKey } from './split.ts';
export { DEFAULT_ROOT_KEY, diffKv, flattenToKv, formatKvDiff } from './kv.ts';
export type { KvDiff } from './kv.ts';
export { createRedisDeliverer } from './deliver-redis.ts';
export type { RedisDeliverer, RedisDeliveryOptions } from './deliver-redis.ts';
export { previewTraefikDirectory, previewTraefikFile, writeFileAtomic, writeTraefikDirectory, writeTraefikFile } from './deliver-file.ts';
export type { DirectoryResult, FilePreview, ProjectFileCache } from './deliver-file.ts';
export { renderForHttp } from './http.ts';

const entryPoint = z.string().regex(/^[A-Za-z0-9_-]+$/, 'an entry point name from Traefik\'s static configuration');

export const optionsSchema = z.object({
  httpEntryPoint: entryPoint.default('web'),
  httpsEntryPoint: entryPoint.default('websecure'),
  /** Traefik's ACME resolver for HTTPS routers; absent: `tls: {}` (certificates supplied, e.g. by cert-acme). */
  certResolver: z.string().min(1).optional(),
  delivery: z
    .discriminatedUnion('kind', [
      /** The file provider (`providers.file.filename`): `path` is the file (one in total). */
      z.object({ kind: z.literal('file'), path: z.string().min(1) }),
      /** The file provider (`providers.file.directory`): one `portico-<organization>.<project>.yaml` per project in `path`. */
      z.object({ kind: z.literal('directory'), path: z.string().min(1) }),
      /** The Redis KV provider; `prefix` is Traefik's `rootKey`. */
      z.object({ kind: z.literal('redis'), url: z.url({ protocol: /^rediss?$/ }), prefix: z.string().regex(/^[^@\s]+$/).default('traefik') }),
      /** The HTTP provider: Portico serves `GET /edge/traefik/config` (renderForHttp); nothing is pushed. */
      z.object({ kind: z.literal('http') }),
    ])
    .default({ kind: 'http' }),
});

export type TraefikPluginOptions = z.input<typeof optionsSchema>;

export default definePlugin({
  id: 'edge.traefik',
  version: '0.2.0',
  kernel: '^0.1.0',
  options: optionsSchema,
  describe: { edges: [{ edge: 'traefik', displayName: 'Traefik' }] },
  apply({ hooks, options, services }) {
    const { httpEntryPoint, httpsEntryPoint, certResolver, delivery } = options;
    const renderOptions: TraefikRenderOptions = { httpEntryPoint, httpsEntryPoint, ...(certResolver === undefined ? {} : { certResolver }) };
    let redis: RedisDeliverer | undefined;
    const yamlCache: ProjectFileCache = new Map();
    const redisDeliverer = (url: string, prefix: string) => (redis ??= createRedisDeliverer({ url, prefix }));
    services.onClose(async () => {
      await redis?.close();
      redis = undefined;
    });

    /** Dry run: what a push would change, read from the edge; nothing written. */
    async function preview(state: RenderRoutesState, config: TraefikConfig): Promise<RenderRoutesState> {
      if (delivery.kind === 'file') return { ...state, preview: await previewTraefikFile(delivery.path, config) };
      if (delivery.kind === 'directory') return { ...state, preview: await previewTraefikDirectory(delivery.path, splitByTenant(config, state.routes), yamlCache) };
      if (delivery.kind === 'redis') {
        const diff = await redisDeliverer(delivery.url, delivery.prefix).preview(flattenToKv(config, delivery.prefix));
        const changed = diff.set.size + diff.del.length > 0;
        return { ...state, preview: { changed, diff: formatKvDiff(diff), summary: `${diff.set.size} keys set, ${diff.del.length} deleted` } };
      }
      // HTTP provider: Traefik polls what the server renders now; there is nothing at the edge to compare with.
      return state;
    }

    hooks.renderRoutes.for('traefik').tapPromise({ name: 'edge.traefik', stage: 0 }, async (state) => ({ ...state, output: renderTraefikConfig(state.routes, renderOptions) }));
    hooks.renderRoutes.for('traefik').tapPromise({ name: 'edge.traefik', stage: DELIVERY_STAGE }, async (state) => {
      const config = state.output as TraefikConfig;
      if (state.dryRun) return preview(state, config);
      if (!state.deliver) return state;
      if (delivery.kind === 'file') {
        const changed = await writeTraefikFile(delivery.path, config);
        return { ...state, delivered: { at: new Date(), detail: `${changed ? 'wrote' : 'unchanged'} ${delivery.path}` } };
      }
      if (delivery.kind === 'directory') {
        const { written, removed, unchanged } = await writeTraefikDirectory(delivery.path, splitByTenant(config, state.routes), yamlCache);
        return { ...state, delivered: { at: new Date(), detail: `${delivery.path}: ${written.length} written, ${removed.length} removed, ${unchanged.length} unchanged` } };
      }
      if (delivery.kind === 'redis') {
        const diff = await redisDeliverer(delivery.url, delivery.prefix).apply(flattenToKv(config, delivery.prefix));
        return { ...state, delivered: { at: new Date(), detail: `redis: ${diff.set.size} keys set, ${diff.del.length} deleted` } };
      }
      return { ...state, delivered: { at: new Date(), detail: 'served on GET /edge/traefik/config' } };
    });
  },
});
