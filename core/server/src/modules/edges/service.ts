import { readFile } from 'node:fs/promises';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Kernel } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { JobData } from '../../jobs/queues.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { Certificate } from '../certificates/entity.ts';
import { Domain } from '../domains/entity.ts';
import { transition } from '../domains/transition.ts';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { RouteTable } from '../routing/route-table.ts';
import { probeHttps, type ProbeResult } from './probe.ts';

type EdgeConfig = PorticoConfig['edges'][number];

/** What the last reconcile of one edge did, for the API and /metrics. */
export interface EdgeStatus {
  edgeId: string;
  edge: string;
  ok: boolean;
  lastSyncAt: Date | null;
  lastError: string | null;
  routes: number;
  durationMs: number | null;
  failures: number;
}

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  jobs: JobQueue;
  config: PorticoConfig;
  logger: Logger;
  routeTable: RouteTable;
  metrics: Metrics;
}

/**
 * Edge reconciliation (issue 5 item 7): one coalesced job per edge renders the route table and pushes it
 * (`kernel.deployRoutes`); domains the pushed config carries move `verified → deploying`, and a probe job moves
 * each to `live` once an HTTPS request through the edge answers with a valid certificate (recorded as the
 * hostname's certificate). Idempotent: pushing the same table again changes nothing at the edge.
 */
export function createEdgeService({ orm, kernel, jobs, config, logger, routeTable, metrics }: Deps) {
  const statuses = new Map<string, EdgeStatus>(
    config.edges.map((e) => [e.id, { edgeId: e.id, edge: e.edge, ok: false, lastSyncAt: null, lastError: null, routes: 0, durationMs: null, failures: 0 }]),
  );
  /** The route table version each edge last received: a changed table retries `cert_failed` domains. */
  const deployedVersion = new Map<string, number>();
  const edgeOf = (edgeId: string): EdgeConfig | undefined => config.edges.find((e) => e.id === edgeId);

  async function advance(em: EntityManager, edge: EdgeConfig, pushed: ReadonlySet<string>, retryFailed: boolean): Promise<void> {
    const rows: Array<{ domain_id: string; hosts: string[] }> = await em
      .getConnection()
      .execute(
        `select m.domain_id, array_agg(distinct m.host order by m.host) as hosts from service_domain_mappings m join domains d on d.id = m.domain_id
         where d.status in (?) group by m.domain_id`,
        [retryFailed ? ['verified', 'cert_failed'] : ['verified']],
        'all',
        em.getTransactionContext(),
      );
    for (const row of rows) {
      // Only what this push carried: a mapping added since the table was read waits for the next reconcile.
      if (!row.hosts.every((host) => pushed.has(host))) continue;
      const domain = await em.findOne(Domain, { id: row.domain_id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!domain || (domain.status !== 'verified' && domain.status !== 'cert_failed')) continue;
      transition(em, domain, 'deploying', 'routes_deployed', { edge: edge.id, hosts: row.hosts.join(', ') });
      await jobs.send('domain.probe', { domainId: domain.id, edgeId: edge.id, attempt: 1 }, { em });
    }
    // Domains left without any mapping go back to plain verified.
    const orphans = await em.find(Domain, { status: { $in: ['deploying', 'live', 'cert_failed'] } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    for (const domain of orphans) {
      if ((await em.count(ServiceDomainMapping, { domain: domain.id })) === 0) transition(em, domain, 'verified', 'routes_removed');
    }
  }

  async function recordCertificates(results: ProbeResult[], domain: Domain, edge: EdgeConfig): Promise<void> {
    const em = orm.em.fork();
    for (const result of results) {
      const existing = await em.findOne(Certificate, { hostname: result.host });
      const certificate = existing ?? em.create(Certificate, { domain, hostname: result.host, source: `edge:${edge.id}` });
      certificate.lastCheckedAt = new Date();
      if (result.ok) {
        certificate.status = result.notAfter && result.notAfter.getTime() < Date.now() + 14 * 86_400_000 ? 'expiring' : 'active';
        certificate.issuer = result.issuer ?? null;
        certificate.notAfter = result.notAfter ?? null;
        certificate.lastError = null;
      } else {
        certificate.status = existing?.status === 'active' ? existing.status : 'failed';
        certificate.lastError = result.detail ?? result.code ?? 'unknown error';
      }
    }
    await em.flush();
  }

  return {
    statuses: () => [...statuses.values()].map((s) => ({ ...s })),

    /** Queue a reconcile of every edge (coalesced per edge by the queue's `stately` policy). */
    async requestSync(): Promise<void> {
      for (const edge of config.edges) await jobs.send('edge.reconcile', { edgeId: edge.id }, { singletonKey: edge.id });
    },

    /** The `edge.reconcile` job. */
    async runReconcile(edgeId: string): Promise<void> {
      const edge = edgeOf(edgeId);
      const status = statuses.get(edgeId);
      if (!edge || !status) return;
      await routeTable.settled();
      const version = routeTable.version;
      const routes = routeTable.routes();
      const started = performance.now();
      try {
        await kernel.deployRoutes(edge.edge, { routes });
      } catch (error) {
        metrics.reconcileFailures.inc({ edge: edgeId });
        Object.assign(status, { ok: false, lastError: error instanceof Error ? error.message : String(error), failures: status.failures + 1 });
        logger.warn({ edgeId, err: error }, 'edge reconcile failed; retried with backoff');
        throw error;
      }
      const elapsed = performance.now() - started;
      metrics.reconcileSeconds.observe({ edge: edgeId }, elapsed / 1000);
      Object.assign(status, { ok: true, lastSyncAt: new Date(), lastError: null, routes: routes.length, durationMs: Math.round(elapsed) });
      const retryFailed = deployedVersion.get(edgeId) !== version;
      deployedVersion.set(edgeId, version);
      await orm.em.fork().transactional((em) => advance(em, edge, new Set(routes.map((r) => r.hostname)), retryFailed));
      logger.info({ edgeId, routes: routes.length, durationMs: status.durationMs }, 'edge reconciled');
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
      await recordCertificates(results, domain, edge);
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
