/**
 * One mapping change against many: against a real Redis (started here, never the machine's service), 10,000
 * mappings are applied, then adding, changing and removing ONE mapping writes and deletes only that
 * mapping's keys. Keys are counted in the MULTI (the diff written) and in Redis itself.
 */
import { Redis as RedisClient } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '@portico/kernel';
import { requireRedis, startRedis, type Redis } from '@portico/test-servers';
import { createRedisDeliverer, type RedisDeliverer } from '../src/deliver-redis.ts';
import { diffKv, flattenToKv, formatKvDiff } from '../src/kv.ts';
import { renderTraefikConfig, routeName } from '../src/render.ts';
import { keysOf } from './redis-keys.ts';

const options = { httpEntryPoint: 'web', httpsEntryPoint: 'websecure', certResolver: 'le' };
// Each mapping has an upstream of its own, so its keys are its routers and its service.
const mapping = (i: number, port = 10_000 + (i % 50_000)): Route => ({
  hostname: `shop${i}.example.test`,
  basePath: '/',
  upstream: { host: `tenant${i}.internal`, port },
  stripPath: true,
  protocol: 'redirect-to-https',
});
const kvOf = (routes: Route[]) => flattenToKv(renderTraefikConfig(routes, options));
const base = Array.from({ length: 10_000 }, (_, i) => mapping(i));

// Without redis-server (apt-get install redis-server) there is nothing to test; CI=true makes requireRedis() throw.
describe.skipIf(!requireRedis())('Redis KV delivery, 10,000 mappings', { timeout: 60_000 }, () => {
  let redis: Redis;
  let client: RedisClient;
  let deliverer: RedisDeliverer;
  beforeAll(async () => {
    redis = await startRedis({ notifyKeyspaceEvents: 'KEA' });
    client = new RedisClient(redis.url, { connectTimeout: 5000, commandTimeout: 10_000 });
    deliverer = createRedisDeliverer({ url: redis.url, prefix: 'traefik' });
  }, 120_000);
  afterAll(async () => {
    await deliverer?.close();
    await client?.quit();
    await redis?.stop();
  });

  it('writes every key of the first table and nothing else', async () => {
    const kv = kvOf(base);
    const diff = await deliverer.apply(kv);
    expect(diff.set.size).toBe(kv.size);
    expect(diff.del).toEqual([]);
    expect(await keysOf(client, 'traefik')).toEqual(kv);
  });

  it('adding one mapping writes only its keys', async () => {
    const added = mapping(10_000);
    const diff = await deliverer.apply(kvOf([...base, added]));
    const name = routeName(added.hostname, '/');
    const keys = [...diff.set.keys()];
    expect(diff.del).toEqual([]);
    expect(keys.length).toBeGreaterThan(0);
    // Its two routers and its service; the shared redirect middleware exists already.
    expect(keys.every((key) => key.includes(name) || key.includes('tenant10000-internal'))).toBe(true);
    expect([...diff.set.keys()].filter((key) => key.includes(`/routers/${name}-`)).length).toBe(keys.length - 1);
    expect((await keysOf(client, 'traefik')).size).toBe(kvOf([...base, added]).size);
  });

  it('changing one mapping rewrites only the keys that changed, deletes the old service', async () => {
    const changed = [...base, { ...mapping(10_000), upstream: { host: 'tenant10000.internal', port: 9999 } }];
    const diff = await deliverer.apply(kvOf(changed));
    const name = routeName('shop10000.example.test', '/');
    // The routers' service key changes; the old service goes, the new one comes.
    expect([...diff.set.keys()].sort()).toEqual([
      `traefik/http/routers/${name}-http/service`,
      `traefik/http/routers/${name}-https/service`,
      expect.stringMatching(/^traefik\/http\/services\/portico-svc-tenant10000-internal-9999-[0-9a-f]+\/loadBalancer\/servers\/0\/url$/),
    ]);
    expect(diff.del).toEqual([expect.stringMatching(/^traefik\/http\/services\/portico-svc-tenant10000-internal-\d+-[0-9a-f]+\/loadBalancer\/servers\/0\/url$/)]);
    expect(await keysOf(client, 'traefik')).toEqual(kvOf(changed));
  });

  it('removing one mapping deletes only its keys', async () => {
    const before = await keysOf(client, 'traefik');
    const diff = await deliverer.apply(kvOf(base));
    expect(diff.set.size).toBe(0);
    expect(diff.del.length).toBeGreaterThan(0);
    expect(diff.del.every((key) => key.includes('shop10000') || key.includes('tenant10000'))).toBe(true);
    const after = await keysOf(client, 'traefik');
    expect(after).toEqual(kvOf(base));
    expect(before.size - after.size).toBe(diff.del.length);
  });

  it('a preview (dry run) reads Redis afresh and writes nothing', async () => {
    const before = await keysOf(client, 'traefik');
    const next = [...base.slice(1), mapping(20_000)];
    const diff = await deliverer.preview(kvOf(next));
    expect(diff).toEqual(diffKv(before, kvOf(next)));
    expect(diff.set.size).toBeGreaterThan(0);
    expect(diff.del.length).toBeGreaterThan(0);
    const lines = formatKvDiff(diff).split('\n').filter(Boolean);
    expect(lines.length).toBe(diff.set.size + diff.del.length);
    expect(lines.filter((line) => line.startsWith('- ')).every((line) => line.includes('shop0-') || line.includes('tenant0-'))).toBe(true);
    expect(lines.filter((line) => line.startsWith('+ ')).every((line) => / = /.test(line) && (line.includes('shop20000') || line.includes('tenant20000')))).toBe(true);
    expect(await keysOf(client, 'traefik')).toEqual(before);
    // A key changed behind the deliverer's back shows in the preview: it reads Redis, not its memory.
    const [someKey] = before.keys();
    await client.set(someKey!, 'changed elsewhere');
    expect((await deliverer.preview(kvOf(base))).set).toEqual(new Map([[someKey!, before.get(someKey!)!]]));
    await client.set(someKey!, before.get(someKey!)!);
  });

  it('a fresh deliverer reads the keys with SCAN and writes nothing when nothing changed', async () => {
    const restarted = createRedisDeliverer({ url: redis.url, prefix: 'traefik' });
    try {
      const diff = await restarted.apply(kvOf(base));
      expect(diff.set.size + diff.del.length).toBe(0);
    } finally {
      await restarted.close();
    }
  });
});
