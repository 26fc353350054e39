import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestKernel } from './conformance/test-services.ts';
import { definePlugin } from './define-plugin.ts';
import type { RenderRoutesState, Route } from './hooks.ts';

const good: Route = { hostname: 'shop.example.com', basePath: '/', upstream: { host: 'app', port: 8080 }, stripPath: false, protocol: 'https' };
const BAD_UPSTREAMS = ['a b', 'http://evil/', 'evil host"; }', 'web\u0000evil'];

describe('edge calls leave malformed routes out', () => {
  const seen: Route[][] = [];
  // A renderer that, like a real one, cannot cope with a malformed route: it throws on one.
  const strict = definePlugin({
    id: 'edge.strict',
    version: '1.0.0',
    kernel: '^0.1.0',
    options: z.object({}),
    apply({ hooks }) {
      hooks.renderRoutes.for('strict').tap('edge.strict', (state: RenderRoutesState) => {
        seen.push(state.routes);
        if (state.routes.some((r) => /[^a-z0-9.-]/.test(r.upstream.host))) throw new TypeError('cannot render');
        return { ...state, output: state.routes.map((r) => r.hostname) };
      });
      hooks.renderRoutes.for('strict').tap({ name: 'edge.strict', stage: 1000 }, (state: RenderRoutesState) => (state.deliver ? { ...state, delivered: { at: new Date(0) } } : state));
    },
  });
  const bad = BAD_UPSTREAMS.map((host, i) => ({ ...good, hostname: `t${i}.example.com`, upstream: { host, port: 80 } }));
  const table = [bad[0]!, good, ...bad.slice(1), { ...good, hostname: 'other.example.com' }];

  it('renders and delivers every good route, and reports each bad one with its reason', async () => {
    const kernel = await createTestKernel([{ plugin: strict }]);
    expect(await kernel.renderRoutes('strict', { routes: table })).toEqual(['shop.example.com', 'other.example.com']);
    const deployed = await kernel.deployRoutes('strict', { routes: table });
    expect(deployed.output).toEqual(['shop.example.com', 'other.example.com']);
    expect(deployed.skipped.map((s) => [s.route.hostname, s.reason])).toEqual(bad.map((r) => [r.hostname, 'invalid_upstream_host']));
    const preview = await kernel.previewDeploy('strict', { routes: table });
    expect(preview.skipped).toEqual(deployed.skipped);
    expect(seen.every((routes) => routes.every((r) => !bad.includes(r)))).toBe(true);
  });

  it('splits one version of a table once for every edge, and a new version anew', async () => {
    const kernel = await createTestKernel([{ plugin: strict }]);
    seen.length = 0;
    const routes = [good, bad[0]!];
    const first = await kernel.deployRoutes('strict', { routes, version: 7 });
    const again = await kernel.deployRoutes('strict', { routes, version: 7 });
    expect(seen[1]).toBe(seen[0]);
    expect(again.skipped).toEqual(first.skipped);
    // The same array grown under a new version: the added route is checked (and left out) like any other.
    routes.push(bad[1]!, { ...good, hostname: 'added.example.com' });
    const next = await kernel.deployRoutes('strict', { routes, version: 8 });
    expect(next.output).toEqual(['shop.example.com', 'added.example.com']);
    expect(next.skipped.map((s) => s.route.hostname)).toEqual([bad[0]!.hostname, bad[1]!.hostname]);
  });

  it('reports nothing skipped for a clean table', async () => {
    const kernel = await createTestKernel([{ plugin: strict }]);
    expect((await kernel.deployRoutes('strict', { routes: [good] })).skipped).toEqual([]);
  });
});

describe('change sets and served configurations', () => {
  const route = (hostname: string, host = 'app'): Route => ({ hostname, basePath: '/', upstream: { host, port: 8080 }, stripPath: false, protocol: 'https' });
  const seen: RenderRoutesState[] = [];
  const edge = (decorate: boolean) =>
    definePlugin({
      id: decorate ? 'edge.decorated' : 'edge.plain',
      version: '1.0.0',
      kernel: '^0.1.0',
      options: z.object({}),
      describe: { edges: [{ edge: decorate ? 'decorated' : 'plain', displayName: 'Test', served: true }] },
      apply({ hooks }) {
        const key = decorate ? 'decorated' : 'plain';
        hooks.renderRoutes.for(key).tap('edge', (state: RenderRoutesState) => {
          seen.push(state);
          return { ...state, output: state.routes.map((r) => r.hostname) };
        });
        if (decorate) hooks.renderRoutes.for(key).tap({ name: 'decorator', stage: 10 }, (state: RenderRoutesState) => ({ ...state, output: [...(state.output as string[]), 'extra'] }));
        hooks.renderRoutes.for(key).tap({ name: 'edge', stage: 1000 }, (state: RenderRoutesState) =>
          state.serve ? { ...state, served: { body: JSON.stringify(state.output), contentType: 'application/json', etag: '"x"' } } : state,
        );
      },
    });

  it('hands an edge the version and what changed, checked like the table; never to an edge with decorators', async () => {
    const kernel = await createTestKernel([{ plugin: edge(false) }, { plugin: edge(true) }]);
    const bad = route('bad.example.com', 'a b');
    const changes = { since: 4, hosts: ['new.example.com', 'bad.example.com'], routes: [route('new.example.com'), bad] };
    await kernel.renderRoutes('plain', { routes: [route('old.example.com'), route('new.example.com'), bad], version: 5, changes });
    expect(seen.at(-1)?.version).toBe(5);
    expect(seen.at(-1)?.changes).toEqual({ since: 4, hosts: ['new.example.com', 'bad.example.com'], routes: [route('new.example.com')] });
    await kernel.renderRoutes('decorated', { routes: [route('new.example.com')], version: 5, changes });
    expect(seen.at(-1)?.changes).toBeUndefined();
    expect(seen.at(-1)?.version).toBe(5);
  });

  it('serves what the delivery tap serialised, and says so when a plugin serves nothing', async () => {
    const kernel = await createTestKernel([{ plugin: edge(true) }]);
    const served = await kernel.serveRoutes('decorated', { routes: [route('a.example.com')] });
    expect(served).toEqual({ body: '["a.example.com","extra"]', contentType: 'application/json', etag: '"x"', skipped: [] });
    const pushing = definePlugin({
      id: 'edge.pushing',
      version: '1.0.0',
      kernel: '^0.1.0',
      options: z.object({}),
      apply({ hooks }) {
        hooks.renderRoutes.for('pushing').tap('edge', (state: RenderRoutesState) => ({ ...state, output: [] }));
      },
    });
    const other = await createTestKernel([{ plugin: pushing }]);
    await expect(other.serveRoutes('pushing', { routes: [] })).rejects.toMatchObject({ code: 'EDGE_NOT_SERVED' });
  });
});
