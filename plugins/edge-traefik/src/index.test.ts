import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servedText, type Route } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import traefik, { optionsSchema, renderForHttp, renderTraefikConfig, splitByTenant, targetSchema, type TraefikPluginOptions } from './index.ts';

const routes: Route[] = [{ hostname: 'shop.example.test', basePath: '/', upstream: { host: '10.0.0.5', port: 3000 }, stripPath: true, protocol: 'https' }];
const start = (options: TraefikPluginOptions | Record<string, unknown>) => createTestKernel([{ plugin: traefik, options }]);
const dir = mkdtempSync(join(tmpdir(), 'portico-traefik-plugin-'));

describe('edge.traefik', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('describes the traefik edge', async () => {
    const kernel = await start({});
    expect(kernel.descriptors.edges).toEqual([{ edge: 'traefik', displayName: 'Traefik', target: targetSchema, served: true, plugin: 'edge.traefik' }]);
  });

  it('renders with the documented defaults (web, websecure, tls: {})', async () => {
    const kernel = await start({});
    const output = await kernel.renderRoutes('traefik', { routes });
    expect(output).toEqual(renderTraefikConfig(routes, { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' }));
    expect(Object.values((output as { http: { routers: Record<string, unknown> } }).http.routers)).toEqual([expect.objectContaining({ entryPoints: ['websecure'], tls: {} })]);
  });

  it('passes entry points and the certResolver to the renderer', async () => {
    const kernel = await start({ httpsEntryPoint: 'https', certResolver: 'le' });
    const output = (await kernel.renderRoutes('traefik', { routes })) as { http: { routers: Record<string, unknown> } };
    expect(Object.values(output.http.routers)).toEqual([expect.objectContaining({ entryPoints: ['https'], tls: { certResolver: 'le' } })]);
  });

  it('delivers to a file when deploying', async () => {
    const path = join(dir, 'dynamic', 'portico.yaml');
    const kernel = await start({ delivery: { kind: 'file', path } });
    await kernel.deployRoutes('traefik', { routes });
    expect(parse(readFileSync(path, 'utf8'))).toEqual(renderTraefikConfig(routes, { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' }));
  });

  it('delivers one file per project to a directory, split by the routes\' tenants', async () => {
    const path = join(dir, 'projects');
    const kernel = await start({ delivery: { kind: 'directory', path } });
    const table: Route[] = [{ ...routes[0]!, tenant: { organization: 'acme', project: 'shop' } }, { ...routes[0]!, hostname: 'other.example.test' }];
    const { delivered } = await kernel.deployRoutes('traefik', { routes: table });
    expect(delivered.detail).toBe(`${path}: 2 written, 0 removed, 0 unchanged`);
    expect(readdirSync(path).sort()).toEqual(['portico-_default.yaml', 'portico-acme.shop.yaml']);
    const rendered = renderTraefikConfig(table, { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' });
    expect(parse(readFileSync(join(path, 'portico-acme.shop.yaml'), 'utf8'))).toEqual(splitByTenant(rendered, table).get('acme.shop'));
    expect((await kernel.deployRoutes('traefik', { routes: table })).delivered.detail).toBe(`${path}: 0 written, 0 removed, 2 unchanged`);
  });

  it('answers dry runs of file and directory delivery with a diff, writing nothing', async () => {
    for (const kind of ['file', 'directory'] as const) {
      const path = join(dir, `dry-${kind}`, kind === 'file' ? 'portico.yaml' : '');
      const kernel = await start({ delivery: { kind, path } });
      const { preview } = await kernel.previewDeploy('traefik', { routes });
      expect(preview?.changed, kind).toBe(true);
      expect(preview?.diff, kind).toContain('+http:\n');
      expect(preview?.summary, kind).toBe(kind === 'file' ? 'portico.yaml would be created' : '1 file would change: 1 created');
      expect(existsSync(path), kind).toBe(false);
    }
  });

  it('leaves the preview unset for the HTTP provider: its config is served live', async () => {
    const kernel = await start({ delivery: { kind: 'http' } });
    const result = await kernel.previewDeploy('traefik', { routes });
    expect(result.output).toEqual(renderTraefikConfig(routes));
    expect(result).not.toHaveProperty('preview');
  });

  it('refuses a malformed entry point name', async () => {
    await expect(start({ httpEntryPoint: 'web secure' })).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
  });

  it('refuses a directory delivery without a path', async () => {
    await expect(start({ delivery: { kind: 'directory' } })).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
  });

  it('renderForHttp: the same table gives the same ETag, another table another', () => {
    const a = renderForHttp(routes);
    expect(JSON.parse(a.body)).toEqual(renderTraefikConfig(routes));
    expect(renderForHttp([...routes]).etag).toBe(a.etag);
    expect(renderForHttp([{ ...routes[0]!, protocol: 'both' }]).etag).not.toBe(a.etag);
    expect(a.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  describe('per-edge targets', () => {
    const rendered = renderTraefikConfig(routes, { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' });

    it('delivers each edge to the file its target names, and the plugin\'s without one', async () => {
      const [own, east, west] = ['own.yaml', 'east.yaml', 'west.yaml'].map((name) => join(dir, 'targets', name)) as [string, string, string];
      const kernel = await start({ delivery: { kind: 'file', path: own } });
      const toEast = await kernel.deployRoutes('traefik', { routes, target: { id: 'traefik-east', options: { delivery: { kind: 'file', path: east } } } });
      expect(toEast.delivered.detail).toBe(`wrote ${east}`);
      expect(existsSync(own)).toBe(false);
      expect(existsSync(west)).toBe(false);
      await kernel.deployRoutes('traefik', { routes, target: { id: 'traefik-west', options: { delivery: { kind: 'file', path: west } } } });
      for (const path of [east, west]) expect(parse(readFileSync(path, 'utf8'))).toEqual(rendered);
      expect(existsSync(own)).toBe(false);
      // The server names every configured edge; one without target options gets the plugin's delivery.
      expect((await kernel.deployRoutes('traefik', { routes, target: { id: 'traefik-own' } })).delivered.detail).toBe(`wrote ${own}`);
      expect((await kernel.deployRoutes('traefik', { routes })).delivered.detail).toBe(`unchanged ${own}`);
    });

    it('answers a dry run from the target\'s own file, writing nothing', async () => {
      const [east, west] = ['east.yaml', 'west.yaml'].map((name) => join(dir, 'dry-targets', name)) as [string, string];
      const kernel = await start({ delivery: { kind: 'http' } });
      const target = (path: string) => ({ id: path, options: { delivery: { kind: 'file', path } } });
      await kernel.deployRoutes('traefik', { routes, target: target(east) });
      const eastText = readFileSync(east, 'utf8');
      expect((await kernel.previewDeploy('traefik', { routes, target: target(east) })).preview).toEqual({ changed: false, diff: '', summary: 'east.yaml unchanged' });
      expect((await kernel.previewDeploy('traefik', { routes, target: target(west) })).preview).toMatchObject({ changed: true, summary: 'west.yaml would be created' });
      const changed = [{ ...routes[0]!, upstream: { host: '10.0.0.6', port: 3000 } }];
      const { preview } = await kernel.previewDeploy('traefik', { routes: changed, target: target(east) });
      expect(preview).toMatchObject({ changed: true, summary: 'east.yaml would be changed' });
      expect(preview?.diff).toContain('+          - url: http://10.0.0.6:3000');
      expect(readFileSync(east, 'utf8')).toBe(eastText);
      expect(existsSync(west)).toBe(false);
      // The plugin's own delivery (HTTP provider) has no dry run.
      expect(await kernel.previewDeploy('traefik', { routes, target: { id: 'own' } })).not.toHaveProperty('preview');
    });

    it('writes a directory target\'s project files into that directory only', async () => {
      const [one, two] = ['one', 'two'].map((name) => join(dir, 'dir-targets', name)) as [string, string];
      const kernel = await start({});
      const target = (path: string) => ({ id: path, options: { delivery: { kind: 'directory', path } } });
      const tenant = (organization: string, project: string): Route[] => [{ ...routes[0]!, tenant: { organization, project } }];
      expect((await kernel.deployRoutes('traefik', { routes: tenant('acme', 'shop'), target: target(one) })).delivered.detail).toBe(`${one}: 1 written, 0 removed, 0 unchanged`);
      expect((await kernel.deployRoutes('traefik', { routes: tenant('globex', 'portal'), target: target(two) })).delivered.detail).toBe(`${two}: 1 written, 0 removed, 0 unchanged`);
      expect(readdirSync(one)).toEqual(['portico-acme.shop.yaml']);
      expect(readdirSync(two)).toEqual(['portico-globex.portal.yaml']);
      expect((await kernel.deployRoutes('traefik', { routes: tenant('acme', 'shop'), target: target(one) })).delivered.detail).toBe(`${one}: 0 written, 0 removed, 1 unchanged`);
      expect((await kernel.previewDeploy('traefik', { routes: tenant('acme', 'shop'), target: target(two) })).preview?.summary).toBe('2 files would change: 1 created, 1 removed');
    });

    it.each([
      ['a delivery of an unknown kind', { delivery: { kind: 'consul' } }],
      ['a file delivery without a path', { delivery: { kind: 'file' } }],
      ['a Redis URL that is not redis://', { delivery: { kind: 'redis', url: 'http://redis:6379' } }],
      ['a misspelt key', { deliver: { kind: 'file', path: '/tmp/x.yaml' } }],
    ])('refuses a target with %s (EDGE_TARGET_INVALID), writing nothing', async (_, options) => {
      const own = join(dir, 'refused', 'own.yaml');
      const kernel = await start({ delivery: { kind: 'file', path: own } });
      await expect(kernel.deployRoutes('traefik', { routes, target: { id: 'bad', options } })).rejects.toMatchObject({ code: 'EDGE_TARGET_INVALID' });
      await expect(kernel.previewDeploy('traefik', { routes, target: { id: 'bad', options } })).rejects.toMatchObject({ code: 'EDGE_TARGET_INVALID' });
      expect(existsSync(own)).toBe(false);
    });
  });
});

describe('ownershipChallengeUrl', () => {
  it('takes scheme, host and port only', () => {
    expect(optionsSchema.parse({ ownershipChallengeUrl: 'http://portico:4000/' }).ownershipChallengeUrl).toBe('http://portico:4000');
    expect(optionsSchema.safeParse({ ownershipChallengeUrl: 'http://portico:4000/base' }).success).toBe(false);
    expect(optionsSchema.safeParse({ ownershipChallengeUrl: 'ftp://portico' }).success).toBe(false);
  });

  it('hands the event loop back while it renders a large table whole, and serves what a whole render gives', async () => {
    const kernel = await start({});
    const table: Route[] = Array.from({ length: 10_000 }, (_, i) => ({ hostname: `h${i}.example.test`, basePath: '/', upstream: { host: 'app', port: 3000 }, stripPath: false, protocol: 'https' }));
    let turns = 0;
    let rendering = true;
    const turn = () => {
      if (!rendering) return;
      turns += 1;
      setImmediate(turn);
    };
    setImmediate(turn);
    const served = await kernel.serveRoutes('traefik', { routes: table, version: 1 });
    rendering = false;
    // A render that never let go would see no turn of the event loop at all until it finished.
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(servedText(served.body))).toEqual(renderTraefikConfig(table));
  });
});
