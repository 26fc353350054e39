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

  it('reports nothing skipped for a clean table', async () => {
    const kernel = await createTestKernel([{ plugin: strict }]);
    expect((await kernel.deployRoutes('strict', { routes: [good] })).skipped).toEqual([]);
  });
});
