import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';

const edgeSchema = z
  .object({
    id: z.string().meta({ description: 'The edge as configured (`edges[].id`).' }),
    edge: z.string().meta({ description: 'The edge plugin key (`caddy`, `traefik`, `istio`).' }),
    displayName: z.string(),
    health: z.enum(['ok', 'failing', 'pending']).meta({ description: 'ok: the last reconcile delivered; failing: it did not (it is retried); pending: never reconciled yet.' }),
    lastSyncAt: z.string().nullable().meta({ description: 'When the route table last reached this edge.' }),
    lastAttemptAt: z.string().nullable(),
    consecutiveFailures: z.number().int(),
  })
  .meta({ id: 'Edge' });

/**
 * Edge health for everyone signed in: whether routing changes are reaching each edge. Error
 * texts and route counts span every tenant, so they stay with operators (`portico edges status`, /metrics, logs).
 */
export const edgeRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/edges',
    tag: 'edges',
    summary: 'The edges Portico drives, with their health and last sync',
    auth: 'principal',
    response: z.object({ data: z.array(edgeSchema) }),
    handler: async ({ cradle }) => {
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
        })),
      };
    },
  }),
];
