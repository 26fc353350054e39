import { readFile } from 'node:fs/promises';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { DeliveryPreview, Kernel, SkippedRoute } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { JobData } from '../../jobs/queues.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { recordProbeResults } from '../certificates/check.ts';
import { suppliedCertificates } from '../certificates/delivery.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import { Domain } from '../domains/entity.ts';
import { transition } from '../domains/transition.ts';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { RouteTable, TableRoute } from '../routing/route-table.ts';
import { probeHttps } from './probe.ts';
import { EdgeStatus, type SkippedMapping } from './status.entity.ts';

type EdgeConfig = PorticoConfig['edges'][number];

/** `a.b.example.com`, `b.example.com`, `example.com`, `com`: the names a domain owning `host` may have. */
const suffixesOf = (host: string): string[] => host.split('.').map((_, i, labels) => labels.slice(i).join('.'));

/**
 * Whole deliveries one process makes at once. A whole render and delivery of a large table takes seconds of CPU and
 * hundreds of MB (a first reconcile of every edge at start-up, each edge's periodic whole delivery): run together they
 * starve each other and the process (an edge's admin API gives up on a body that trickles in), while change sets,
 * which cost milliseconds, run side by side.
 */
const WHOLE_AT_ONCE = 2;

/** Runs `fn`s at most `max` at a time, in the order they came. */
function limiter(max: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < max) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // The slot passes to the next in line, or is freed.
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** How often each edge is sent the whole route table even when a change set would do. */
const FULL_RECONCILE_MS = 10 * 60_000;

/** What the last reconcile of one edge did, for the API, the CLI and /metrics. */
export interface EdgeHealth {
  edgeId: string;
  edge: string;
  /** `ok`: the last attempt delivered; `failing`: it did not; `pending`: never attempted. */
  health: 'ok' | 'failing' | 'pending';
  lastAttemptAt: Date | null;
  lastSyncAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
  routes: number;
  durationMs: number | null;
  detail: string | null;
  /** Routes the last delivery left out as malformed (never another route's failure), with their mappings. */
  skipped: SkippedMapping[];
}

/** What a reconcile delivered. */
export interface ReconcileResult {
  edgeId: string;
  edge: string;
  routes: number;
  durationMs: number;
  detail: string | null;
}

/** What a dry run found for one edge (`portico edges reconcile --dry-run`). */
export interface EdgePreview {
  edgeId: string;
  edge: string;
  routes: number;
  /** Undefined when the edge plugin has no dry run (its configuration is served, not pushed). */
  preview?: DeliveryPreview;
  output: unknown;
  /** Routes a push would leave out as malformed. */
  skipped: SkippedMapping[];
}

/** The mappings behind routes the kernel left out (`SkippedRoute`), as the edge status keeps them. */
function skippedMappings(skipped: readonly SkippedRoute[]): SkippedMapping[] {
  return skipped.map(({ route, reason, message }) => ({
    mappingId: (route as Partial<TableRoute>).mappingId ?? null,
    host: String(route.hostname),
    basePath: String(route.basePath),
    reason,
    message,
  }));
}

/** The hostnames a delivery carried, built on first call only (most change sets move no domain and never ask). */
type PushedHosts = () => ReadonlySet<string>;

function pushedHosts(routes: readonly TableRoute[], skipped: readonly SkippedRoute[]): PushedHosts {
  let hosts: Set<string> | undefined;
  return () => {
    if (hosts) return hosts;
    const left = new Set(skipped.map((s) => s.route));
    hosts = new Set();
    for (const route of routes) if (!left.has(route)) hosts.add(route.hostname);
    return hosts;
  };
}

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  jobs: JobQueue;
  config: PorticoConfig;
  logger: Logger;
  routeTable: RouteTable;
  metrics: Metrics;
  secretBox: SecretBox;
}

/**
 * Edge reconciliation: one coalesced job per edge renders the route table and pushes it
 * (`kernel.deployRoutes`); domains the pushed config carries move `verified → deploying`, and a probe job moves
 * each to `live` once an HTTPS request through the edge answers with a valid certificate (recorded as the
 * hostname's certificate). Idempotent: pushing the same table again changes nothing at the edge.
 */
export function createEdgeService({ orm, kernel, jobs, config, logger, routeTable, metrics, secretBox }: Deps) {
  /** The route table version each edge last received: a changed table retries `cert_failed` domains. */
  const deployedVersion = new Map<string, number>();
  /** When each edge last received the whole table: a reconcile after `FULL_RECONCILE_MS` sends it whole again. */
  const wholeAt = new Map<string, number>();
  const edgeOf = (edgeId: string): EdgeConfig | undefined => config.edges.find((e) => e.id === edgeId);
  const targetOf = (edge: EdgeConfig) => ({ id: edge.id, ...(edge.target === undefined ? {} : { options: edge.target }) });
  const wholeDeliveries = limiter(WHOLE_AT_ONCE);
  const selected = (edgeIds?: readonly string[]): EdgeConfig[] => (edgeIds?.length ? config.edges.filter((e) => edgeIds.includes(e.id)) : config.edges);

  /** Run `fn` holding a transaction-scoped advisory lock for the edge: one delivery per edge across processes. */
  function exclusively<T>(edgeId: string, fn: () => Promise<T>): Promise<T> {
    return orm.em.fork().transactional(async (em) => {
      await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`portico:edge:${edgeId}`], 'all', em.getTransactionContext());
      return fn();
    });
  }

  type Attempt = { ok: true; routes: number; durationMs: number; detail: string | null; skipped: SkippedMapping[] } | { ok: false; error: string };

  /** One row per edge, upserted: a success resets the failure count, a failure keeps the last good sync. */
  async function recordAttempt(edge: EdgeConfig, attempt: Attempt): Promise<void> {
    const now = new Date();
    const params = attempt.ok
      ? [edge.id, edge.edge, true, now, now, null, 0, attempt.routes, attempt.durationMs, attempt.detail, JSON.stringify(attempt.skipped)]
      : [edge.id, edge.edge, false, now, null, attempt.error, 1, 0, null, null, null];
    await orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into edge_statuses (edge_id, edge, ok, last_attempt_at, last_sync_at, last_error, consecutive_failures, routes, duration_ms, detail, skipped)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
         on conflict (edge_id) do update set edge = excluded.edge, ok = excluded.ok, last_attempt_at = excluded.last_attempt_at,
           last_error = excluded.last_error,
           last_sync_at = case when excluded.ok then excluded.last_sync_at else edge_statuses.last_sync_at end,
           consecutive_failures = case when excluded.ok then 0 else edge_statuses.consecutive_failures + 1 end,
           routes = case when excluded.ok then excluded.routes else edge_statuses.routes end,
           duration_ms = case when excluded.ok then excluded.duration_ms else edge_statuses.duration_ms end,
           detail = case when excluded.ok then excluded.detail else edge_statuses.detail end,
           skipped = case when excluded.ok then excluded.skipped else edge_statuses.skipped end`,
        params,
      );
  }

  /**
   * Move on the domains a delivery carried, and back the ones it left without mappings. `changed`: the hosts a change
   * set delivered — only the domains they belong to (a mapping's host is its domain's hostname or a name below it)
   * can have moved, so only those are read; undefined after a whole delivery, which reads them all.
   */
  async function advance(em: EntityManager, edge: EdgeConfig, pushed: PushedHosts, retryFailed: boolean, changed: readonly string[] | undefined): Promise<void> {
    if (changed?.length === 0) return;
    const names = changed && [...new Set(changed.flatMap((host) => suffixesOf(host.replace(/^\*\./, ''))))];
    const scoped = names ? ' and d.hostname in (?)' : '';
    const rows: Array<{ domain_id: string; hosts: string[] }> = await em
      .getConnection()
      .execute(
        `select m.domain_id, array_agg(distinct m.host order by m.host) as hosts from service_domain_mappings m join domains d on d.id = m.domain_id
         where d.status in (?)${scoped} group by m.domain_id`,
        [retryFailed ? ['verified', 'cert_failed'] : ['verified'], ...(names ? [names] : [])],
        'all',
        em.getTransactionContext(),
      );
    for (const row of rows) {
      // Only what this push carried: a mapping added since the table was read waits for the next reconcile.
      if (!row.hosts.every((host) => pushed().has(host))) continue;
      const domain = await em.findOne(Domain, { id: row.domain_id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!domain || (domain.status !== 'verified' && domain.status !== 'cert_failed')) continue;
      transition(em, domain, 'deploying', 'routes_deployed', { edge: edge.id, hosts: row.hosts.join(', ') });
      await jobs.send('domain.probe', { domainId: domain.id, edgeId: edge.id, attempt: 1 }, { em });
    }
    // Domains left without any mapping go back to plain verified: found in one query (a reconcile never reads every
    // routed domain), then locked and checked again one by one.
    const orphaned: Array<{ id: string }> = await em
      .getConnection()
      .execute(
        `select d.id from domains d where d.status in ('deploying', 'live', 'cert_failed')${scoped}
         and not exists (select 1 from service_domain_mappings m where m.domain_id = d.id)`,
        names ? [names] : [],
        'all',
        em.getTransactionContext(),
      );
    for (const { id } of orphaned) {
      const domain = await em.findOne(Domain, { id, status: { $in: ['deploying', 'live', 'cert_failed'] } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (domain && (await em.count(ServiceDomainMapping, { domain: domain.id })) === 0) transition(em, domain, 'verified', 'routes_removed');
    }
  }

  /** One reconcile of `edge`: the whole table, or what changed since `since` (when the table can still tell). */
  async function reconcile(edge: EdgeConfig, since: number | undefined, whole: boolean): Promise<ReconcileResult> {
    const edgeId = edge.id;
    await routeTable.settled();
    const version = routeTable.version;
    const routes = routeTable.routes();
    const changes = whole || since === undefined ? undefined : routeTable.changesSince(since);
    const started = performance.now();
    let delivered: { detail?: string };
    let skipped: SkippedRoute[];
    try {
      // Portico's own certificates (cert.acme) go to every edge with the routes; keys unsealed in memory only.
      const certificates = await suppliedCertificates({ orm, secretBox, logger });
      // The queue runs one reconcile per edge at a time; the lock also serialises the CLI's forced reconcile.
      ({ delivered, skipped } = await exclusively(edgeId, () =>
        kernel.deployRoutes(edge.edge, { routes, target: targetOf(edge), certificates, version, ...(changes ? { changes } : {}) }),
      ));
    } catch (error) {
      metrics.reconcileFailures.inc({ edge: edgeId });
      await recordAttempt(edge, { ok: false, error: error instanceof Error ? error.message : String(error) });
      logger.warn({ edgeId, err: error }, 'edge reconcile failed; retried with backoff');
      throw error;
    }
    const elapsed = performance.now() - started;
    metrics.reconcileSeconds.observe({ edge: edgeId }, elapsed / 1000);
    // A malformed route costs its own mapping only: the rest was delivered, and the status names what was left out.
    const deliveredRoutes = routes.length - skipped.length;
    if (skipped.length > 0) logger.warn({ edgeId, skipped: skippedMappings(skipped) }, 'edge reconcile left out routes that cannot be served');
    await recordAttempt(edge, { ok: true, routes: deliveredRoutes, durationMs: Math.round(elapsed), detail: delivered.detail ?? null, skipped: skippedMappings(skipped) });
    // A changed table retries `cert_failed` domains: all of them after a whole delivery, those whose routes changed after a change set.
    const retryFailed = since !== version;
    deployedVersion.set(edgeId, version);
    if (!changes) wholeAt.set(edgeId, Date.now());
    await orm.em.fork().transactional((em) => advance(em, edge, pushedHosts(routes, skipped), retryFailed, changes?.hosts));
    logger.info({ edgeId, routes: deliveredRoutes, durationMs: Math.round(elapsed) }, 'edge reconciled');
    return { edgeId, edge: edge.edge, routes: deliveredRoutes, durationMs: Math.round(elapsed), detail: delivered.detail ?? null };
  }

  return {
    /** Every configured edge's health, in configuration order (edges never reconciled are `pending`). */
    async statuses(): Promise<EdgeHealth[]> {
      const rows = await orm.em.fork().find(EdgeStatus, { edgeId: { $in: config.edges.map((e) => e.id) } });
      const byId = new Map(rows.map((row) => [row.edgeId, row]));
      return config.edges.map((edge) => {
        const row = byId.get(edge.id);
        if (!row) return { edgeId: edge.id, edge: edge.edge, health: 'pending', lastAttemptAt: null, lastSyncAt: null, lastError: null, consecutiveFailures: 0, routes: 0, durationMs: null, detail: null, skipped: [] };
        return {
          edgeId: edge.id,
          edge: edge.edge,
          health: row.ok ? 'ok' : 'failing',
          lastAttemptAt: row.lastAttemptAt,
          lastSyncAt: row.lastSyncAt ?? null,
          lastError: row.lastError ?? null,
          consecutiveFailures: row.consecutiveFailures,
          routes: row.routes,
          durationMs: row.durationMs ?? null,
          detail: row.detail ?? null,
          skipped: row.skipped ?? [],
        };
      });
    },

    /** Render every selected edge (default all) and ask its delivery what a push would change; nothing is pushed. */
    async preview(edgeIds?: readonly string[]): Promise<EdgePreview[]> {
      await routeTable.settled();
      const routes = routeTable.routes();
      // Supplied certificates take part in the comparison; the kernel redacts their keys from output and diff.
      const certificates = await suppliedCertificates({ orm, secretBox, logger });
      const out: EdgePreview[] = [];
      for (const edge of selected(edgeIds)) {
        const { output, preview, skipped } = await kernel.previewDeploy(edge.edge, { routes, target: targetOf(edge), certificates });
        out.push({ edgeId: edge.id, edge: edge.edge, routes: routes.length - skipped.length, output, ...(preview ? { preview } : {}), skipped: skippedMappings(skipped) });
      }
      return out;
    },

    /** Queue a reconcile of every edge (coalesced per edge by the queue's `stately` policy). */
    async requestSync(): Promise<void> {
      await Promise.all(config.edges.map((edge) => jobs.send('edge.reconcile', { edgeId: edge.id }, { singletonKey: edge.id })));
    },

    /** The `edge.reconcile` job. */
    async runReconcile(edgeId: string): Promise<ReconcileResult | undefined> {
      const edge = edgeOf(edgeId);
      if (!edge) return undefined;
      // What changed since this process last delivered to the edge, so its plugin can send only that; the whole
      // table now and then all the same (it heals an edge that lost what it was sent).
      const since = deployedVersion.get(edgeId);
      const whole = since === undefined || Date.now() - (wholeAt.get(edgeId) ?? 0) > FULL_RECONCILE_MS;
      return whole ? wholeDeliveries(() => reconcile(edge, since, true)) : reconcile(edge, since, false);
    },

    /** The `domain.probe` job: HTTPS through the edge for every mapped host of a deploying domain. */
    async runProbe({ domainId, edgeId, attempt }: JobData['domain.probe']): Promise<void> {
      const edge = edgeOf(edgeId);
      const em = orm.em.fork();
      const domain = await em.findOne(Domain, { id: domainId });
      if (!edge || !domain || domain.status !== 'deploying') return;
      const mappings = await em.find(ServiceDomainMapping, { domain: domainId }, { orderBy: { host: 'asc', basePath: 'asc' } });
      const https = mappings.filter((m) => m.protocol !== 'http' && !m.host.startsWith('*.'));
      const byHost = new Map(https.map((m) => [m.host, m.basePath]));
      const ca = edge.probe.caFile ? await readFile(edge.probe.caFile, 'utf8') : undefined;
      const results = await Promise.all([...byHost].map(([host, basePath]) => probeHttps({ host, path: basePath, connect: edge.probe.connect, ca, timeoutMs: edge.probe.timeoutMs })));
      await recordProbeResults(orm, config, domain, edge.id, results);
      const failed = results.find((r) => !r.ok);
      await orm.em.fork().transactional(async (tx) => {
        const fresh = await tx.findOne(Domain, { id: domainId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!fresh || fresh.status !== 'deploying') return;
        if (!failed) {
          const first = https[0];
          const url = first ? `https://${first.host}${first.basePath}` : `http://${mappings[0]?.host ?? fresh.hostname}/`;
          transition(tx, fresh, 'live', 'probe_passed', { edge: edge.id, url, issuer: results[0]?.issuer ?? 'HTTP only, no certificate', results });
        } else if (attempt >= edge.probe.attempts) {
          transition(tx, fresh, 'cert_failed', 'probe_failed', { host: failed.host, attempts: attempt, detail: failed.detail ?? failed.code, results });
        } else {
          await jobs.send('domain.probe', { domainId, edgeId, attempt: attempt + 1 }, { em: tx, startAfter: edge.probe.intervalSeconds });
        }
        await tx.flush();
      });
    },
  };
}
export type EdgeService = ReturnType<typeof createEdgeService>;
