/**
 * Delivery of a rendered config by kind, for every edge the plugin drives (each configured edge may name its own
 * delivery). What is worth keeping between deliveries is kept per place delivered to, made on first use: one Redis
 * deliverer per (url, prefix), since it remembers the keys it applied, and one project YAML cache per directory.
 * Knows nothing of the kernel beyond its preview type.
 */
import { resolve } from 'node:path';
import { redactPrivateKeys, type DeliveryPreview, type Route } from '@portico/kernel';
import { createRedisDeliverer, type RedisDeliverer } from './deliver-redis.ts';
import { previewTraefikDirectory, previewTraefikFile, writeTraefikDirectory, writeTraefikFile, type ProjectFileCache } from './deliver-file.ts';
import { flattenToKv, formatKvDiff } from './kv.ts';
import type { TraefikConfig } from './render.ts';
import { splitByTenant } from './split.ts';

/** Where a config goes (the plugin's `delivery` option, or an edge target's). */
export type TraefikDelivery =
  | { kind: 'file'; path: string }
  | { kind: 'directory'; path: string }
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'http' };

export interface TraefikDeliveries {
  /** Pushes `config`; resolves with what was done, for `delivered.detail`. */
  deliver(delivery: TraefikDelivery, config: TraefikConfig, routes: readonly Route[]): Promise<string>;
  /** What `deliver` would change, read from the edge, nothing written; `undefined` for the HTTP provider (served live). */
  preview(delivery: TraefikDelivery, config: TraefikConfig, routes: readonly Route[]): Promise<DeliveryPreview | undefined>;
  /** Closes every Redis deliverer made so far. */
  close(): Promise<void>;
}

export function createTraefikDeliveries(): TraefikDeliveries {
  const redis = new Map<string, RedisDeliverer>();
  const yamlCaches = new Map<string, ProjectFileCache>();

  const redisFor = ({ url, prefix }: { url: string; prefix: string }): RedisDeliverer => {
    const key = JSON.stringify([url, prefix]);
    let deliverer = redis.get(key);
    if (!deliverer) redis.set(key, (deliverer = createRedisDeliverer({ url, prefix })));
    return deliverer;
  };
  const cacheFor = (path: string): ProjectFileCache => {
    const key = resolve(path);
    let cache = yamlCaches.get(key);
    if (!cache) yamlCaches.set(key, (cache = new Map()));
    return cache;
  };

  return {
    async deliver(delivery, config, routes) {
      if (delivery.kind === 'file') return `${(await writeTraefikFile(delivery.path, config)) ? 'wrote' : 'unchanged'} ${delivery.path}`;
      if (delivery.kind === 'directory') {
        const { written, removed, unchanged } = await writeTraefikDirectory(delivery.path, splitByTenant(config, routes), cacheFor(delivery.path));
        return `${delivery.path}: ${written.length} written, ${removed.length} removed, ${unchanged.length} unchanged`;
      }
      if (delivery.kind === 'redis') {
        const diff = await redisFor(delivery).apply(flattenToKv(config, delivery.prefix));
        return `redis: ${diff.set.size} keys set, ${diff.del.length} deleted`;
      }
      return 'served on GET /edge/traefik/config';
    },
    async preview(delivery, config, routes) {
      if (delivery.kind === 'file') return previewTraefikFile(delivery.path, config);
      if (delivery.kind === 'directory') return previewTraefikDirectory(delivery.path, splitByTenant(config, routes), cacheFor(delivery.path));
      if (delivery.kind === 'redis') {
        const diff = await redisFor(delivery).preview(flattenToKv(config, delivery.prefix));
        // Each value is whole in the formatted diff, so redacting it afterwards hides every key.
        return { changed: diff.set.size + diff.del.length > 0, diff: redactPrivateKeys(formatKvDiff(diff)), summary: `${diff.set.size} keys set, ${diff.del.length} deleted` };
      }
      // HTTP provider: Traefik polls what the server renders now; there is nothing at the edge to compare with.
      return undefined;
    },
    async close() {
      const deliverers = [...redis.values()];
      redis.clear();
      yamlCaches.clear();
      await Promise.all(deliverers.map((deliverer) => deliverer.close()));
    },
  };
}
