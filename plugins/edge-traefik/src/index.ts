/**
 * `edge.traefik`: Portico's route table as Traefik v3 dynamic configuration (render.ts, pure), delivered by the
 * file provider (deliver-file.ts), Redis KV (kv.ts + deliver-redis.ts, incremental) or the HTTP provider
 * (http.ts; the server serves it).
 */
import { DELIVERY_STAGE, definePlugin, z } from '@portico/kernel';
import { createRedisDeliverer, type RedisDeliverer } from './deliver-redis.ts';
import { writeTraefikFile } from './deliver-file.ts';
import { flattenToKv } from './kv.ts';
import { renderTraefikConfig, type TraefikConfig, type TraefikRenderOptions } from './render.ts';

export { DEFAULT_RENDER_OPTIONS, REDIRECT_MIDDLEWARE, renderTraefikConfig, routeName, toYaml } from './render.ts';
export type { TraefikConfig, TraefikRenderOptions, TraefikRouter } from './render.ts';
export { DEFAULT_ROOT_KEY, diffKv, flattenToKv } from './kv.ts';
export type { KvDiff } from './kv.ts';
export { createRedisDeliverer } from './deliver-redis.ts';
export type { RedisDeliverer, RedisDeliveryOptions } from './deliver-redis.ts';
export { writeFileAtomic, writeTraefikDirectory, writeTraefikFile } from './deliver-file.ts';
export { renderForHttp } from './http.ts';

const entryPoint = z.string().regex(/^[A-Za-z0-9_-]+$/, 'an entry point name from Traefik\'s static configuration');

export const optionsSchema = z.object({
  httpEntryPoint: entryPoint.default('web'),
  httpsEntryPoint: entryPoint.default('websecure'),
  /** Traefik's ACME resolver for HTTPS routers; absent: `tls: {}` (certificates supplied, e.g. by cert-acme). */
  certResolver: z.string().min(1).optional(),
  delivery: z
    .discriminatedUnion('kind', [
      /** The file provider: `path` is the file (one in total). */
      z.object({ kind: z.literal('file'), path: z.string().min(1) }),
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
  version: '0.1.0',
  kernel: '^0.1.0',
  options: optionsSchema,
  describe: { edges: [{ edge: 'traefik', displayName: 'Traefik' }] },
  apply({ hooks, options }) {
    const { httpEntryPoint, httpsEntryPoint, certResolver, delivery } = options;
    const renderOptions: TraefikRenderOptions = { httpEntryPoint, httpsEntryPoint, ...(certResolver === undefined ? {} : { certResolver }) };
    let redis: RedisDeliverer | undefined;
    hooks.renderRoutes.for('traefik').tapPromise({ name: 'edge.traefik', stage: 0 }, async (state) => ({ ...state, output: renderTraefikConfig(state.routes, renderOptions) }));
    hooks.renderRoutes.for('traefik').tapPromise({ name: 'edge.traefik', stage: DELIVERY_STAGE }, async (state) => {
      if (!state.deliver) return state;
      const config = state.output as TraefikConfig;
      if (delivery.kind === 'file') {
        await writeTraefikFile(delivery.path, config);
        return { ...state, delivered: { at: new Date(), detail: `wrote ${delivery.path}` } };
      }
      if (delivery.kind === 'redis') {
        redis ??= createRedisDeliverer({ url: delivery.url, prefix: delivery.prefix });
        const diff = await redis.apply(flattenToKv(config, delivery.prefix));
        return { ...state, delivered: { at: new Date(), detail: `redis: ${diff.set.size} keys set, ${diff.del.length} deleted` } };
      }
      return { ...state, delivered: { at: new Date(), detail: 'served on GET /edge/traefik/config' } };
    });
  },
});
