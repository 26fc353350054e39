import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CERTIFICATE_STATUSES } from '../certificates/entity.ts';
import { SERVING_STATUSES } from '../certificates/status.ts';
import type { PorticoConfig } from '../../config/schema.ts';
import { DOMAIN_STATUSES } from '../domains/lifecycle.ts';

const DAY = 86_400;

/**
 * Prometheus metrics, one registry per running Portico (tests start several in one process).
 * State gauges are read from the database when scraped; event counters and histograms are fed by the code that
 * sees the events (the ask endpoint, the edge reconciler).
 */
export function createMetrics({ orm, config }: { orm: MikroORM; config: PorticoConfig }) {
  const registry = new Registry();
  const em = () => orm.em.fork();

  new Gauge({
    name: 'portico_domains',
    help: 'Domains by lifecycle status.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows: Array<{ status: string; count: string }> = await em().getConnection().execute('select status, count(*) as count from domains group by status');
      const counts = new Map(rows.map((r) => [r.status, Number(r.count)]));
      for (const status of DOMAIN_STATUSES) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  // Certificates count only while their domain holds its hostname (archived, taken-over, disabled… rows are history).
  const serving = `join domains d on d.id = c.domain_id where d.status in (${[...SERVING_STATUSES].map((s) => `'${s}'`).join(', ')})`;
  new Gauge({
    name: 'portico_certificates',
    help: 'Certificates of domains that hold their hostname, by status.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows: Array<{ status: string; count: string }> = await em().getConnection().execute(`select c.status, count(*) as count from certificates c ${serving} group by c.status`);
      const counts = new Map(rows.map((r) => [r.status, Number(r.count)]));
      for (const status of CERTIFICATE_STATUSES) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: 'portico_certificate_earliest_expiry_seconds',
    help: 'Seconds until the earliest-expiring certificate of a domain that holds its hostname expires (negative once one has expired; NaN without any certificate).',
    registers: [registry],
    async collect() {
      const [row]: Array<{ min: Date | null }> = await em().getConnection().execute(`select min(c.not_after) as min from certificates c ${serving} and c.not_after is not null`);
      // NaN, never 0, without certificates: an alert on "expires within N seconds" must not fire on an empty install.
      this.set(row?.min ? (new Date(row.min).getTime() - Date.now()) / 1000 : Number.NaN);
    },
  });
  new Gauge({
    name: 'portico_certificates_expiring_14d',
    help: 'Certificates of domains that hold their hostname that expire within 14 days (or have expired).',
    registers: [registry],
    async collect() {
      const [row]: Array<{ count: string }> = await em()
        .getConnection()
        .execute(`select count(*) as count from certificates c ${serving} and c.not_after < now() + interval '${14 * DAY} seconds'`);
      this.set(Number(row?.count ?? 0));
    },
  });

  // Edge health, from the edge_statuses rows every reconcile writes, whichever process ran it.
  type EdgeRow = { edge_id: string; ok: boolean; last_sync_at: Date | null; consecutive_failures: number; routes: number };
  const readEdgeRows = async (): Promise<Map<string, EdgeRow>> => {
    const ids = config.edges.map((e) => e.id);
    const rows: EdgeRow[] = ids.length ? await em().getConnection().execute('select edge_id, ok, last_sync_at, consecutive_failures, routes from edge_statuses where edge_id in (?)', [ids]) : [];
    return new Map(rows.map((r) => [r.edge_id, r]));
  };
  // The four edge gauges collect in one scrape: one query serves them all (a read within the last second is reused).
  let edgeRead: { at: number; rows: Promise<Map<string, EdgeRow>> } | undefined;
  const edgeRows = (): Promise<Map<string, EdgeRow>> => {
    if (!edgeRead || Date.now() - edgeRead.at > 1000) {
      const rows = readEdgeRows();
      edgeRead = { at: Date.now(), rows };
      rows.catch(() => {
        if (edgeRead?.rows === rows) edgeRead = undefined; // a failed read is not reused
      });
    }
    return edgeRead.rows;
  };
  const edgeGauge = (name: string, help: string, value: (row: EdgeRow | undefined) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['edge'],
      registers: [registry],
      async collect() {
        const rows = await edgeRows();
        this.reset();
        for (const edge of config.edges) {
          const v = value(rows.get(edge.id));
          if (v !== undefined) this.set({ edge: edge.id }, v);
        }
      },
    });
  edgeGauge('portico_edge_up', 'Whether the last reconcile of the edge delivered (0 when it failed or never ran).', (row) => (row?.ok ? 1 : 0));
  edgeGauge('portico_edge_last_sync_timestamp_seconds', 'Unix time of the last reconcile that delivered (absent before the first).', (row) =>
    row?.last_sync_at ? new Date(row.last_sync_at).getTime() / 1000 : undefined,
  );
  edgeGauge('portico_edge_consecutive_failures', 'Failed reconciles of the edge since its last success.', (row) => row?.consecutive_failures ?? 0);
  edgeGauge('portico_edge_routes', 'Routes in the configuration last delivered to the edge.', (row) => row?.routes ?? 0);

  const reconcileSeconds = new Histogram({
    name: 'portico_edge_reconcile_duration_seconds',
    help: 'Time to render and push the route table to one edge.',
    labelNames: ['edge'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const reconcileFailures = new Counter({ name: 'portico_edge_reconcile_failures_total', help: 'Reconciles an edge refused or that failed.', labelNames: ['edge'], registers: [registry] });
  const ask = new Counter({ name: 'portico_edge_ask_requests_total', help: 'On-demand TLS ask requests by answer.', labelNames: ['answer'], registers: [registry] });
  // Bound children: the ask endpoint increments without a label lookup.
  // `capped`: refused by the on-demand limits of new names; `rate_limited`: too many new names decided at once.
  const askAnswers = {
    allowed: ask.labels('allowed'),
    denied: ask.labels('denied'),
    malformed: ask.labels('malformed'),
    capped: ask.labels('capped'),
    rate_limited: ask.labels('rate_limited'),
  };

  return { registry, reconcileSeconds, reconcileFailures, askAnswers };
}
export type Metrics = ReturnType<typeof createMetrics>;
