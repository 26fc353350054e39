import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import traefik, { renderForHttp, renderTraefikConfig, splitByTenant, type TraefikPluginOptions } from './index.ts';

const routes: Route[] = [{ hostname: 'shop.example.test', basePath: '/', upstream: { host: '10.0.0.5', port: 3000 }, stripPath: true, protocol: 'https' }];
const start = (options: TraefikPluginOptions | Record<string, unknown>) => createTestKernel([{ plugin: traefik, options }]);
const dir = mkdtempSync(join(tmpdir(), 'portico-traefik-plugin-'));

describe('edge.traefik', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('describes the traefik edge', async () => {
    const kernel = await start({});
    expect(kernel.descriptors.edges).toEqual([{ edge: 'traefik', displayName: 'Traefik', plugin: 'edge.traefik' }]);
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
});
