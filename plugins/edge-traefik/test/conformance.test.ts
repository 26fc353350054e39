/**
 * The kernel's edge-target conformance suite for every delivery kind: one file, one file per project, Redis KV
 * (a real Redis, started here) and the HTTP provider (served, not pushed: no readEdge, no dry run); and once more
 * with the file named by an edge target while the plugin options say HTTP provider.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis as RedisClient } from 'ioredis';
import { createTestKernel, edgeTargetConformance } from '@portico/kernel/conformance';
import { requireRedis, startRedis } from '@portico/test-servers';
import { describe } from 'vitest';
import traefik, { type TraefikPluginOptions } from '../src/index.ts';

const start = (options: TraefikPluginOptions) => createTestKernel([{ plugin: traefik, options }]);

/** Every file of `dir` (Portico's and any other), name → text; `{}` while it does not exist. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  return Object.fromEntries(await Promise.all(names.sort().map(async (name) => [name, await readFile(join(dir, name), 'utf8')] as const)));
}

edgeTargetConformance({
  name: 'Traefik, one file',
  edge: 'traefik',
  async setup() {
    const dir = await mkdtemp(join(tmpdir(), 'portico-traefik-conformance-'));
    const kernel = await start({ certResolver: 'le', delivery: { kind: 'file', path: join(dir, 'portico.yaml') } });
    return { kernel, readEdge: () => filesOf(dir), teardown: async () => (await kernel.close(), await rm(dir, { recursive: true, force: true })) };
  },
});

edgeTargetConformance({
  name: 'Traefik, one file per project',
  edge: 'traefik',
  async setup() {
    const dir = await mkdtemp(join(tmpdir(), 'portico-traefik-conformance-'));
    const kernel = await start({ delivery: { kind: 'directory', path: dir } });
    return { kernel, readEdge: () => filesOf(dir), teardown: async () => (await kernel.close(), await rm(dir, { recursive: true, force: true })) };
  },
});

// Without redis-server (apt-get install redis-server) there is no KV store to deliver to; CI=true makes requireRedis() throw.
describe.skipIf(!requireRedis())('Redis KV', () => {
  edgeTargetConformance({
    name: 'Traefik, Redis KV',
    edge: 'traefik',
    async setup() {
      const redis = await startRedis();
      const client = new RedisClient(redis.url, { connectTimeout: 5000, commandTimeout: 5000 });
      const kernel = await start({ certResolver: 'le', delivery: { kind: 'redis', url: redis.url, prefix: 'edge' } });
      const readEdge = async () => {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await client.scan(cursor, 'MATCH', 'edge/*', 'COUNT', 1000);
          keys.push(...batch);
          cursor = next;
        } while (cursor !== '0');
        keys.sort();
        const values = keys.length > 0 ? await client.mget(...keys) : [];
        return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
      };
      return { kernel, readEdge, teardown: async () => (await kernel.close(), await client.quit(), await redis.stop()) };
    },
  });
});

edgeTargetConformance({
  name: 'Traefik, HTTP provider',
  edge: 'traefik',
  async setup() {
    return { kernel: await start({ delivery: { kind: 'http' } }) };
  },
});

edgeTargetConformance({
  name: 'Traefik, one file named by an edge target',
  edge: 'traefik',
  async setup() {
    const dir = await mkdtemp(join(tmpdir(), 'portico-traefik-conformance-'));
    const kernel = await start({ delivery: { kind: 'http' } });
    return {
      kernel,
      target: { id: 'traefik-2', options: { delivery: { kind: 'file', path: join(dir, 'portico.yaml') } } },
      readEdge: () => filesOf(dir),
      teardown: async () => (await kernel.close(), await rm(dir, { recursive: true, force: true })),
    };
  },
});
