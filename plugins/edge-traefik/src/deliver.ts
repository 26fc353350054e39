/**
 * Delivery of a rendered config by kind, for every edge the plugin drives (each configured edge may name its own
 * delivery). What is worth keeping between deliveries is kept per place delivered to, made on first use: one Redis
 * deliverer per (url, prefix), since it remembers the keys it applied, and one project YAML cache per directory.
 *
 * A delivery given the kept render (`KeptRender`: render-cache.ts and what its last change did) writes only what
 * changed: the Redis keys of the units that changed, the files of the projects whose routers changed, the one file
 * joined from per-unit YAML. Without it (a whole render), or when the place delivered to is not known to hold the
 * kept render's previous generation, it delivers the whole configuration, as the reference path.
 */
import { resolve } from 'node:path';
import { redactPrivateKeys, type DeliveryPreview, type Route, type RouteTenant } from '@portico/kernel';
import { createRedisDeliverer, type RedisDeliverer } from './deliver-redis.ts';
import { previewTraefikDirectory, previewTraefikFile, writeFileAtomic, writeTraefikDirectory, writeTraefikFile, type ProjectFileCache } from './deliver-file.ts';
import { flattenToKv, flattenValue, formatKvDiff, type KvDiff } from './kv.ts';
import type { RenderDelta, TraefikRenderCache } from './render-cache.ts';
import type { TraefikConfig } from './render.ts';
import { DEFAULT_TENANT_KEY, splitByOwners, splitByTenant, tenantKey } from './split.ts';
import { YamlFile } from './unit-texts.ts';

/** The kept render a delivery may write the difference of: the cache, and what its last render changed (`undefined`: rendered whole). */
export interface KeptRender {
  cache: TraefikRenderCache;
  delta: RenderDelta | undefined;
}

/** Where a config goes (the plugin's `delivery` option, or an edge target's). */
export type TraefikDelivery =
  | { kind: 'file'; path: string }
  | { kind: 'directory'; path: string }
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'http' };

export interface TraefikDeliveries {
  /** Pushes `config` (or, given `kept`, what changed); resolves with what was done, for `delivered.detail`. */
  deliver(delivery: TraefikDelivery, config: TraefikConfig, routes: readonly Route[], kept?: KeptRender): Promise<string>;
  /** What `deliver` would change, read from the edge, nothing written; `undefined` for the HTTP provider (served live). */
  preview(delivery: TraefikDelivery, config: TraefikConfig, routes: readonly Route[]): Promise<DeliveryPreview | undefined>;
  /** Closes every Redis deliverer made so far. */
  close(): Promise<void>;
}

/** The Redis keys that turn the units before a change into the units after it. */
function kvDelta(delta: RenderDelta, prefix: string, tlsBefore: ReadonlyMap<string, string>, tlsAfter: ReadonlyMap<string, string>): KvDiff {
  const set = new Map<string, string>();
  const del: string[] = [];
  const difference = (before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>) => {
    for (const [key, value] of after) if (before.get(key) !== value) set.set(key, value);
    for (const key of before.keys()) if (!after.has(key)) del.push(key);
  };
  for (const { section, name, before, after } of delta.units) {
    const key = `${prefix}/http/${section}/${name}`;
    difference(flattenValue(before, key), flattenValue(after, key));
  }
  difference(tlsBefore, tlsAfter);
  return { set, del: del.sort() };
}

/** What one kept render's last delivery left at one place: its generation, and the tls keys or text it wrote. */
interface Delivered {
  generation: number;
  tls: Map<string, string>;
}

export function createTraefikDeliveries(): TraefikDeliveries {
  const redis = new Map<string, RedisDeliverer>();
  const yamlCaches = new Map<string, ProjectFileCache>();
  // Per kept render: the joined YAML file, and what it last delivered to each place.
  const yamlFiles = new WeakMap<TraefikRenderCache, YamlFile>();
  const delivered = new WeakMap<TraefikRenderCache, Map<string, Delivered>>();

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
  /** What `kept` last delivered to `place`, when that was its previous generation (so its delta applies there). */
  const previous = (kept: KeptRender | undefined, place: string): Delivered | undefined => {
    if (kept?.delta === undefined) return undefined;
    const last = delivered.get(kept.cache)?.get(place);
    return last?.generation === kept.cache.generation - 1 ? last : undefined;
  };
  const remember = (kept: KeptRender | undefined, place: string, tls: Map<string, string>) => {
    if (!kept) return;
    let places = delivered.get(kept.cache);
    if (!places) delivered.set(kept.cache, (places = new Map()));
    places.set(place, { generation: kept.cache.generation, tls });
  };

  async function deliverRedis(delivery: { url: string; prefix: string }, config: TraefikConfig, kept: KeptRender | undefined): Promise<string> {
    const deliverer = redisFor(delivery);
    const place = `redis ${delivery.url} ${delivery.prefix}`;
    const tls = flattenValue(config.tls, `${delivery.prefix}/tls`);
    const last = previous(kept, place);
    if (last && kept?.delta) {
      const diff = kvDelta(kept.delta, delivery.prefix, last.tls, tls);
      if (await deliverer.applyDiff(diff)) {
        remember(kept, place, tls);
        return `redis: ${diff.set.size} keys set, ${diff.del.length} deleted`;
      }
    }
    // A whole delivery reads what Redis holds, so keys another writer left (or lost) are put right.
    const diff = await deliverer.apply(flattenToKv(config, delivery.prefix), kept !== undefined && kept.delta === undefined);
    remember(kept, place, tls);
    return `redis: ${diff.set.size} keys set, ${diff.del.length} deleted`;
  }

  async function deliverFile(path: string, config: TraefikConfig, kept: KeptRender | undefined): Promise<string> {
    if (!kept) return `${(await writeTraefikFile(path, config)) ? 'wrote' : 'unchanged'} ${path}`;
    let file = yamlFiles.get(kept.cache);
    if (!file) yamlFiles.set(kept.cache, (file = new YamlFile()));
    const { chunks, changed } = file.chunks(kept.cache, kept.delta, config.tls);
    const place = `file ${resolve(path)}`;
    // After a delivery of the previous generation here, the file is known: write it when it changed, without reading it.
    if (previous(kept, place)) {
      if (changed) await writeFileAtomic(path, chunks);
      remember(kept, place, new Map());
      return `${changed ? 'wrote' : 'unchanged'} ${path}`;
    }
    const wrote = await writeTraefikFile(path, chunks);
    remember(kept, place, new Map());
    return `${wrote ? 'wrote' : 'unchanged'} ${path}`;
  }

  async function deliverDirectory(path: string, config: TraefikConfig, routes: readonly Route[], kept: KeptRender | undefined): Promise<string> {
    const place = `directory ${resolve(path)}`;
    const tls = flattenValue(config.tls, 'tls');
    const last = previous(kept, place);
    let result: Awaited<ReturnType<typeof writeTraefikDirectory>>;
    if (last && kept?.delta) {
      // Only the projects whose routers changed, and `_default` (routes of no tenant, and the certificates) when its part did.
      const tlsChanged = JSON.stringify([...last.tls]) !== JSON.stringify([...tls]);
      const tenants = new Map<string, RouteTenant | undefined>();
      for (const tenant of kept.delta.tenants) tenants.set(tenantKey(tenant), tenant);
      if (tlsChanged && !tenants.has(DEFAULT_TENANT_KEY)) tenants.set(DEFAULT_TENANT_KEY, undefined);
      const part = projectsOf(kept.cache, [...tenants.values()], tenants.has(DEFAULT_TENANT_KEY) ? config.tls : undefined);
      result = await writeTraefikDirectory(path, part, cacheFor(path), new Set([...tenants.keys()].map((key) => `portico-${key}.yaml`)));
    } else {
      const owners = kept ? new Map([...kept.cache.owners].map(([name, tenant]) => [name.replace(/-https?$/, ''), tenant])) : undefined;
      result = await writeTraefikDirectory(path, owners ? splitByOwners(config, owners) : splitByTenant(config, routes), cacheFor(path));
    }
    remember(kept, place, tls);
    const { written, removed, unchanged } = result;
    return `${path}: ${written.length} written, ${removed.length} removed, ${unchanged.length} unchanged`;
  }

  return {
    async deliver(delivery, config, routes, kept) {
      if (delivery.kind === 'file') return deliverFile(delivery.path, config, kept);
      if (delivery.kind === 'directory') return deliverDirectory(delivery.path, config, routes, kept);
      if (delivery.kind === 'redis') return deliverRedis(delivery, config, kept);
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

/**
 * The project files of `tenants` from the kept render: their routers, the services and middlewares those use, and
 * (`tls`) the certificates that belong to `_default`; split as `splitByTenant` splits the whole configuration.
 */
function projectsOf(cache: TraefikRenderCache, tenants: ReadonlyArray<RouteTenant | undefined>, tls: TraefikConfig['tls']): Map<string, TraefikConfig> {
  const part: TraefikConfig = { http: { routers: {}, services: {}, middlewares: {} }, ...(tls ? { tls } : {}) };
  const owners = new Map<string, RouteTenant | undefined>();
  for (const tenant of tenants) {
    for (const name of cache.routersOwnedBy(tenant)) {
      const router = cache.routers.get(name)!;
      part.http.routers[name] = router;
      owners.set(name.replace(/-https?$/, ''), tenant);
      const service = cache.unit('services', router.service);
      if (service !== undefined) part.http.services[router.service] = service as Record<string, unknown>;
      for (const mw of router.middlewares ?? []) {
        const middleware = cache.unit('middlewares', mw);
        if (middleware !== undefined) part.http.middlewares[mw] = middleware as Record<string, unknown>;
      }
    }
  }
  return splitByOwners(part, owners);
}
