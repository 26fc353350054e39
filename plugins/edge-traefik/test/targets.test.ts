/**
 * One kernel, two Traefik fleets on two real Redis servers (started here): each configured edge's target names its
 * Redis and root key, and deliveries and dry runs go there and nowhere else. The plugin's own delivery is a third
 * root key, which must stay empty. Every Redis connection is closed with the kernel.
 */
import { Redis as RedisClient } from 'ioredis';
import type { EdgeTarget, Kernel, Route } from '@portico/kernel';
import { createTestKernel, EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { requireRedis, startRedis, type Redis } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import traefik, { flattenToKv, renderTraefikConfig, type TraefikConfig } from '../src/index.ts';
import { keysOf } from './redis-keys.ts';

const routes = EDGE_FIXTURE_ROUTES as Route[];
const changed = routes.map((route, i) => (i === 0 ? { ...route, upstream: { ...route.upstream, port: route.upstream.port + 1 } } : route));
const kvOf = (table: Route[], prefix: string) => flattenToKv(renderTraefikConfig(table, { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' }) as TraefikConfig, prefix);

/** Connections other than `client`'s own. */
async function otherClients(client: RedisClient): Promise<number> {
  const list = (await client.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
  const own = await client.call('CLIENT', 'ID');
  return list.split('\n').filter((line) => line.startsWith('id=') && !line.startsWith(`id=${own} `)).length;
}

// Without redis-server (apt-get install redis-server) there is no KV store to deliver to; CI=true makes requireRedis() throw.
describe.skipIf(!requireRedis())('edge.traefik: one kernel, two Redis servers', { timeout: 60_000 }, () => {
  let east: Redis;
  let west: Redis;
  let eastClient: RedisClient;
  let westClient: RedisClient;
  let kernel: Kernel;
  let toEast: EdgeTarget;
  let toEastCanary: EdgeTarget;
  let toWest: EdgeTarget;

  beforeAll(async () => {
    [east, west] = await Promise.all([startRedis(), startRedis()]);
    [eastClient, westClient] = [east, west].map((redis) => new RedisClient(redis.url, { connectTimeout: 5000, commandTimeout: 5000 })) as [RedisClient, RedisClient];
    // Two fleets on the east Redis (two root keys) and one on the west Redis (the default root key).
    toEast = { id: 'traefik-east', options: { delivery: { kind: 'redis', url: east.url, prefix: 'east' } } };
    toEastCanary = { id: 'traefik-east-canary', options: { delivery: { kind: 'redis', url: east.url, prefix: 'canary' } } };
    toWest = { id: 'traefik-west', options: { delivery: { kind: 'redis', url: west.url } } };
    kernel = await createTestKernel([{ plugin: traefik, options: { delivery: { kind: 'redis', url: east.url, prefix: 'plugin' } } }]);
  }, 120_000);

  afterAll(async () => {
    await kernel?.close();
    await Promise.all([eastClient?.quit(), westClient?.quit()]);
    await Promise.all([east?.stop(), west?.stop()]);
  });

  it('delivers each edge to its own Redis and root key', async () => {
    for (const target of [toEast, toEastCanary, toWest]) await kernel.deployRoutes('traefik', { routes, target });
    expect(await keysOf(eastClient, 'east')).toEqual(kvOf(routes, 'east'));
    expect(await keysOf(eastClient, 'canary')).toEqual(kvOf(routes, 'canary'));
    expect(await keysOf(westClient, 'traefik')).toEqual(kvOf(routes, 'traefik'));
    expect((await keysOf(eastClient, 'plugin')).size).toBe(0);
    expect((await keysOf(eastClient, 'traefik')).size).toBe(0);
  });

  it('remembers what it applied per Redis and root key: the same table again writes nothing anywhere', async () => {
    for (const target of [toEast, toEastCanary, toWest]) {
      expect((await kernel.deployRoutes('traefik', { routes, target })).delivered.detail, target.id).toBe('redis: 0 keys set, 0 deleted');
    }
  });

  it('a change delivered to one edge leaves the others as they were; dry runs read each edge\'s own keys', async () => {
    const [canary, westBefore] = [await keysOf(eastClient, 'canary'), await keysOf(westClient, 'traefik')];
    const { delivered } = await kernel.deployRoutes('traefik', { routes: changed, target: toEast });
    expect(delivered.detail).not.toBe('redis: 0 keys set, 0 deleted');
    expect(await keysOf(eastClient, 'east')).toEqual(kvOf(changed, 'east'));
    expect(await keysOf(eastClient, 'canary')).toEqual(canary);
    expect(await keysOf(westClient, 'traefik')).toEqual(westBefore);
    expect((await kernel.previewDeploy('traefik', { routes: changed, target: toEast })).preview).toEqual({ changed: false, diff: '', summary: '0 keys set, 0 deleted' });
    const { preview } = await kernel.previewDeploy('traefik', { routes: changed, target: toWest });
    expect(preview?.changed).toBe(true);
    expect(preview?.diff.split('\n').filter(Boolean).every((line) => /^[+-] traefik\//.test(line))).toBe(true);
    expect(await keysOf(westClient, 'traefik')).toEqual(westBefore);
  });

  it('closes every Redis connection when the kernel closes', async () => {
    expect([await otherClients(eastClient), await otherClients(westClient)]).toEqual([2, 1]);
    await kernel.close();
    expect([await otherClients(eastClient), await otherClients(westClient)]).toEqual([0, 0]);
  });
});
