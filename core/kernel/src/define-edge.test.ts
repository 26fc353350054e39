import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestKernel } from './conformance/test-services.ts';
import { defineEdge, type KeptRender } from './define-edge.ts';
import { definePlugin } from './define-plugin.ts';
import type { RenderRoutesState, Route, RouteChanges } from './render-routes.ts';

const route = (hostname: string, host = 'app'): Route => ({ hostname, basePath: '/', upstream: { host, port: 8080 }, stripPath: false, protocol: 'https' });
const names = (routes: readonly Route[]) => routes.map((r) => `${r.hostname}>${r.upstream.host}`).sort();

/** A toy edge whose configuration is its sorted `host>upstream` lines, kept per place as a map. */
function toyEdge(log: string[], options: { failApply?: () => boolean } = {}) {
  class Kept implements KeptRender<string[]> {
    version: number | undefined;
    lines = new Map<string, string>();
    readonly place: string;
    constructor(place: string) {
      this.place = place;
    }
    reset(routes: readonly Route[], { version }: RenderRoutesState) {
      log.push(`reset ${this.place} @${version}`);
      this.lines = new Map(routes.map((r) => [r.hostname, `${r.hostname}>${r.upstream.host}`]));
      this.version = version;
      return [...this.lines.values()].sort();
    }
    apply(changes: RouteChanges, { version }: RenderRoutesState) {
      log.push(`apply ${this.place} ${changes.since}→${version} [${changes.hosts.join(',')}]`);
      if (options.failApply?.()) throw new Error('apply failed');
      for (const host of changes.hosts) this.lines.delete(host);
      for (const r of changes.routes) this.lines.set(r.hostname, `${r.hostname}>${r.upstream.host}`);
      this.version = version;
      return [...this.lines.values()].sort();
    }
  }
  return defineEdge({
    id: 'edge.toy',
    version: '1.0.0',
    kernel: '^0.1.0',
    options: z.object({ where: z.string().default('plugin-place') }),
    edge: { edge: 'toy', displayName: 'Toy', target: z.strictObject({ where: z.string() }), served: true },
    build: ({ options }) => ({
      render: ({ routes }) => names(routes),
      keep: (place) => new Kept(place),
      async deliver(output, { target, kept }) {
        const where = target?.where ?? options.where;
        log.push(`deliver ${where} ${kept ? 'kept' : 'whole'} ${(output as string[]).join(' ')}`);
        return where === 'nowhere' ? undefined : `sent to ${where}`;
      },
      async preview(output, { target }) {
        return { changed: true, diff: (output as string[]).join('\n'), summary: `would send to ${target?.where ?? options.where}` };
      },
      async serve(output, { kept }) {
        return { body: (output as string[]).join('\n'), contentType: 'text/plain', etag: `"${kept?.version}"` };
      },
    }),
  });
}

describe('defineEdge', () => {
  const a = route('a.example.com');
  const b = route('b.example.com');
  const b2 = route('b.example.com', 'other');
  const c = route('c.example.com');

  it('describes the edge, renders whole for a plain render and keeps nothing', async () => {
    const log: string[] = [];
    const kernel = await createTestKernel([{ plugin: toyEdge(log) }]);
    expect(kernel.descriptors.edges).toEqual([expect.objectContaining({ edge: 'toy', displayName: 'Toy', served: true })]);
    expect(await kernel.renderRoutes('toy', { routes: [b, a], version: 1 })).toEqual(['a.example.com>app', 'b.example.com>app']);
    expect(log).toEqual([]);
  });

  it('keeps a render per place and applies a change set only when it starts at the version kept', async () => {
    const log: string[] = [];
    const kernel = await createTestKernel([{ plugin: toyEdge(log) }]);
    const target = { id: 'eu', options: { where: 'eu-fleet' } };
    const first = await kernel.deployRoutes('toy', { routes: [a, b], version: 1, target });
    expect(first.delivered.detail).toBe('sent to eu-fleet');
    const changes = { since: 1, hosts: ['b.example.com', 'c.example.com'], routes: [b2, c] };
    const second = await kernel.deployRoutes('toy', { routes: [a, b2, c], version: 2, changes, target });
    expect(second.output).toEqual(['a.example.com>app', 'b.example.com>other', 'c.example.com>app']);
    // Changes from a version this place does not hold (a delivery it never made): whole again.
    await kernel.deployRoutes('toy', { routes: [a, c], version: 4, changes: { since: 3, hosts: ['b.example.com'], routes: [] }, target });
    // Another place (no target: the plugin's) keeps its own render.
    await kernel.deployRoutes('toy', { routes: [a], version: 4, changes: { since: 2, hosts: [], routes: [] } });
    expect(log).toEqual([
      'reset eu @1',
      'deliver eu-fleet kept a.example.com>app b.example.com>app',
      'apply eu 1→2 [b.example.com,c.example.com]',
      'deliver eu-fleet kept a.example.com>app b.example.com>other c.example.com>app',
      'reset eu @4',
      'deliver eu-fleet kept a.example.com>app c.example.com>app',
      'reset @plugin @4',
      'deliver plugin-place kept a.example.com>app',
    ]);
  });

  it('starts whole again after a kept render failed half-way', async () => {
    const log: string[] = [];
    let fail = true;
    const kernel = await createTestKernel([{ plugin: toyEdge(log, { failApply: () => fail }) }]);
    await kernel.deployRoutes('toy', { routes: [a], version: 1 });
    await expect(kernel.deployRoutes('toy', { routes: [a, b], version: 2, changes: { since: 1, hosts: ['b.example.com'], routes: [b] } })).rejects.toThrow('apply failed');
    fail = false;
    const retried = await kernel.deployRoutes('toy', { routes: [a, b], version: 2, changes: { since: 1, hosts: ['b.example.com'], routes: [b] } });
    expect(retried.output).toEqual(['a.example.com>app', 'b.example.com>app']);
    expect(log.filter((line) => !line.startsWith('deliver'))).toEqual(['reset @plugin @1', 'apply @plugin 1→2 [b.example.com]', 'reset @plugin @2']);
  });

  it('previews and serves through the plugin, and reports an edge with nowhere to deliver', async () => {
    const log: string[] = [];
    const kernel = await createTestKernel([{ plugin: toyEdge(log) }]);
    const preview = await kernel.previewDeploy('toy', { routes: [a], version: 1, target: { id: 'us', options: { where: 'us-fleet' } } });
    expect(preview.preview).toEqual({ changed: true, diff: 'a.example.com>app', summary: 'would send to us-fleet' });
    const served = await kernel.serveRoutes('toy', { routes: [a, b], version: 3 });
    expect(served).toMatchObject({ body: 'a.example.com>app\nb.example.com>app', etag: '"3"' });
    // A dry run keeps nothing; the served body keeps its own render.
    expect(log).toEqual(['reset @served @3']);
    await expect(kernel.deployRoutes('toy', { routes: [a], version: 1, target: { id: 'x', options: { where: 'nowhere' } } })).rejects.toMatchObject({ code: 'EDGE_NOT_DELIVERED' });
    await expect(kernel.deployRoutes('toy', { routes: [a], target: { id: 'x', options: { whereabouts: 'typo' } } })).rejects.toMatchObject({ code: 'EDGE_TARGET_INVALID' });
  });

  it('delivers what a decorator made of the output, whole', async () => {
    const log: string[] = [];
    const decorator = definePlugin({
      id: 'edge.toy-banner',
      version: '1.0.0',
      kernel: '^0.1.0',
      options: z.object({}),
      dependsOn: ['edge.toy'],
      apply({ hooks }) {
        hooks.renderRoutes.for('toy').tap({ name: 'edge.toy-banner', stage: 10 }, (state: RenderRoutesState) => ({ ...state, output: ['# banner', ...(state.output as string[])] }));
      },
    });
    const kernel = await createTestKernel([{ plugin: toyEdge(log) }, { plugin: decorator }]);
    await kernel.deployRoutes('toy', { routes: [a], version: 1 });
    await kernel.deployRoutes('toy', { routes: [a, b], version: 2, changes: { since: 1, hosts: ['b.example.com'], routes: [b] } });
    expect(log).toEqual([
      'reset @plugin @1',
      'deliver plugin-place whole # banner a.example.com>app',
      'reset @plugin @2',
      'deliver plugin-place whole # banner a.example.com>app b.example.com>app',
    ]);
  });
});
