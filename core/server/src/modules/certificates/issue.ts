/**
 * The `certificate.issue` job: one ACME order for one hostname of one domain, run only while the certificate row
 * says an order is wanted (`requestedAt`) and after claiming it (`orderingUntil`, under a per-hostname lock), so
 * duplicate jobs and concurrent sweeps never run a second order for a name. Before ordering, the CA's rate limits
 * are checked; a failure is recorded with its reason and the time of the next try (the sweep starts it), never
 * swallowed into a final `failed`.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { publishCertificateOutcome } from '../events/certificate-events.ts';
import type { DnsLookup, Kernel } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import type { CredentialService } from '../credentials/service.ts';
import type { DnsSetupService } from '../dns-setup/service.ts';
import type { Domain } from '../domains/entity.ts';
import type { EdgeService } from '../edges/service.ts';
import { AcmeChallenge } from './challenge.entity.ts';
import { dns01Challenges } from './dns01.ts';
import { Certificate } from './entity.ts';
import { CertificateOrder } from './order.entity.ts';
import { CertificateOrderError, heldBack, limitsFor, registeredDomainOf, retryDelayMs, VALIDATION_FAILURES } from './policy.ts';
import { SERVING_STATUSES, validityStatus } from './status.ts';

export interface IssueDeps {
  orm: MikroORM;
  kernel: Kernel;
  config: PorticoConfig;
  logger: Logger;
  dns: DnsLookup;
  secretBox: SecretBox;
  credentialService: CredentialService;
  dnsSetupService: DnsSetupService;
  edgeService: EdgeService;
}

/** Hold the transaction-scoped lock of `hostname`: claims of one name are decided one at a time, across processes. */
export async function lockHostname(em: EntityManager, hostname: string): Promise<void> {
  await em.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`portico:certificate:${hostname}`], 'all', em.getTransactionContext());
}

/** The reason code of an order failure: Portico's own (DNS-01), the ACME one, a kernel code, else `error`. */
function reasonOf(error: unknown): { reason: string; message: string; retryAfterSeconds?: number } {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof CertificateOrderError) return { reason: e.reason, message: e.message };
  }
  const { reason, code, retryAfterSeconds } = error as { reason?: unknown; code?: unknown; retryAfterSeconds?: number };
  const message = error instanceof Error ? error.message : String(error);
  if (typeof reason === 'string') return { reason, message, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
  return { reason: typeof code === 'string' ? code.toLowerCase().slice(0, 40) : 'error', message };
}

export function createIssueJob(deps: IssueDeps) {
  const { orm, kernel, config, logger, secretBox, edgeService } = deps;
  const leaseMs = () => config.certificates.orderLeaseMinutes * 60_000;

  /** Claim the wanted order of (domain, hostname); undefined when none is wanted or one runs already. */
  async function claim(domainId: string, hostname: string, now: Date): Promise<{ id: string; renewal: boolean; domain: Domain } | undefined> {
    return orm.em.fork().transactional(async (em) => {
      await lockHostname(em, hostname);
      const row = await em.findOne(Certificate, { domain: domainId, hostname }, { populate: ['domain'] });
      if (!row?.requestedAt) return undefined; // nothing wanted: a duplicate job, or the order already ran
      if (row.orderingUntil && row.orderingUntil > now) return undefined;
      if (!SERVING_STATUSES.has(row.domain.status)) {
        row.requestedAt = null;
        return undefined;
      }
      // Another claim of the same name (another organization's row) orders it now: this one waits for the sweep.
      if ((await em.count(Certificate, { hostname, id: { $ne: row.id }, orderingUntil: { $gt: now } })) > 0) return undefined;
      const renewal = row.source === 'cert.acme' && row.notAfter !== null && row.notAfter !== undefined;
      row.orderingUntil = new Date(now.getTime() + leaseMs());
      row.status = renewal ? 'renewing' : 'issuing';
      return { id: row.id, renewal, domain: row.domain };
    });
  }

  /** End the order: nothing wanted, nothing running, `patch` applied; `order` recorded for the rate limits. */
  async function finish(id: string, patch: Partial<Certificate>, order?: Omit<CertificateOrder, 'id' | 'createdAt' | 'registeredDomain'> & { hostname: string }) {
    await orm.em.fork().transactional(async (em) => {
      await em.nativeUpdate(Certificate, { id }, { ...patch, requestedAt: null, orderingUntil: null });
      if (order) em.create(CertificateOrder, { ...order, registeredDomain: registeredDomainOf(order.hostname) });
      if (order) await publishCertificateOutcome(em, id, order.outcome, patch);
    });
  }

  const http = {
    async present({ hostname: name, token, keyAuthorization }: { hostname: string; token: string; keyAuthorization: string }) {
      const em = orm.em.fork();
      em.create(AcmeChallenge, { token, hostname: name, keyAuthorization });
      await em.flush();
    },
    async cleanup({ token }: { token: string }) {
      await orm.em.fork().nativeDelete(AcmeChallenge, { token });
    },
  };

  return async function runIssue({ domainId, hostname }: { domainId: string; hostname: string }): Promise<void> {
    const started = new Date();
    const claimed = await claim(domainId, hostname, started);
    if (!claimed) return;
    const { id, renewal, domain } = claimed;
    const attempts = (await orm.em.fork().findOneOrFail(Certificate, { id })).attempts;

    const hold = await heldBack(orm.em.fork(), { hostname, renewal, limits: limitsFor(config), now: started });
    if (hold) {
      await finish(id, { status: 'rate_limited', reason: hold.reason, lastError: hold.message, nextAttemptAt: hold.retryAt, lastCheckedAt: started });
      logger.info({ hostname, reason: hold.reason, retryAt: hold.retryAt.toISOString() }, 'certificate order held back by a rate limit');
      return;
    }

    try {
      const dns = await dns01Challenges(deps, domain);
      const issued = await kernel.issueCert({ hostnames: [hostname], challenges: { http, ...(dns ? { dns } : {}) } });
      const now = new Date();
      if (issued.kind === 'delegated') {
        await finish(id, { source: issued.by, status: 'pending', lastError: null, reason: null, attempts: 0, nextAttemptAt: null });
        return;
      }
      await finish(
        id,
        {
          source: 'cert.acme',
          status: validityStatus(issued.notAfter, now, config.certificates.expiringWithinDays),
          issuer: issued.issuer,
          notAfter: issued.notAfter,
          certificatePem: issued.certificatePem,
          privateKeySealed: secretBox.seal(issued.privateKeyPem, `certificate:${id}`),
          lastError: null,
          reason: null,
          attempts: 0,
          nextAttemptAt: null,
          lastCheckedAt: now,
        },
        { hostname, outcome: 'issued', validationFailed: false, renewal, reason: null },
      );
      // The edges that serve supplied certificates get the new one with the next reconcile.
      await edgeService.requestSync();
    } catch (error) {
      const { reason, message, retryAfterSeconds } = reasonOf(error);
      const now = new Date();
      const failures = attempts + 1;
      const wait = reason === 'rate_limited' && retryAfterSeconds ? retryAfterSeconds * 1000 : retryDelayMs(config.certificates.retryDelaysMinutes, failures, reason);
      const nextAttemptAt = new Date(now.getTime() + wait);
      await finish(
        id,
        { status: reason === 'rate_limited' ? 'rate_limited' : 'failed', reason: reason.slice(0, 40), lastError: message, attempts: failures, nextAttemptAt, lastCheckedAt: now },
        { hostname, outcome: 'failed', validationFailed: VALIDATION_FAILURES.has(reason), renewal, reason: reason.slice(0, 40) },
      );
      logger.warn({ hostname, reason, attempts: failures, nextAttemptAt: nextAttemptAt.toISOString(), err: error }, 'certificate order failed; retried later');
    }
  };
}
