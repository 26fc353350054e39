/**
 * One kernel, two real Caddies (two machines of a fleet, here two processes on 127.0.0.1): each configured edge's
 * target names its Caddy, and deliveries and dry runs go there and nowhere else. The plugin's own admin API is a
 * port nothing listens on, so a delivery that fell back to it would fail.
 */
import { definePlugin, z, type EdgeTarget, type Kernel, type Route } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { freePort, requireCaddy, startCaddy, type Caddy } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import caddyPlugin from '../src/index.ts';
import { httpGet, seen, startEcho, type Listening } from './helpers.ts';

type Servers = Record<'https' | 'http', { listen: string[] }>;
type Config = { admin: { listen: string }; apps: { http: { http_port: number; https_port: number; servers: Servers } } };

/**
 * Two Caddies on one machine cannot share the HTTP and HTTPS ports a fleet's machines all use, so this decorator
 * (a later stage of the same waterfall, as any decorator) moves each edge's listeners to its own Caddy's ports.
 */
const portsPerEdge = (ports: Record<string, Caddy>) =>
  definePlugin({
    id: 'ext.test-ports',
    version: '0.1.0',
    kernel: '^0.1.0',
    options: z.object({}),
    apply({ hooks }) {
      hooks.renderRoutes.for('caddy').tapPromise({ name: 'ext.test-ports', stage: 10 }, async (state) => {
        const caddy = state.target && ports[state.target.id];
        if (!caddy) return state;
        const config = structuredClone(state.output) as Config;
        const { servers } = config.apps.http;
        Object.assign(config.apps.http, { http_port: caddy.httpPort, https_port: caddy.httpsPort });
        servers.http.listen = [`127.0.0.1:${caddy.httpPort}`];
        servers.https.listen = [`127.0.0.1:${caddy.httpsPort}`];
        return { ...state, output: config };
      });
    },
  });

// Without caddy (apt-get install caddy) there is no edge to drive; CI=true makes requireCaddy() throw instead.
describe.skipIf(!requireCaddy())('edge.caddy: one kernel, two Caddies', { timeout: 60_000 }, () => {
  let a: Caddy;
  let b: Caddy;
  let echo: Listening;
  let kernel: Kernel;
  let edgeA: EdgeTarget;
  let edgeB: EdgeTarget;
  let routes: Route[];
  let changed: Route[];

  beforeAll(async () => {
    [a, b, echo] = await Promise.all([startCaddy(), startCaddy(), startEcho()]);
    const up = (path?: string) => ({ host: '127.0.0.1', port: echo.port, ...(path ? { path } : {}) });
    routes = [
      { hostname: 'shop.test', basePath: '/', upstream: up(), stripPath: true, protocol: 'http' },
      { hostname: 'shop.test', basePath: '/api', upstream: up('/svc'), stripPath: true, protocol: 'http' },
    ];
    changed = routes.map((route) => (route.basePath === '/api' ? { ...route, upstream: up('/v2') } : route));
    // A target with both fields, and one with its admin address only (Portico reaches it there too).
    edgeA = { id: 'caddy-a', options: { adminUrl: a.adminUrl, adminListen: a.adminListen } };
    edgeB = { id: 'caddy-b', options: { adminListen: b.adminListen } };
    const dead = `127.0.0.1:${await freePort()}`;
    kernel = await createTestKernel([
      { plugin: caddyPlugin, options: { askUrl: 'http://127.0.0.1:9/ask', adminListen: dead, adminTimeoutMs: 15_000, listenAddresses: ['127.0.0.1'], issuers: [{ module: 'internal' }] } },
      { plugin: portsPerEdge({ 'caddy-a': a, 'caddy-b': b }) },
    ]);
  }, 120_000);

  afterAll(async () => {
    await kernel?.close();
    await Promise.all([a?.stop(), b?.stop(), echo?.close()]);
  });

  it('delivers each edge to its own Caddy, which then serves it', async () => {
    const toA = await kernel.deployRoutes('caddy', { routes, target: edgeA });
    const toB = await kernel.deployRoutes('caddy', { routes, target: edgeB });
    expect(toA.delivered.detail).toBe(`loaded into ${a.adminUrl}`);
    expect(toB.delivered.detail).toBe(`loaded into ${b.adminUrl}`);
    expect(await a.config()).toEqual(toA.output);
    expect(await b.config()).toEqual(toB.output);
    // Each config keeps its own Caddy's admin API where it was.
    expect((toA.output as Config).admin.listen).toBe(a.adminListen);
    expect((toB.output as Config).admin.listen).toBe(b.adminListen);
    for (const caddy of [a, b]) expect(seen(await httpGet(caddy.httpPort, 'shop.test', '/api/x')).url).toBe('/svc/x');
  });

  it('a dry run reads the target\'s Caddy and loads nothing', async () => {
    const same = await kernel.previewDeploy('caddy', { routes, target: edgeB });
    expect(same.preview).toEqual({ changed: false, diff: '', summary: 'no change' });
    const before = await b.config();
    const { preview } = await kernel.previewDeploy('caddy', { routes: changed, target: edgeB });
    expect(preview).toMatchObject({ changed: true, summary: 'would change apps.http' });
    expect(preview?.diff).toContain('"/v2');
    expect(await b.config()).toEqual(before);
  });

  it('a change delivered to one edge leaves the other Caddy as it was', async () => {
    const before = await b.config();
    const { output } = await kernel.deployRoutes('caddy', { routes: changed, target: edgeA });
    expect(await a.config()).toEqual(output);
    expect(await b.config()).toEqual(before);
    expect(seen(await httpGet(a.httpPort, 'shop.test', '/api/x')).url).toBe('/v2/x');
    expect(seen(await httpGet(b.httpPort, 'shop.test', '/api/x')).url).toBe('/svc/x');
    // The dry runs now differ per edge: A has the change, B has not.
    expect((await kernel.previewDeploy('caddy', { routes: changed, target: edgeA })).preview?.changed).toBe(false);
    expect((await kernel.previewDeploy('caddy', { routes: changed, target: edgeB })).preview?.changed).toBe(true);
  });

  it('refuses target options its schema rejects with EDGE_TARGET_INVALID, touching neither Caddy', async () => {
    const [beforeA, beforeB] = [await a.config(), await b.config()];
    const bad: EdgeTarget = { id: 'caddy-b', options: { adminUrl: b.adminUrl.replace('http:', 'ftp:') } };
    await expect(kernel.deployRoutes('caddy', { routes, target: bad })).rejects.toMatchObject({ code: 'EDGE_TARGET_INVALID' });
    await expect(kernel.previewDeploy('caddy', { routes, target: bad })).rejects.toMatchObject({ code: 'EDGE_TARGET_INVALID' });
    expect([await a.config(), await b.config()]).toEqual([beforeA, beforeB]);
  });

  it('without a target delivers to the plugin\'s admin API (here nobody listens there)', async () => {
    await expect(kernel.deployRoutes('caddy', { routes })).rejects.toMatchObject({ name: 'CaddyAdminError', kind: 'transient' });
  });
});
