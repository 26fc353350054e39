import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../hooks.ts';
import type { EdgeTarget, Kernel } from '../kernel.ts';
import { EDGE_FIXTURE_ROUTES } from './edge-fixture.ts';

export interface EdgeTargetConformanceContext {
  /** A kernel with the edge plugin registered (its `describe.edges` included). */
  kernel: Kernel;
  /**
   * What the edge holds now, as anything `toEqual` compares: the file's text, the Redis keys, the git HEAD and
   * files, Caddy's loaded config. Omit it for an edge whose config is served rather than pushed (no delivery).
   */
  readEdge?: () => Promise<unknown>;
  /** Deliver to this target (`deployRoutes` / `previewDeploy` with `target`), as the server does for each configured edge. */
  target?: EdgeTarget;
  teardown?: () => Promise<void>;
}

export interface EdgeTargetConformanceOptions {
  /** Shown in the suite's title. */
  name: string;
  /** The `renderRoutes` HookMap key the plugin taps (`traefik`). */
  edge: string;
  setup: () => Promise<EdgeTargetConformanceContext>;
  /** The route table rendered; default `EDGE_FIXTURE_ROUTES`. */
  routes?: readonly Route[];
  /** Whether the delivery tap answers dry runs (`RenderRoutesState.dryRun` → `preview`). Default true with `readEdge`. */
  dryRun?: boolean;
  /** Per-test timeout in milliseconds. Default 30000. */
  timeoutMs?: number;
}

const clone = <T>(value: T): T => structuredClone(value);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A fixed shuffle (reverse, then odd positions first): a renderer that depends on input order shows it. */
const shuffled = <T>(list: readonly T[]): T[] => {
  const reversed = [...list].reverse();
  return [...reversed.filter((_, i) => i % 2 === 1), ...reversed.filter((_, i) => i % 2 === 0)];
};

/**
 * The behaviour every edge target must show: rendering is pure (deterministic, independent of route order, never
 * mutates its input, never touches the edge); and, for edges that push, deploying delivers, deploying the same
 * table again leaves the edge as it was, and a dry run reports changes without making them. Call it at the top
 * level of a test file.
 */
export function edgeTargetConformance(options: EdgeTargetConformanceOptions): void {
  const { name, edge, setup, timeoutMs = 30_000 } = options;
  const routes = deepFreeze(clone(options.routes ?? EDGE_FIXTURE_ROUTES)) as Route[];
  let ctx: EdgeTargetConformanceContext | undefined;
  const context = (): EdgeTargetConformanceContext => {
    if (!ctx) throw new Error('edgeTargetConformance: setup() did not run');
    return ctx;
  };
  const aimed = (table: Route[]) => ({ routes: table, ...(ctx?.target === undefined ? {} : { target: ctx.target }) });

  describe(`Edge target conformance: ${name} (${edge})`, () => {
    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);
    afterAll(async () => {
      await ctx?.teardown?.();
    }, timeoutMs);

    it('describes the edge it renders', () => {
      expect(context().kernel.descriptors.edges.map((d) => d.edge)).toContain(edge);
    });

    it('renders the same output for the same routes, whatever their order, without mutating them', async () => {
      const { kernel } = context();
      const first = await kernel.renderRoutes(edge, { routes });
      expect(first).toBeDefined();
      expect(await kernel.renderRoutes(edge, { routes: clone(routes) })).toEqual(first);
      expect(await kernel.renderRoutes(edge, { routes: shuffled(routes) })).toEqual(first);
    }, timeoutMs);

    it('renders an empty route table', async () => {
      expect(await context().kernel.renderRoutes(edge, { routes: [] })).toBeDefined();
    }, timeoutMs);

    it('renders different output when a route changes', async () => {
      const { kernel } = context();
      const changed = routes.map((r, i) => (i === 0 ? { ...r, upstream: { ...r.upstream, port: r.upstream.port + 1 } } : r));
      expect(await kernel.renderRoutes(edge, { routes: changed })).not.toEqual(await kernel.renderRoutes(edge, { routes }));
    }, timeoutMs);

    describe('delivery', () => {
      const pushes = () => context().readEdge !== undefined;
      const dryRuns = () => options.dryRun ?? pushes();

      it('renderRoutes leaves the edge as it was', async () => {
        const { kernel, readEdge } = context();
        if (!readEdge) return expect(pushes()).toBe(false);
        const before = await readEdge();
        await kernel.renderRoutes(edge, { routes });
        expect(await readEdge()).toEqual(before);
      }, timeoutMs);

      it('deployRoutes delivers, and deploying the same routes again leaves the edge unchanged', async () => {
        const { kernel, readEdge } = context();
        if (!readEdge) return expect(pushes()).toBe(false);
        const result = await kernel.deployRoutes(edge, aimed(routes));
        expect(result.delivered.at).toBeInstanceOf(Date);
        const once = await readEdge();
        await kernel.deployRoutes(edge, aimed(shuffled(routes)));
        expect(await readEdge()).toEqual(once);
      }, timeoutMs);

      it('a dry run reports a change without making it, and no change once deployed', async () => {
        const { kernel, readEdge } = context();
        if (!readEdge || !dryRuns()) return expect(dryRuns() && !readEdge).toBe(false);
        await kernel.deployRoutes(edge, aimed(routes));
        const deployed = await readEdge();
        const same = await kernel.previewDeploy(edge, aimed(routes));
        expect(same.preview).toMatchObject({ changed: false, diff: '' });
        const fewer = routes.slice(1);
        const preview = await kernel.previewDeploy(edge, aimed(fewer));
        expect(preview.preview?.changed).toBe(true);
        expect(preview.preview?.diff).not.toBe('');
        expect(preview.preview?.summary.trim()).not.toBe('');
        expect(await readEdge()).toEqual(deployed);
      }, timeoutMs);
    });
  });
}
