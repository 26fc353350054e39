import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Kernel, VerifyResult } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import type { SettingsService } from '../organizations/settings.service.ts';
import { Domain } from './entity.ts';
import { VERIFIABLE, WATCHED, type DomainStatus } from './lifecycle.ts';
import { transition } from './transition.ts';

export type VerifyTrigger = 'manual' | 'automatic' | 'watch';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  jobs: JobQueue;
  config: PorticoConfig;
  logger: Logger;
  settingsService: SettingsService;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Verification as jobs: "verify now" (rate-limited per domain), automatic retries of temporary failures until
 * they stall, and the watch of verified domains, where only confirmed misses in a row count as drift and a
 * checker error never does. Jobs carry the organization as their pg-boss group, so at most
 * `maxConcurrentVerifications` run at once per organization; the rest wait in the queue.
 */
export function createVerificationService({ orm, kernel, jobs, config, logger, settingsService }: Deps) {
  const { watchIntervalMinutes, driftThreshold, missRecheckMinutes } = config.verification;

  async function enqueue(em: EntityManager, domain: Domain, trigger: VerifyTrigger): Promise<void> {
    const settings = await settingsService.get(domain.organization.id, em);
    await jobs.send('domain.verify', { domainId: domain.id, trigger }, { em, group: { id: domain.organization.id, tier: concurrencyTier(settings.maxConcurrentVerifications) } });
  }

  /** Record a finished check on a domain that was `verifying` (a manual or automatic attempt). */
  async function settleAttempt(em: EntityManager, domain: Domain, result: VerifyResult, trigger: VerifyTrigger): Promise<void> {
    const details = { detail: result.message, check: result.status, trigger, expected: result.expected, ...(result.found ? { found: result.found } : {}) };
    if (result.status === 'verified') {
      domain.verifiedAt = domain.lastCheckedAt;
      domain.autoRetryCount = 0;
      domain.consecutiveMisses = 0;
      domain.nextCheckAt = new Date(Date.now() + watchIntervalMinutes * MINUTE);
      transition(em, domain, 'verified', 'verified', details);
      return;
    }
    if (result.status === 'mismatch') {
      domain.nextCheckAt = null; // permanent: a person fixes the record and asks again
      transition(em, domain, 'failed_permanent', 'record_mismatch', details);
      return;
    }
    transition(em, domain, 'failed_temporary', result.status === 'missing' ? 'record_missing' : 'checker_error', details);
    const settings = await settingsService.get(domain.organization.id, em);
    if (domain.autoRetryCount >= settings.maxAutoRetries) {
      domain.nextCheckAt = null;
      transition(em, domain, 'stalled', 'retries_exhausted', { attempts: domain.autoRetryCount + 1 });
    } else {
      domain.nextCheckAt = new Date(Date.now() + settings.autoRetryIntervalHours * HOUR);
    }
  }

  /** Record a watch check of a verified/live/drifted domain: drift only after confirmed misses in a row. */
  function settleWatch(em: EntityManager, domain: Domain, result: VerifyResult): void {
    const status = domain.status as DomainStatus;
    if (result.status === 'verified') {
      domain.consecutiveMisses = 0;
      domain.nextCheckAt = new Date(Date.now() + watchIntervalMinutes * MINUTE);
      if (status === 'drifted') transition(em, domain, 'verified', 'record_restored', { detail: result.message });
      return;
    }
    if (result.status === 'error') {
      // A checker failure is never proof that a record is gone: no miss counted, check again at the usual pace.
      domain.nextCheckAt = new Date(Date.now() + watchIntervalMinutes * MINUTE);
      return;
    }
    domain.consecutiveMisses += 1;
    if (status !== 'drifted' && domain.consecutiveMisses >= driftThreshold) {
      const reason = result.status === 'mismatch' ? 'record_changed' : 'record_removed';
      transition(em, domain, 'drifted', reason, { detail: result.message, misses: domain.consecutiveMisses, expected: result.expected, ...(result.found ? { found: result.found } : {}) });
    }
    domain.nextCheckAt = new Date(Date.now() + (domain.status === 'drifted' ? watchIntervalMinutes : missRecheckMinutes) * MINUTE);
  }

  return {
    /** Queue a check of `domain` inside the caller's transaction (automatic setup hands over here). */
    enqueue,
    /** "Verify now": queue a check. Idempotent while one runs; rate-limited per domain for people. */
    /** Returns the domain as this request left it (`verifying`), whatever the job has done since. */
    async request(access: Access, domain: Domain): Promise<Domain> {
      requireRole(access, 'admin'); // seed 002 FR-057/FR-060: organization owners and admins verify
      return orm.em.fork().transactional(async (em) => {
        const fresh = await em.findOneOrFail(Domain, { id: domain.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (fresh.status === 'verifying') return fresh; // the running check answers this request too
        if (!VERIFIABLE.has(fresh.status as DomainStatus)) {
          throw new AppError('DOMAIN_NOT_VERIFIABLE', `A ${fresh.status} domain cannot be verified now.`, { status: fresh.status });
        }
        const settings = await settingsService.get(fresh.organization.id, em);
        const spacingMs = MINUTE / settings.verificationRateLimitPerMinute;
        const waitMs = fresh.lastManualCheckAt ? fresh.lastManualCheckAt.getTime() + spacingMs - Date.now() : 0;
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          throw new AppError('VERIFICATION_RATE_LIMITED', `Please wait ${seconds} seconds before verifying ${fresh.hostname} again.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
        }
        fresh.lastManualCheckAt = new Date();
        fresh.autoRetryCount = 0; // a person acted: the automatic budget starts again
        fresh.nextCheckAt = null;
        transition(em, fresh, 'verifying', 'verification_requested');
        await em.flush();
        await enqueue(em, fresh, 'manual');
        return fresh;
      });
    },

    /** The `domain.verify` job. */
    async run(domainId: string, trigger: VerifyTrigger): Promise<void> {
      const watching = trigger === 'watch';
      const stillDue = (d: Domain | null): d is Domain => !!d && (watching ? WATCHED.has(d.status as DomainStatus) : d.status === 'verifying');
      const domain = await orm.em.fork().findOne(Domain, { id: domainId });
      if (!stillDue(domain)) return; // deleted, or settled by an earlier attempt
      const result = await kernel.verify(domain.method, { hostname: domain.hostname, token: domain.token });
      // The check took time: record it only if nobody deleted, disabled or settled the domain meanwhile.
      await orm.em.fork().transactional(async (em) => {
        const fresh = await em.findOne(Domain, { id: domainId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!stillDue(fresh)) return;
        fresh.lastCheckedAt = new Date();
        if (watching) settleWatch(em, fresh, result);
        else await settleAttempt(em, fresh, result, trigger);
        await em.flush();
        logger.info({ domainId, hostname: fresh.hostname, trigger, outcome: result.status, status: fresh.status }, 'domain check finished');
      });
    },

    /**
     * The `domain.sweep` job (every minute): dispatch every check that is due. Rows are claimed with SKIP
     * LOCKED, so several workers never dispatch the same domain twice.
     */
    async dispatchDue(now = new Date(), limit = 200): Promise<number> {
      return orm.em.fork().transactional(async (em) => {
        const due = await em.find(
          Domain,
          { nextCheckAt: { $lte: now }, status: { $in: ['pending', 'failed_temporary', 'verified', 'live', 'drifted'] } },
          { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit, orderBy: { nextCheckAt: 'asc' } },
        );
        for (const domain of due) {
          domain.nextCheckAt = null;
          if (WATCHED.has(domain.status as DomainStatus)) {
            await enqueue(em, domain, 'watch');
          } else {
            domain.autoRetryCount += 1;
            transition(em, domain, 'verifying', 'automatic_retry', { attempt: domain.autoRetryCount });
            await enqueue(em, domain, 'automatic');
          }
        }
        await em.flush();
        return due.length;
      });
    },
  };
}
export type VerificationService = ReturnType<typeof createVerificationService>;

/** pg-boss group tiers are named; a tier per allowed concurrency value maps an organization's limit onto one. */
export const MAX_CONCURRENCY_TIER = 50;
export const concurrencyTier = (limit: number): string => `c${Math.min(Math.max(1, limit), MAX_CONCURRENCY_TIER)}`;
export const CONCURRENCY_TIERS: Record<string, number> = Object.fromEntries(
  Array.from({ length: MAX_CONCURRENCY_TIER }, (_, i) => [`c${i + 1}`, i + 1]),
);
