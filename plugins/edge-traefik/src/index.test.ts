import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import traefik, { renderForHttp, renderTraefikConfig, type TraefikPluginOptions } from './index.ts';

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

  it('refuses a malformed entry point name', async () => {
    await expect(start({ httpEntryPoint: 'web secure' })).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
  });

  it('renderForHttp: the same table gives the same ETag, another table another', () => {
    const a = renderForHttp(routes);
    expect(JSON.parse(a.body)).toEqual(renderTraefikConfig(routes));
    expect(renderForHttp([...routes]).etag).toBe(a.etag);
    expect(renderForHttp([{ ...routes[0]!, protocol: 'both' }]).etag).not.toBe(a.etag);
    expect(a.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });
});
