/**
 * What the edges serve: the HTTPS probe's answer recorded as each hostname's certificate (issuer, expiry, or the
 * error), for certificates an edge obtains itself (Caddy on demand). The deploy probe records it once; the sweep
 * then queues a `certificate.check` for every live domain whose hosts were not read within
 * `certificates.checkIntervalMinutes`, so an edge's own renewal (or its failure) shows in the API and /metrics.
 */
import { readFile } from 'node:fs/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { Domain } from '../domains/entity.ts';
import { probeHttps, type ProbeResult } from '../edges/probe.ts';
import { Certificate } from './entity.ts';
import { validityStatus } from './status.ts';

/** Domains whose served certificates are read on a schedule: live ones, and drifted ones that still serve. */
const CHECKED_STATUSES = ['live', 'drifted'];

/** Record probe results as the certificates of `domain`'s hosts (rows keyed by domain and hostname). */
export async function recordProbeResults(orm: MikroORM, config: PorticoConfig, domain: Domain, edgeId: string, results: ProbeResult[], now = new Date()): Promise<void> {
  const em = orm.em.fork();
  for (const result of results) {
    const existing = await em.findOne(Certificate, { domain: domain.id, hostname: result.host });
    // Portico's own certificates keep what issuance recorded, and an order wanted or running owns the row until it
    // ends: the probe only notes when it looked.
    if (existing?.source === 'cert.acme' || existing?.requestedAt || (existing?.orderingUntil && existing.orderingUntil > now)) {
      existing.lastCheckedAt = now;
      continue;
    }
    const certificate = existing ?? em.create(Certificate, { domain: em.getReference(Domain, domain.id), hostname: result.host, source: `edge:${edgeId}` });
    certificate.lastCheckedAt = now;
    if (result.ok) {
      certificate.source = `edge:${edgeId}`;
      certificate.status = result.notAfter ? validityStatus(result.notAfter, now, config.certificates.expiringWithinDays) : 'active';
      certificate.issuer = result.issuer ?? null;
      certificate.notAfter = result.notAfter ?? null;
      certificate.lastError = null;
      certificate.reason = null;
    } else {
      certificate.status = existing?.status === 'active' || existing?.status === 'expiring' ? existing.status : 'failed';
      certificate.lastError = result.detail ?? result.code ?? 'unknown error';
    }
  }
  await em.flush();
}

export function createCertificateChecks({ orm, config, jobs }: { orm: MikroORM; config: PorticoConfig; jobs: JobQueue }) {
  return {
    /** Part of the sweep: queue a check for each live domain with an HTTPS host not read within the interval. */
    async dispatchChecks(now = new Date()): Promise<number> {
      if (config.edges.length === 0) return 0;
      const since = new Date(now.getTime() - config.certificates.checkIntervalMinutes * 60_000);
      const rows: Array<{ id: string }> = await orm.em.fork().getConnection().execute(
        `select d.id from domains d where d.status in (?) and exists (
           select 1 from service_domain_mappings m where m.domain_id = d.id and m.protocol <> 'http' and m.host not like '*.%'
             and not exists (select 1 from certificates c where c.domain_id = d.id and c.hostname = m.host and c.last_checked_at > ?))
         order by d.id limit 500`,
        [CHECKED_STATUSES, since],
      );
      // The queue's `exclusive` policy keeps one check per domain queued or running: a resend is dropped.
      for (const row of rows) await jobs.send('certificate.check', { domainId: row.id }, { singletonKey: row.id });
      return rows.length;
    },

    /** The `certificate.check` job: probe every HTTPS host of the domain through every edge; the earliest expiry wins. */
    async runCheck({ domainId }: { domainId: string }): Promise<void> {
      const domain = await orm.em.fork().findOne(Domain, { id: domainId });
      if (!domain || !CHECKED_STATUSES.includes(domain.status)) return;
      const hosts: Array<{ host: string; base_path: string }> = await orm.em.fork().getConnection().execute(
        "select distinct on (host) host, base_path from service_domain_mappings where domain_id = ? and protocol <> 'http' and host not like '*.%' order by host, base_path",
        [domainId],
      );
      const chosen = new Map<string, { edgeId: string; result: ProbeResult }>();
      for (const edge of config.edges) {
        const ca = edge.probe.caFile ? await readFile(edge.probe.caFile, 'utf8') : undefined;
        const results = await Promise.all(hosts.map(({ host, base_path }) => probeHttps({ host, path: base_path, connect: edge.probe.connect, ca, timeoutMs: edge.probe.timeoutMs })));
        for (const result of results) {
          const held = chosen.get(result.host);
          const earlier = result.ok && (!held?.result.ok || (result.notAfter?.getTime() ?? Infinity) < (held.result.notAfter?.getTime() ?? Infinity));
          if (!held || earlier) chosen.set(result.host, { edgeId: edge.id, result });
        }
      }
      const byEdge = new Map<string, ProbeResult[]>();
      for (const { edgeId, result } of chosen.values()) byEdge.set(edgeId, [...(byEdge.get(edgeId) ?? []), result]);
      for (const [edgeId, results] of byEdge) await recordProbeResults(orm, config, domain, edgeId, results);
    },
  };
}
export type CertificateChecks = ReturnType<typeof createCertificateChecks>;
