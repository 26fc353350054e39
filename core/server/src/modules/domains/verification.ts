import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Kernel, VerifyResult } from '@portico/kernel';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import type { SettingsService } from '../organizations/settings.service.ts';
import { winClaim } from './claims.ts';
import { checkErrorDelayMinutes, retryAfterCheckError, sweepDeadlines } from './deadlines.ts';
import { Domain } from './entity.ts';
import { AUTO_RETRIED, RECHECKABLE, VERIFIABLE, WATCHED, type DomainStatus } from './lifecycle.ts';
import { transition } from './transition.ts';
import type { UsageService } from '../usage/service.ts';

export type VerifyTrigger = 'manual' | 'automatic' | 'watch';

interface Deps {
  orm: MikroORM;
  kernel: Kernel;
  jobs: JobQueue;
  config: PorticoConfig;
  logger: Logger;
  settingsService: SettingsService;
  usageService: UsageService;
}

const MINUTE = 60_000;
/** Due checks dispatched per transaction by the sweep, and how long one sweep keeps dispatching batches. */
const DISPATCH_BATCH = 200;
const DISPATCH_BUDGET_MS = 60_000;
const HOUR = 60 * MINUTE;
const after = (now: Date, ms: number) => new Date(now.getTime() + ms);

/** A confirmed answer that the proof is not there. Every other answer that is not `verified` is the checker's problem. */
const isMiss = (result: VerifyResult) => result.status === 'missing' || result.status === 'mismatch';

/** What a check that threw says to the user: never the plugin's own text (it may carry anything). */
function pluginFailure(method: string, error: unknown): VerifyResult {
  const code = (error as { code?: unknown }).code;
  const message =
    code === 'VERIFY_METHOD_UNKNOWN' ? `the verification method "${method}" is not available on this installation` : `the "${method}" check failed inside Portico`;
  return { status: 'error', expected: [], message };
}

/**
 * Verification as jobs: "verify now" (rate-limited per domain), automatic retries of temporary failures until
 * they stall, and the watch of domains whose ownership is proven, where only confirmed misses in a row count as
 * drift. A checker error is never a miss: it starts the miss count again, never uses up the automatic retry
 * budget, and is retried on a backoff of its own. A drifted domain keeps serving for the grace period (the
 * deadline sweep in deadlines.ts suspends it after that), and comes back the moment a check finds the record.
 * Jobs carry the organization as their pg-boss group, so at most `maxConcurrentVerifications` run at once per
 * organization; the rest wait in the queue.
 */
export function createVerificationService({ orm, kernel, jobs, config, logger, settingsService, usageService }: Deps) {
  const { watchIntervalMinutes, driftThreshold, missRecheckMinutes, driftGraceHours, checkErrorRetryMinutes, checkDeadlineMinutes } = config.verification;
  const methodOffered = (method: string) => kernel.descriptors.verificationMethods.some((d) => d.method === method);

  /** A check's job: the organization is its pg-boss group, and the tier holds its organization to its concurrency limit. */
  const check = (domain: Domain, trigger: VerifyTrigger, settings: { maxConcurrentVerifications: number }) => ({
    data: { domainId: domain.id, trigger },
    group: { id: domain.organization.id, tier: concurrencyTier(settings.maxConcurrentVerifications) },
  });

  async function enqueue(em: EntityManager, domain: Domain, trigger: VerifyTrigger): Promise<void> {
    const { data, group } = check(domain, trigger, await settingsService.get(domain.organization.id, em));
    await jobs.send('domain.verify', data, { em, group });
  }

  /**
   * A watch check is dispatched with `nextCheckAt` moved to the end of its deadline instead of cleared: the check
   * settles it, and a check that never reports back (dead-lettered, or it found the domain busy in another status)
   * leaves it due again, so a watched domain is never left unscheduled.
   */
  function watchDispatched(domain: Domain, now: Date): void {
    domain.nextCheckAt = after(now, checkDeadlineMinutes * MINUTE);
  }

  /** Record a finished check on a domain that was `verifying` (a manual or automatic attempt). */
  async function settleAttempt(em: EntityManager, domain: Domain, result: VerifyResult, trigger: VerifyTrigger, now: Date): Promise<void> {
    const details = { detail: result.message, check: result.status, trigger, expected: result.expected, ...(result.found ? { found: result.found } : {}) };
    // Hostname claims: the last organization to prove control holds it (claims.ts). Won before the domain itself is
    // touched: winClaim flushes, and the domain's changes below then go in one update.
    if (result.status === 'verified') await winClaim(em, domain);
    domain.lastCheckedAt = now;
    if (result.status === 'verified') {
      domain.verifiedAt = now;
      domain.autoRetryCount = 0;
      domain.consecutiveMisses = 0;
      domain.checkErrorCount = 0;
      domain.nextCheckAt = after(now, watchIntervalMinutes * MINUTE);
      transition(em, domain, 'verified', 'verified', details);
      // Added through the widget: the project's default service (if any) is mapped to it after this commits.
      if (domain.addedByWidget) await jobs.send('domain.auto-map', { domainId: domain.id }, { em });
      return;
    }
    const settings = await settingsService.get(domain.organization.id, em);
    if (!isMiss(result)) {
      retryAfterCheckError(em, domain, 'checker_error', details, { config, settings, now });
      return;
    }
    domain.checkErrorCount = 0;
    if (result.status === 'mismatch') {
      domain.nextCheckAt = null; // permanent: a person fixes the record and asks again
      transition(em, domain, 'failed_permanent', 'record_mismatch', details);
      return;
    }
    transition(em, domain, 'failed_temporary', 'record_missing', details);
    if (domain.autoRetryCount >= settings.maxAutoRetries) {
      domain.nextCheckAt = null;
      transition(em, domain, 'stalled', 'retries_exhausted', { attempts: domain.autoRetryCount + 1 });
    } else {
      domain.nextCheckAt = after(now, settings.autoRetryIntervalHours * HOUR);
    }
  }

  /** Record a watch check: drift only after confirmed misses in a row; restore at the first check that finds the proof. */
  function settleWatch(em: EntityManager, domain: Domain, result: VerifyResult, now: Date): void {
    const status = domain.status as DomainStatus;
    domain.lastCheckedAt = now;
    if (result.status === 'verified') {
      domain.consecutiveMisses = 0;
      domain.checkErrorCount = 0;
      domain.nextCheckAt = after(now, watchIntervalMinutes * MINUTE);
      if (RECHECKABLE.has(status)) transition(em, domain, 'verified', 'record_restored', { detail: result.message, after: status });
      return;
    }
    // Drifted domains are checked at the confirmation pace, so they come back soon after the record does.
    const pace = (s: DomainStatus) => (s === 'suspended' ? watchIntervalMinutes : s === 'drifted' || domain.consecutiveMisses > 0 ? missRecheckMinutes : watchIntervalMinutes);
    if (!isMiss(result)) {
      // Not proof that anything is gone: the misses before it no longer count as "in a row".
      domain.consecutiveMisses = 0;
      domain.checkErrorCount += 1;
      domain.nextCheckAt = after(now, Math.min(checkErrorDelayMinutes(domain.checkErrorCount, checkErrorRetryMinutes, watchIntervalMinutes), pace(status)) * MINUTE);
      return;
    }
    domain.checkErrorCount = 0;
    domain.consecutiveMisses += 1;
    if (!RECHECKABLE.has(status) && domain.consecutiveMisses >= driftThreshold) {
      const reason = result.status === 'mismatch' ? 'record_changed' : 'record_removed';
      const graceEndsAt = after(now, driftGraceHours * HOUR).toISOString();
      transition(em, domain, 'drifted', reason, { detail: result.message, misses: domain.consecutiveMisses, graceEndsAt, graceHours: driftGraceHours, expected: result.expected, ...(result.found ? { found: result.found } : {}) });
      logger.warn({ domainId: domain.id, hostname: domain.hostname, reason, graceEndsAt }, 'domain drifted: still served until the grace period ends');
    }
    domain.nextCheckAt = after(now, pace(domain.status as DomainStatus) * MINUTE);
  }

  /** Dispatch up to `limit` due checks in one transaction, their jobs in one statement; returns how many. */
  function dispatchBatch(now: Date, limit: number): Promise<number> {
    return orm.em.fork().transactional(async (em) => {
      const due = await em.find(
        Domain,
        { nextCheckAt: { $lte: now }, status: { $in: [...AUTO_RETRIED, ...WATCHED] } },
        { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit, orderBy: { nextCheckAt: 'asc' } },
      );
      const settings = new Map<string, Awaited<ReturnType<SettingsService['get']>>>();
      const checks: Array<ReturnType<typeof check>> = [];
      for (const domain of due) {
        const organizationId = domain.organization.id;
        if (!settings.has(organizationId)) settings.set(organizationId, await settingsService.get(organizationId, em));
        if (WATCHED.has(domain.status as DomainStatus)) {
          watchDispatched(domain, now);
          checks.push(check(domain, 'watch', settings.get(organizationId)!));
          continue;
        }
        domain.nextCheckAt = null;
        const afterCheckError = domain.checkErrorCount > 0;
        if (!afterCheckError) domain.autoRetryCount += 1;
        transition(em, domain, 'verifying', 'automatic_retry', { attempt: domain.autoRetryCount, ...(afterCheckError ? { afterCheckError } : {}) });
        checks.push(check(domain, 'automatic', settings.get(organizationId)!));
      }
      await em.flush();
      await jobs.sendMany('domain.verify', checks, { em });
      return due.length;
    });
  }

  return {
    /** Queue a check of `domain` inside the caller's transaction (automatic setup hands over here). */
    enqueue,
    /**
     * "Verify now": queue a check. Idempotent while one runs (a check older than its deadline is given up and a new
     * one starts); rate-limited per domain for people. A drifted or suspended domain is checked at once without
     * leaving its status, so a drifted domain keeps serving while it is checked. Refused before anything is written
     * when no enabled plugin offers the domain's method any more. Returns the domain as this request left it.
     */
    async request(access: Access, domain: Domain): Promise<Domain> {
      // Organization owners and admins verify; so does the customer in the Connect widget,
      // for a domain its token may see (the per-domain rate limit below holds for it too).
      if (access.principal.kind !== 'widget') requireRole(access, 'admin');
      if (!methodOffered(domain.method)) {
        throw new AppError('VERIFY_METHOD_UNAVAILABLE', `${domain.hostname} is verified with "${domain.method}", which no enabled plugin offers any more. Ask the operator to enable it again, or delete the domain and add it with another method.`, { method: domain.method });
      }
      return orm.em.fork().transactional(async (em) => {
        const fresh = await em.findOneOrFail(Domain, { id: domain.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const now = new Date();
        const status = fresh.status as DomainStatus;
        const lost = status === 'verifying' && fresh.statusChangedAt.getTime() <= now.getTime() - checkDeadlineMinutes * MINUTE;
        if (status === 'verifying' && !lost) return fresh; // the running check answers this request too
        if (!lost && !VERIFIABLE.has(status) && !RECHECKABLE.has(status)) {
          throw new AppError('DOMAIN_NOT_VERIFIABLE', `A ${fresh.status} domain cannot be verified now.`, { status: fresh.status });
        }
        const settings = await settingsService.get(fresh.organization.id, em);
        const spacingMs = MINUTE / settings.verificationRateLimitPerMinute;
        const waitMs = fresh.lastManualCheckAt ? fresh.lastManualCheckAt.getTime() + spacingMs - now.getTime() : 0;
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          throw new AppError('VERIFICATION_RATE_LIMITED', `Please wait ${seconds} seconds before verifying ${fresh.hostname} again.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
        }
        fresh.lastManualCheckAt = now;
        if (RECHECKABLE.has(status)) {
          watchDispatched(fresh, now);
          await enqueue(em, fresh, 'watch');
          await em.flush();
          return fresh;
        }
        if (lost) retryAfterCheckError(em, fresh, 'check_timed_out', { minutes: checkDeadlineMinutes }, { config, settings, now });
        fresh.autoRetryCount = 0; // a person acted: the automatic budget starts again
        fresh.nextCheckAt = null;
        transition(em, fresh, 'verifying', 'verification_requested');
        await em.flush();
        await enqueue(em, fresh, 'manual');
        return fresh;
      });
    },

    /** The `domain.verify` job. A check that throws is recorded as a checker error, never left to wedge the domain. */
    async run(domainId: string, trigger: VerifyTrigger): Promise<void> {
      const watching = trigger === 'watch';
      const stillDue = (d: Domain | null): d is Domain => !!d && (watching ? WATCHED.has(d.status as DomainStatus) : d.status === 'verifying');
      const domain = await orm.em.fork().findOne(Domain, { id: domainId });
      // Deleted, or settled by an earlier attempt; a watched domain keeps its next check (see watchDispatched).
      if (!stillDue(domain)) return;
      let result: VerifyResult;
      try {
        result = await kernel.verify(domain.method, { hostname: domain.hostname, token: domain.token });
      } catch (error) {
        logger.warn({ domainId, method: domain.method, err: error }, 'verification check threw; recorded as a checker error');
        result = pluginFailure(domain.method, error);
      }
      // Counted while the check settles (a usage write never fails: see UsageService.increment).
      const counted = usageService.increment(domain.organization.id, 'checks');
      // The check took time: record it only if nobody deleted, disabled or settled the domain meanwhile.
      await orm.em.fork().transactional(async (em) => {
        const fresh = await em.findOne(Domain, { id: domainId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!stillDue(fresh)) return;
        const now = new Date();
        if (watching) settleWatch(em, fresh, result, now);
        else await settleAttempt(em, fresh, result, trigger, now);
        await em.flush();
        logger.info({ domainId, hostname: fresh.hostname, trigger, outcome: result.status, status: fresh.status }, 'domain check finished');
      });
      await counted;
    },

    /**
     * The `domain.sweep` job (every minute): dispatch every check that is due, `batchSize` domains a transaction,
     * until none is left or `budgetMs` has passed (the next sweep takes the rest). Each batch commits with its jobs,
     * so a sweep that dies leaves whole batches dispatched and the rest still due. Rows are claimed with SKIP
     * LOCKED, so several workers never dispatch the same domain twice. A retry after a checker error does not
     * count against the automatic retry budget.
     */
    async dispatchDue(now = new Date(), { batchSize = DISPATCH_BATCH, budgetMs = DISPATCH_BUDGET_MS } = {}): Promise<number> {
      const started = Date.now();
      let dispatched = 0;
      for (;;) {
        const count = await dispatchBatch(now, batchSize);
        dispatched += count;
        if (count < batchSize || Date.now() - started >= budgetMs) return dispatched;
      }
    },

    /** The `domain.deadlines` job (every minute): see deadlines.ts. `now` is a parameter so tests move time. */
    sweepDeadlines: (now = new Date()) => sweepDeadlines(orm, { config, settingsService, logger }, now),
  };
}
export type VerificationService = ReturnType<typeof createVerificationService>;

/** pg-boss group tiers are named; a tier per allowed concurrency value maps an organization's limit onto one. */
export const MAX_CONCURRENCY_TIER = 50;
export const concurrencyTier = (limit: number): string => `c${Math.min(Math.max(1, limit), MAX_CONCURRENCY_TIER)}`;
export const CONCURRENCY_TIERS: Record<string, number> = Object.fromEntries(
  Array.from({ length: MAX_CONCURRENCY_TIER }, (_, i) => [`c${i + 1}`, i + 1]),
);
