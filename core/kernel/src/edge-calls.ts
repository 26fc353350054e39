/**
 * The kernel's edge calls (`renderRoutes`, `deployRoutes`, `serveRoutes`, `previewDeploy`, `parseEdgeTarget`): one
 * render through the edge's `renderRoutes` waterfall, with or without delivery, served to an edge that pulls, a dry
 * run, and an edge target parsed by the edge descriptor's `target` schema. Part of `createKernel`; the contract is documented on `Kernel` in kernel-api.ts.
 */
import type { HookMap } from 'tapable';
import { KernelError } from './errors.ts';
import { DELIVERY_STAGE, type Hooks, type RenderRoutesState } from './hooks.ts';
import { redactPrivateKeys } from './redact.ts';
import type { Route } from './render-routes.ts';
import { partitionRoutes, type SkippedRoute } from './routing-check.ts';
import type { EdgeTarget, Kernel, KernelDescriptors, RenderInput } from './kernel-api.ts';

type EdgeCalls = Pick<Kernel, 'renderRoutes' | 'deployRoutes' | 'serveRoutes' | 'previewDeploy' | 'parseEdgeTarget'>;

interface Deps {
  hooks: Hooks;
  descriptors: KernelDescriptors;
  /** The keyed hook for a key if some plugin tapped it (kernel.ts). */
  tapped<H extends { taps: unknown[] }>(map: HookMap<H>, key: string): H | undefined;
}

export function createEdgeCalls({ hooks, descriptors, tapped }: Deps): EdgeCalls {
  const unknownEdge = (edge: string) =>
    new KernelError('EDGE_UNKNOWN', `No enabled plugin renders routes for edge "${edge}"`, { details: { edge, available: descriptors.edges.map((d) => d.edge) } });

  function parseEdgeTarget(edge: string, options: unknown): unknown {
    const descriptor = descriptors.edges.find((d) => d.edge === edge);
    if (!descriptor) throw unknownEdge(edge);
    if (!descriptor.target) {
      if (options === undefined) return undefined;
      throw new KernelError('EDGE_TARGET_INVALID', `The plugin for edge "${edge}" takes no per-edge target options`, { details: { edge } });
    }
    const parsed = descriptor.target.safeParse(options ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const first = issues[0];
      throw new KernelError('EDGE_TARGET_INVALID', `Target options of edge "${edge}" are invalid${first ? `: ${first.path || '(root)'}: ${first.message}` : ''}`, { details: { edge, issues } });
    }
    return parsed.data;
  }

  // The last table split, by array and version: every edge rendering one version of the server's table shares it.
  let lastSplit: { routes: readonly Route[]; version: number; length: number; split: ReturnType<typeof partitionRoutes> } | undefined;
  const partitionOf = ({ routes, version }: RenderInput): ReturnType<typeof partitionRoutes> => {
    if (version === undefined) return partitionRoutes(routes);
    if (lastSplit?.routes === routes && lastSplit.version === version && lastSplit.length === routes.length) return lastSplit.split;
    const split = partitionRoutes(routes);
    lastSplit = { routes, version, length: routes.length, split };
    return split;
  };

  type Mode = { deliver: boolean; dryRun?: boolean; serve?: boolean; target?: EdgeTarget };
  async function render(edge: string, input: RenderInput, mode: Mode): Promise<RenderRoutesState & { skipped: SkippedRoute[] }> {
    const hook = tapped(hooks.renderRoutes, edge);
    if (!hook) throw unknownEdge(edge);
    // Renderers only ever see routes that can be served: a malformed one is left out and reported, so one bad
    // row costs its own route, never the delivery of every other one.
    const { routes: servable, skipped } = partitionOf(input);
    const { deliver, dryRun, serve, target } = mode;
    const parsedTarget = target === undefined ? {} : { target: { id: target.id, options: parseEdgeTarget(edge, target.options) } };
    const supplied = input.certificates?.length ? { certificates: input.certificates } : {};
    // A decorator sees one whole configuration: an edge with decorators is never given a change set.
    const decorated = (hook.taps as Array<{ stage?: number }>).some((tap) => (tap.stage ?? 0) > 0 && (tap.stage ?? 0) < DELIVERY_STAGE);
    const changes = input.changes && !decorated ? { changes: { ...input.changes, routes: partitionRoutes(input.changes.routes).routes } } : {};
    const state = await hook.promise({
      edge,
      routes: servable,
      output: undefined,
      deliver,
      ...(dryRun ? { dryRun } : {}),
      ...(serve ? { serve } : {}),
      ...parsedTarget,
      ...supplied,
      ...(input.version === undefined ? {} : { version: input.version }),
      ...changes,
    });
    if (state?.output === undefined) {
      throw new KernelError('HOOK_NO_ANSWER', `The plugin answering renderRoutes for "${edge}" returned nothing`, { details: { hook: 'renderRoutes', key: edge } });
    }
    return { ...state, skipped };
  }

  return {
    parseEdgeTarget,
    async renderRoutes(edge, input) {
      return (await render(edge, input, { deliver: false })).output;
    },
    async deployRoutes(edge, { target, ...input }) {
      const state = await render(edge, input, { deliver: true, ...(target ? { target } : {}) });
      if (!state.delivered) {
        throw new KernelError('EDGE_NOT_DELIVERED', `The plugin for edge "${edge}" rendered the routes but delivered nothing`, { details: { edge } });
      }
      return { output: state.output, delivered: state.delivered, skipped: state.skipped };
    },
    async serveRoutes(edge, { target, ...input }) {
      const state = await render(edge, input, { deliver: false, serve: true, ...(target ? { target } : {}) });
      if (!state.served) {
        throw new KernelError('EDGE_NOT_SERVED', `The plugin for edge "${edge}" rendered the routes but serves no configuration`, { details: { edge } });
      }
      return { ...state.served, skipped: state.skipped };
    },
    async previewDeploy(edge, { target, ...input }) {
      const state = await render(edge, input, { deliver: false, dryRun: true, ...(target ? { target } : {}) });
      // A dry run shows no key material: the output is redacted here, and so is any whole key block left in the diff
      // (plugins redact both sides before diffing, since a hunk's context can cut a block).
      const preview = state.preview ? { ...state.preview, diff: redactPrivateKeys(state.preview.diff) } : undefined;
      return { output: redactPrivateKeys(state.output), ...(preview ? { preview } : {}), skipped: state.skipped };
    },
  };
}
