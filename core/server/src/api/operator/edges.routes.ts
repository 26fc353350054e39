import { z } from 'zod';
import { AppError, notFound } from '../../errors/app-error.ts';
import { defineRoute } from '../../http/route.ts';
import type { Cradle } from '../../container.ts';
import type { Principal } from '../../http/principal.ts';

const edgeId = z.object({ edgeId: z.string().min(1).max(100) });

const skippedSchema = z.object({ mappingId: z.string().nullable(), reason: z.string(), message: z.string() });

const operatorEdgeSchema = z
  .object({
    id: z.string(),
    edge: z.string(),
    displayName: z.string(),
    health: z.enum(['ok', 'failing', 'pending']),
    lastSyncAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    consecutiveFailures: z.number().int(),
    routes: z.number().int().meta({ description: 'Routes the last delivery carried (every tenant).' }),
    durationMs: z.number().int().nullable(),
    detail: z.string().nullable(),
    lastError: z.string().nullable().meta({ description: 'The last failed attempt’s error (operators only: it may name any tenant’s host).' }),
    skipped: z.array(skippedSchema),
  })
  .meta({ id: 'OperatorEdge' });

async function operatorEdge(cradle: Cradle, principal: Principal, id: string) {
  await cradle.accessService.requireOperator(principal);
  if (!cradle.config.edges.some((e) => e.id === id)) throw notFound('Edge');
}

/**
 * The instance operator's edge controls (the console's operator pages; `portico edges …` does the same from a
 * shell): full status with errors and route counts across tenants, a dry run, and a forced reconcile.
 */
export const operatorEdgeRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/operator/edges',
    tag: 'operator',
    summary: 'Every edge with its full status: health, last sync, routes, last error and left-out routes (instance operators only)',
    auth: 'session',
    response: z.object({ data: z.array(operatorEdgeSchema) }),
    handler: async ({ principal, cradle }) => {
      await cradle.accessService.requireOperator(principal);
      const names = new Map(cradle.kernel.descriptors.edges.map((d) => [d.edge, d.displayName]));
      const statuses = await cradle.edgeService.statuses();
      return {
        data: statuses.map((s) => ({
          id: s.edgeId,
          edge: s.edge,
          displayName: names.get(s.edge) ?? s.edge,
          health: s.health,
          lastSyncAt: s.lastSyncAt?.toISOString() ?? null,
          lastAttemptAt: s.lastAttemptAt?.toISOString() ?? null,
          consecutiveFailures: s.consecutiveFailures,
          routes: s.routes,
          durationMs: s.durationMs,
          detail: s.detail,
          lastError: s.lastError,
          skipped: s.skipped.map((k) => ({ mappingId: k.mappingId, reason: k.reason, message: k.message })),
        })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/operator/edges/:edgeId/preview',
    tag: 'operator',
    summary: 'Dry run: what a reconcile would change at the edge (a unified diff), nothing pushed (instance operators only)',
    auth: 'session',
    params: edgeId,
    response: z.object({
      id: z.string(),
      routes: z.number().int(),
      available: z.boolean().meta({ description: 'false when the edge plugin has no dry run (its configuration is served, not pushed).' }),
      changed: z.boolean(),
      summary: z.string(),
      diff: z.string(),
      skipped: z.array(skippedSchema),
    }),
    handler: async ({ params, principal, cradle }) => {
      await operatorEdge(cradle, principal, params.edgeId);
      const [preview] = await cradle.edgeService.preview([params.edgeId]);
      return {
        id: params.edgeId,
        routes: preview!.routes,
        available: preview!.preview !== undefined,
        changed: preview!.preview?.changed ?? false,
        summary: preview!.preview?.summary ?? '',
        diff: preview!.preview?.diff ?? '',
        skipped: preview!.skipped.map((k) => ({ mappingId: k.mappingId, reason: k.reason, message: k.message })),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/operator/edges/:edgeId/reconcile',
    tag: 'operator',
    summary: 'Render the route table and push it to the edge now; 502 EDGE_RECONCILE_FAILED with the edge’s error when it does not arrive (instance operators only)',
    auth: 'session',
    params: edgeId,
    response: z.object({ id: z.string(), routes: z.number().int(), durationMs: z.number().int(), detail: z.string().nullable() }),
    handler: async ({ params, principal, cradle }) => {
      await operatorEdge(cradle, principal, params.edgeId);
      try {
        const result = await cradle.edgeService.runReconcile(params.edgeId);
        if (!result) throw notFound('Edge');
        return { id: result.edgeId, routes: result.routes, durationMs: result.durationMs, detail: result.detail };
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') throw error;
        throw new AppError('EDGE_RECONCILE_FAILED', 'The edge did not take the routes; they are retried in the background.', { error: error instanceof Error ? error.message : String(error) });
      }
    },
  }),
];
