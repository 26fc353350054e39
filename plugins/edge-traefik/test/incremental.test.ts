/**
 * Deliveries that write only what changed end where whole deliveries do. Through one kernel, random change sets
 * (`routeChangeSequence`) go to all four deliveries — one file, one file per project, a real Redis (started here,
 * never the machine's service), the served body — each step given `changes` since the previous one; after every
 * step each place holds exactly what a whole render of that step's table gives. Supplied certificates come and go
 * on the way. A change set that does not start where the plugin's kept render is (a skipped version) is rendered
 * whole, and still ends right.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis as RedisClient } from 'ioredis';
import { partitionRoutes, servedText, type Kernel, type Route, type SuppliedCertificate } from '@portico/kernel';
import { createTestKernel, routeChangeSequence } from '@portico/kernel/conformance';
import { requireRedis, startRedis, type Redis } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import traefik, { flattenToKv, renderTraefikConfig, splitByTenant, toYaml } from '../src/index.ts';
import { fixtureCertificates } from './fixtures/routes.ts';
import { keysOf } from './redis-keys.ts';

const options = { httpEntryPoint: 'web', httpsEntryPoint: 'websecure', ownershipChallengeUrl: 'http://portico:4000' };
const whole = (routes: Route[], certificates: SuppliedCertificate[]) => renderTraefikConfig(partitionRoutes(routes).routes, options, certificates);

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => n.startsWith('portico-')).sort()) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

// Without redis-server (apt-get install redis-server) there is no KV store to deliver to; CI=true makes requireRedis() throw.
describe.skipIf(!requireRedis())('edge.traefik: deliveries of change sets', { timeout: 120_000 }, () => {
  let redis: Redis;
  let client: RedisClient;
  let kernel: Kernel;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    client = new RedisClient(redis.url, { connectTimeout: 5000, commandTimeout: 10_000 });
    dir = await mkdtemp(join(tmpdir(), 'portico-traefik-incremental-'));
    kernel = await createTestKernel([{ plugin: traefik, options }]);
  }, 120_000);
  afterAll(async () => {
    await kernel?.close();
    await client?.quit();
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const targets = () => ({
    file: { id: 'file', options: { delivery: { kind: 'file', path: join(dir, 'one', 'traefik.yaml') } } },
    directory: { id: 'directory', options: { delivery: { kind: 'directory', path: join(dir, 'projects') } } },
    redis: { id: 'redis', options: { delivery: { kind: 'redis', url: redis.url, prefix: 'edge' } } },
  });

  it('every step of random change sets leaves each place holding what a whole render gives', async () => {
    for (const seed of [3, 7, 11]) {
      const sequence = routeChangeSequence({ seed, steps: 30 });
      let certificates: SuppliedCertificate[] = [];
      let since: number | undefined;
      let routes = sequence.initial;
      const deliver = async (version: number, changes?: Parameters<Kernel['deployRoutes']>[1]['changes']) => {
        const input = { routes, certificates, version, ...(changes ? { changes } : {}) };
        for (const target of Object.values(targets())) await kernel.deployRoutes('traefik', { ...input, target });
        return kernel.serveRoutes('traefik', input);
      };
      await deliver(sequence.version);
      since = sequence.version;
      for (const step of sequence.steps) {
        routes = step.routes;
        // Certificates come and go now and then; a skipped version (no change set) renders whole.
        if (step.version % 7 === 0) certificates = certificates.length === 0 ? fixtureCertificates : [];
        const skip = step.version % 11 === 0;
        const served = await deliver(step.version, skip ? undefined : { ...step.changes, since: since! });
        since = step.version;

        const expected = whole(routes, certificates);
        const label = `seed ${seed}, version ${step.version}`;
        expect(await readFile(join(dir, 'one', 'traefik.yaml'), 'utf8'), label).toBe(toYaml(expected));
        const projects = Object.fromEntries([...splitByTenant(expected, partitionRoutes(routes).routes)].map(([key, config]) => [`portico-${key}.yaml`, toYaml(config)]));
        expect(await filesOf(join(dir, 'projects')), label).toEqual(projects);
        expect(await keysOf(client, 'edge'), label).toEqual(flattenToKv(expected, 'edge'));
        expect(JSON.parse(servedText(served.body)), label).toEqual(JSON.parse(JSON.stringify(expected)));
      }
    }
  });

  it('a change set that does not start at the kept render is rendered whole', async () => {
    const sequence = routeChangeSequence({ seed: 21, steps: 4 });
    const target = targets().redis;
    await kernel.deployRoutes('traefik', { routes: sequence.initial, version: 100, target });
    const [, second] = sequence.steps;
    // Claims to start at 101, but the edge was last given 100: the kept render cannot apply it.
    await kernel.deployRoutes('traefik', { routes: second!.routes, version: 103, changes: { ...second!.changes, since: 101 }, target });
    expect(await keysOf(client, 'edge')).toEqual(flattenToKv(whole(second!.routes, []), 'edge'));
  });

  it('a delivery that failed half-way is not taken for delivered: the next change set, from the last delivered version, ends right', async () => {
    const sequence = routeChangeSequence({ seed: 33, steps: 3 });
    const [first, second, third] = sequence.steps;
    const target = targets().redis;
    await kernel.deployRoutes('traefik', { routes: sequence.initial, version: 200, target });
    // The edge is down for the next change (the worker's reconcile fails and retries later): the plugin rendered it,
    // the edge never got it, and the server still counts 200 as delivered.
    const down = { id: target.id, options: { delivery: { kind: 'redis', url: 'redis://127.0.0.1:9/0', prefix: 'edge' } } };
    await expect(kernel.deployRoutes('traefik', { routes: first!.routes, version: 201, changes: { ...first!.changes, since: 200 }, target: down })).rejects.toThrow();
    // The retry carries everything since 200; the plugin, whose kept render is 201, renders whole.
    const hosts = [...new Set([...first!.changes.hosts, ...second!.changes.hosts, ...third!.changes.hosts])];
    const routes = partitionRoutes(third!.routes).routes.filter((r) => hosts.includes(r.hostname));
    await kernel.deployRoutes('traefik', { routes: third!.routes, version: 203, changes: { since: 200, hosts, routes }, target });
    expect(await keysOf(client, 'edge')).toEqual(flattenToKv(whole(third!.routes, []), 'edge'));
  });
});
