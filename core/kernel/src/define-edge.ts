/**
 * The edge contract, the way an edge plugin writes it: what it renders, how it delivers, what a dry run shows and
 * what an edge that pulls is served. `defineEdge` does what every edge plugin needs and none should write again:
 *
 * - the edge descriptor (`describe.edges`), with the per-edge `target` schema and `served`;
 * - the two `renderRoutes` taps: the render at stage 0 and the delivery at `DELIVERY_STAGE`, so decorators
 *   (stages in between) see and change the rendered output before it goes anywhere;
 * - the mode of each call: a plain render or a dry run renders whole and keeps nothing; a delivery or a served
 *   render keeps what it rendered per place (`EdgePlace`) and is given to `keep` to update by change set;
 * - the change-set rule: a kept render is updated with `state.changes` only when the changes start at exactly the
 *   version it holds (`changes.since === kept.version`); anything else (nothing kept yet, a render that failed
 *   half-way, a full reload of the table, a decorated edge that gets no change set) renders whole;
 * - the edge target, parsed by the kernel with `target`, handed over typed (`undefined` without one);
 * - `delivered` (`at` now, `detail` as `deliver` says), `preview` and `served` set on the state.
 *
 * ```ts
 * export default defineEdge({
 *   id: 'edge.example', ...packageFacts(import.meta.url), options: optionsSchema,
 *   edge: { edge: 'example', displayName: 'Example', target: targetSchema },
 *   build: ({ options }) => ({
 *     render: ({ routes }) => renderExample(routes, options),
 *     deliver: async (output, { target }) => `loaded into ${await push(output, target ?? options)}`,
 *     preview: async (output, { target }) => diffAgainstRunning(output, target ?? options),
 *   }),
 * });
 * ```
 */
import type { z } from 'zod';
import { definePlugin } from './define-plugin.ts';
import { DELIVERY_STAGE, type DeliveryPreview, type RenderRoutesState, type Route, type RouteChanges, type ServedConfig } from './render-routes.ts';
import type { EdgeDescriptor, Plugin, PluginContext, PluginDefinition } from './plugin.ts';

/**
 * Where a rendered configuration goes, the key a kept render is held under: an edge's id (`edges[].id`), `@plugin`
 * for a delivery without a target (the plugin options' place), `@served` for the body an edge pulls. Calls for one
 * place never overlap: the server delivers to an edge under its lock and serves one render at a time.
 */
export type EdgePlace = string;

/** What every part of an edge is given besides its output. */
export interface EdgeCallContext<Options, Target> {
  /** The plugin options, parsed. */
  options: Options;
  /** The edge target, parsed with the descriptor's `target` schema; `undefined` when the edge has none. */
  target: Target | undefined;
  /** The call's whole hook state: `routes`, `certificates`, `version`, `dryRun`… */
  state: RenderRoutesState;
}

/** What `render` is given: the routes to render whole, with the call's context. */
export interface EdgeRenderContext<Options, Target> extends EdgeCallContext<Options, Target> {
  routes: readonly Route[];
}

/** What a delivery, a dry run or a served render is given besides the (possibly decorated) output. */
export interface EdgeOutputContext<Options, Target, Kept> extends EdgeCallContext<Options, Target> {
  place: EdgePlace;
  /** The kept render the output came from, when the call kept one (`keep`); a delivery may send only what it changed. */
  kept: Kept | undefined;
}

/**
 * A render kept for one place between calls. `reset` renders every route, `apply` only what a change set names;
 * both return the output (the same configuration a whole `render` of the table would give) and record the version
 * they now hold (`state.version`). `state` is the call's (supplied certificates and all). `reset` may be
 * asynchronous, to hand the event loop back between slices of a large table.
 */
export interface KeptRender<Output = unknown> {
  /** The table version this render holds; `undefined` until the first `reset`. */
  readonly version: number | undefined;
  reset(routes: readonly Route[], state: RenderRoutesState): Output | Promise<Output>;
  apply(changes: RouteChanges, state: RenderRoutesState): Output | Promise<Output>;
}

/** What an edge plugin supplies: a pure render, and what it can do with its output. */
export interface EdgeParts<Options, Target, Kept extends KeptRender = KeptRender> {
  /** The whole configuration of `routes`. Pure (no I/O): plain renders, dry runs, and every call nothing is kept for. */
  render(ctx: EdgeRenderContext<Options, Target>): unknown;
  /** A new kept render for a place (deliveries and served renders). Without it every call renders whole. */
  keep?(place: EdgePlace, ctx: EdgeCallContext<Options, Target>): Kept;
  /**
   * Push the output to the edge; returns a line for people (`loaded into …`), or `undefined` when this edge has
   * nowhere to deliver (the kernel then answers `EDGE_NOT_DELIVERED`). Without it the edge is only served.
   */
  deliver?(output: unknown, ctx: EdgeOutputContext<Options, Target, Kept>): Promise<string | undefined>;
  /** What a push would change at the edge, writing nothing; `undefined` when it cannot tell. */
  preview?(output: unknown, ctx: EdgeOutputContext<Options, Target, Kept>): Promise<DeliveryPreview | undefined>;
  /** The body an edge that pulls is served (the descriptor's `served`). */
  serve?(output: unknown, ctx: EdgeOutputContext<Options, Target, Kept>): Promise<ServedConfig>;
}

export interface EdgePluginDefinition<Schema extends z.ZodType, TargetSchema extends z.ZodType | undefined, Kept extends KeptRender>
  extends Omit<PluginDefinition<Schema>, 'describe' | 'apply'> {
  /** The edge this plugin renders: its `renderRoutes` key, name, target schema and whether it can be served. */
  edge: Omit<EdgeDescriptor, 'target'> & { target?: TargetSchema };
  /** Called once when the plugin is applied: the edge's parts, sharing whatever state they need. */
  build(ctx: PluginContext<z.output<Schema>>): EdgeParts<z.output<Schema>, TargetOf<TargetSchema>, Kept>;
}

type TargetOf<T> = T extends z.ZodType ? z.output<T> : undefined;

/** Where a call's output goes (see `EdgePlace`). */
export function placeOf(state: Pick<RenderRoutesState, 'serve' | 'target'>): EdgePlace {
  return state.serve ? '@served' : (state.target?.id ?? '@plugin');
}

/** Build an edge plugin (see the top of this file). The result is a plugin like any `definePlugin` one. */
export function defineEdge<Schema extends z.ZodType, TargetSchema extends z.ZodType | undefined = undefined, Kept extends KeptRender = KeptRender>(
  def: EdgePluginDefinition<Schema, TargetSchema, Kept>,
): Plugin<Schema> {
  const { edge, build, ...plugin } = def;
  return definePlugin<Schema>({
    ...plugin,
    describe: { edges: [edge as EdgeDescriptor] },
    apply(context) {
      const parts = build(context);
      const { options } = context;
      const hook = context.hooks.renderRoutes.for(edge.edge);
      const kept = new Map<EdgePlace, Kept>();
      // The kept render behind each output object, for the delivery tap (a decorator's copy has none: sent whole).
      const keptOf = new WeakMap<object, Kept>();
      const callContext = (state: RenderRoutesState): EdgeCallContext<z.output<Schema>, TargetOf<TargetSchema>> => ({
        options,
        // The kernel parsed `state.target.options` with the descriptor's target schema.
        target: state.target?.options as TargetOf<TargetSchema>,
        state,
      });

      hook.tapPromise({ name: plugin.id, stage: 0 }, async (state) => {
        const ctx = callContext(state);
        const keeps = parts.keep !== undefined && (state.deliver || state.serve === true);
        if (!keeps) return { ...state, output: parts.render({ ...ctx, routes: state.routes }) };
        const place = placeOf(state);
        let render = kept.get(place);
        if (!render) kept.set(place, (render = parts.keep!(place, ctx)));
        const { changes } = state;
        let output: unknown;
        try {
          output =
            changes !== undefined && render.version !== undefined && changes.since === render.version
              ? await render.apply(changes, state)
              : await render.reset(state.routes, state);
        } catch (error) {
          // A render that failed half-way holds nothing trustworthy: the next call starts again whole.
          kept.delete(place);
          throw error;
        }
        if (typeof output === 'object' && output !== null) keptOf.set(output, render);
        return { ...state, output };
      });

      hook.tapPromise({ name: plugin.id, stage: DELIVERY_STAGE }, async (state) => {
        const base = callContext(state);
        const output = state.output;
        const ctx: EdgeOutputContext<z.output<Schema>, TargetOf<TargetSchema>, Kept> = {
          ...base,
          place: placeOf(state),
          kept: typeof output === 'object' && output !== null ? keptOf.get(output) : undefined,
        };
        if (state.serve) {
          if (!parts.serve) return state;
          return { ...state, served: await parts.serve(output, ctx) };
        }
        if (state.dryRun) {
          const preview = parts.preview ? await parts.preview(output, ctx) : undefined;
          return preview ? { ...state, preview } : state;
        }
        if (!state.deliver || !parts.deliver) return state;
        const detail = await parts.deliver(output, ctx);
        return detail === undefined ? state : { ...state, delivered: { at: new Date(), detail } };
      });
    },
  });
}
