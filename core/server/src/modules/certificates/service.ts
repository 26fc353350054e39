import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../errors/app-error.ts';
import { publishCertificatesExpiring } from '../events/certificate-events.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { JobData } from '../../jobs/queues.ts';
import { Domain } from '../domains/entity.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import { AcmeChallenge } from './challenge.entity.ts';
import { createCertificateChecks } from './check.ts';
import { Certificate } from './entity.ts';
import { suppliedCertificates, suppliedStamp } from './delivery.ts';
import { createIssueJob, lockHostname, type IssueDeps } from './issue.ts';
import { SERVING_STATUSES } from './status.ts';

interface Deps extends IssueDeps {
  jobs: JobQueue;
}

/** What `POST /v1/domains/:id/certificates` did for one hostname. */
export interface OrderAnswer {
  hostname: string;
  certificateId: string;
  /** `queued`: an order is queued (now, or already); `running`: one runs now; `held`: a rate limit holds it until `retryAt`. */
  state: 'queued' | 'running' | 'held';
  retryAt?: Date;
}

const DAY = 86_400_000;

/**
 * Certificates Portico obtains itself: the first `issueCert` tap answers, an on-demand edge (`delegated`: the probe
 * records what the edge got) or `cert.acme` (`issued`; HTTP-01 answered by Portico at /.well-known/acme-challenge/,
 * DNS-01 through the domain's DNS provider credential, which wildcards need). Keys are sealed at rest. Each
 * certificate row says whether an order is wanted, running or waiting for a retry; the sweep renews what expires
 * within `certificates.renewBeforeDays`, retries failures when their time comes and re-queues an order whose job
 * was lost (docs/reference/certificates.md).
 */
export function createCertificateService(deps: Deps) {
  const { orm, jobs, config, secretBox, logger } = deps;
  const runIssue = createIssueJob(deps);
  const leaseMs = () => config.certificates.orderLeaseMinutes * 60_000;

  /** The row of (domain, hostname), created when missing, locked for this transaction. */
  async function rowFor(em: EntityManager, domain: Domain, hostname: string): Promise<Certificate> {
    await lockHostname(em, hostname);
    const found = await em.findOne(Certificate, { domain: domain.id, hostname });
    if (found) return found;
    const created = em.create(Certificate, { domain: em.getReference(Domain, domain.id), hostname, source: 'pending', status: 'pending' });
    await em.flush();
    return created;
  }

  return {
    /** Expiry of what the edges serve: `dispatchChecks` (sweep) and `runCheck` (the `certificate.check` job). */
    ...createCertificateChecks({ orm, config, jobs }),

    /**
     * The certificates edges must serve, keys unsealed in memory (never log them), and a stamp that changes with
     * that set: for a configuration served rather than pushed (Traefik's HTTP provider), rendered with
     * `kernel.renderRoutes(edge, { routes, certificates })` and cached by route table version plus stamp.
     */
    supplied: () => suppliedCertificates({ orm, secretBox, logger }),
    suppliedStamp: () => suppliedStamp({ orm }),

    /** The HTTP-01 answer for a token, or undefined. */
    async challengeAnswer(token: string): Promise<string | undefined> {
      return (await orm.em.fork().findOne(AcmeChallenge, { token }))?.keyAuthorization;
    },

    list(domain: Domain): Promise<Certificate[]> {
      return orm.em.fork().find(Certificate, { domain: domain.id }, { orderBy: { hostname: 'asc' } });
    },

    /**
     * Ask for an order for `hostname` (default: the domain's mapped hosts, else the domain itself). A hostname whose
     * order is queued or running gets that one, never a second; one a rate limit holds back says until when.
     */
    async request(access: Access, domain: Domain, hostname?: string): Promise<OrderAnswer[]> {
      requireRole(access, 'admin');
      if (!SERVING_STATUSES.has(domain.status)) {
        throw new AppError('DOMAIN_NOT_ROUTABLE', `${domain.hostname} is ${domain.status}: prove ownership before asking for a certificate.`, { status: domain.status });
      }
      const mapped = (await orm.em.fork().find(ServiceDomainMapping, { domain: domain.id }, { fields: ['host'] })).map((m) => m.host);
      const hostnames = hostname ? [hostname] : mapped.length > 0 ? [...new Set(mapped)].sort() : [domain.hostname];
      const outside = hostnames.find((h) => h !== domain.hostname && !h.endsWith(`.${domain.hostname}`));
      if (outside) throw new AppError('VALIDATION_FAILED', `${outside} is not ${domain.hostname} or a name below it.`, { hostname: outside });
      const answers: OrderAnswer[] = [];
      for (const name of hostnames) {
        answers.push(
          await orm.em.fork().transactional(async (em): Promise<OrderAnswer> => {
            const row = await rowFor(em, domain, name);
            const now = new Date();
            const base = { hostname: name, certificateId: row.id };
            if (row.orderingUntil && row.orderingUntil > now) return { ...base, state: 'running' };
            if (row.status === 'rate_limited' && row.nextAttemptAt && row.nextAttemptAt > now) return { ...base, state: 'held', retryAt: row.nextAttemptAt };
            if (row.requestedAt && row.requestedAt.getTime() > now.getTime() - leaseMs()) return { ...base, state: 'queued' };
            row.requestedAt = now;
            await em.flush();
            await jobs.send('certificate.issue', { domainId: domain.id, hostname: name }, { em });
            return { ...base, state: 'queued' };
          }),
        );
      }
      return answers;
    },

    /** The `certificate.issue` job. */
    runIssue: (data: JobData['certificate.issue']) => runIssue(data),

    /**
     * Part of the sweep: statuses follow validity (`expiring`, `expired`), then an order is queued for every
     * certificate of a serving domain that needs one and has none queued or running: a Portico certificate due for
     * renewal, a failure or rate-limit hold whose `nextAttemptAt` has come, or a request whose job was lost. The rows
     * are marked in the same statement that selects them, and the jobs commit with it, so concurrent sweeps never
     * queue a hostname twice. Returns how many orders were queued.
     */
    async renewDue(now = new Date()): Promise<number> {
      const { renewBeforeDays, expiringWithinDays } = config.certificates;
      return orm.em.fork().transactional(async (em) => {
        const connection = em.getConnection();
        const ctx = em.getTransactionContext();
        await connection.execute("update certificates set status = 'expired' where status in ('active', 'expiring') and not_after <= ?", [now], 'run', ctx);
        const expiring = await connection.execute<Array<{ id: string }>>("update certificates set status = 'expiring' where status = 'active' and not_after > ? and not_after < ? returning id", [now, new Date(now.getTime() + expiringWithinDays * DAY)], 'all', ctx);
        await publishCertificatesExpiring(em, expiring.map((row) => row.id), now);
        const due: Array<{ domain_id: string; hostname: string }> = await connection.execute(
          `update certificates c set requested_at = ? from domains d
           where d.id = c.domain_id and d.status in (?)
             and (c.ordering_until is null or c.ordering_until <= ?)
             and (
               (c.requested_at is null and c.source = 'cert.acme' and c.status in ('active', 'expiring', 'expired') and c.not_after < ?)
               or (c.requested_at is null and c.status in ('failed', 'rate_limited') and c.next_attempt_at <= ?)
               or c.requested_at <= ?
             )
           returning c.domain_id, c.hostname`,
          [now, [...SERVING_STATUSES], now, new Date(now.getTime() + renewBeforeDays * DAY), now, new Date(now.getTime() - leaseMs())],
          'all',
          ctx,
        );
        for (const row of due) await jobs.send('certificate.issue', { domainId: row.domain_id, hostname: row.hostname }, { em });
        const { registeredDomainWindowHours, failedValidationWindowMinutes } = config.certificates.limits;
        const keepMs = Math.max(registeredDomainWindowHours * 3_600_000, failedValidationWindowMinutes * 60_000) + DAY;
        await connection.execute('delete from certificate_orders where created_at < ?', [new Date(now.getTime() - keepMs)], 'run', ctx);
        return due.length;
      });
    },
  };
}
export type CertificateService = ReturnType<typeof createCertificateService>;
