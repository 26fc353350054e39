import { defineEntity, p } from '@mikro-orm/core';
import type { RouteIssue } from '@portico/kernel';

/** One route a delivery left out: the mapping it came from (null for a route of no mapping) and why. */
export interface SkippedMapping {
  mappingId: string | null;
  host: string;
  basePath: string;
  reason: RouteIssue;
  message: string;
}

/**
 * The outcome of the last reconcile of one configured edge, kept in the database so every
 * process — the API, other workers, the CLI — reports the same health, whichever worker ran the job.
 */
export const EdgeStatusSchema = defineEntity({
  name: 'EdgeStatus',
  tableName: 'edge_statuses',
  properties: {
    /** The edge's id in the configuration (`edges[].id`). */
    edgeId: p.string().length(63).primary(),
    /** The edge plugin key it was reconciled with (`traefik`). */
    edge: p.string().length(80),
    /** Whether the last attempt delivered. */
    ok: p.boolean(),
    lastAttemptAt: p.datetime(),
    /** The last attempt that delivered. */
    lastSyncAt: p.datetime().nullable(),
    /** Why the last attempt failed (null after a success). For operators: it may name any tenant's hostname. */
    lastError: p.text().nullable(),
    /** Failed attempts since the last success. */
    consecutiveFailures: p.integer().default(0),
    /** Routes in the last delivered configuration. */
    routes: p.integer().default(0),
    durationMs: p.integer().nullable(),
    /** What the delivery said it did (`wrote …`, `redis: 3 keys set`, `commit 1a2b3c`). */
    detail: p.text().nullable(),
    /**
     * Routes the last delivery left out because they cannot be served (the kernel's `checkRoute`: an upstream
     * host stored before upstreams were validated…), each with its mapping and reason. For operators: it spans tenants.
     */
    skipped: p.json<SkippedMapping[]>().nullable(),
  },
});
export class EdgeStatus extends EdgeStatusSchema.class {}
EdgeStatusSchema.setClass(EdgeStatus);
