import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { SettingsService } from '../organizations/settings.service.ts';
import { Domain } from './entity.ts';
import { WATCHED, type DomainStatus } from './lifecycle.ts';
import { transition } from './transition.ts';

const MINUTE = 60_000;

type Settings = Awaited<ReturnType<SettingsService['get']>>;

/** Minutes until the retry after the `errors`-th checker error in a row: doubling from `baseMinutes`, never beyond `capMinutes`. */
export function checkErrorDelayMinutes(errors: number, baseMinutes: number, capMinutes: number): number {
  return Math.max(1, Math.min(capMinutes, baseMinutes * 2 ** Math.min(Math.max(errors - 1, 0), 20)));
}

/** `5 minutes`, `1 hour`, `6 hours`: how long until a retry, for messages. */
export function formatMinutes(minutes: number): string {
  if (minutes < 120) return minutes === 1 ? '1 minute' : `${Math.round(minutes)} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/**
 * A check of a `verifying` domain could not say anything (the checker failed, or the check never reported back):
 * back to `failed_temporary` with a reason that does not blame the customer, retried on a backoff of its own. The
 * automatic retry budget (`autoRetryCount`) is left alone, so checker trouble never stalls a domain.
 */
export function retryAfterCheckError(
  em: EntityManager,
  domain: Domain,
  reason: 'checker_error' | 'check_timed_out',
  details: Record<string, unknown>,
  { config, settings, now }: { config: PorticoConfig; settings: Settings; now: Date },
): void {
  domain.checkErrorCount += 1;
  const minutes = checkErrorDelayMinutes(domain.checkErrorCount, config.verification.checkErrorRetryMinutes, settings.autoRetryIntervalHours * 60);
  domain.nextCheckAt = new Date(now.getTime() + minutes * MINUTE);
  transition(em, domain, 'failed_temporary', reason, { ...details, retryIn: formatMinutes(minutes), retryInMinutes: minutes, checkErrors: domain.checkErrorCount });
}

interface Context {
  config: PorticoConfig;
  settingsService: SettingsService;
  logger: Logger;
  now: Date;
}

/** A status that waits for a job, how long it may wait, and what happens to a domain that waited longer. */
interface Deadline {
  status: DomainStatus;
  minutes: (config: PorticoConfig) => number;
  expire: (em: EntityManager, domain: Domain, context: Context) => Promise<void> | void;
}

/**
 * Every status that waits for a job has an owner here, so a job that died (dead-lettered, worker killed, a plugin
 * that throws) never leaves a domain stuck: past its deadline, counted from `statusChangedAt`, the domain moves on
 * with an event that says why and what can be done. `drifted` is here too: its deadline is the grace period.
 */
export const DEADLINES: readonly Deadline[] = [
  {
    status: 'verifying',
    minutes: (config) => config.verification.checkDeadlineMinutes,
    async expire(em, domain, { config, settingsService, now }) {
      const minutes = config.verification.checkDeadlineMinutes;
      retryAfterCheckError(em, domain, 'check_timed_out', { minutes }, { config, settings: await settingsService.get(domain.organization.id, em), now });
    },
  },
  {
    status: 'propagating',
    // The propagation job gives up by itself after `propagationTimeoutMinutes`; this catches a job that died.
    minutes: (config) => config.dnsSetup.propagationTimeoutMinutes + config.verification.checkDeadlineMinutes,
    expire(em, domain, { config }) {
      domain.propagationStartedAt = null;
      domain.setupRedirectUrl = null;
      transition(em, domain, 'pending', 'propagation_timeout', { minutes: config.dnsSetup.propagationTimeoutMinutes, detail: 'The propagation check stopped before the records appeared.' });
    },
  },
  {
    status: 'deploying',
    minutes: (config) => config.verification.deployDeadlineMinutes,
    expire: (em, domain, { config }) => void transition(em, domain, 'verified', 'deploy_timed_out', { hostname: domain.hostname, minutes: config.verification.deployDeadlineMinutes }),
  },
  {
    status: 'issuing',
    minutes: (config) => config.verification.deployDeadlineMinutes,
    expire: (em, domain, { config }) => void transition(em, domain, 'verified', 'issue_timed_out', { hostname: domain.hostname, minutes: config.verification.deployDeadlineMinutes }),
  },
  {
    status: 'drifted',
    minutes: (config) => config.verification.driftGraceHours * 60,
    expire(em, domain, { config, logger }) {
      transition(em, domain, 'suspended', 'drift_grace_expired', { hours: config.verification.driftGraceHours });
      logger.warn({ domainId: domain.id, hostname: domain.hostname, graceHours: config.verification.driftGraceHours }, 'drift grace period over: routes removed until the record is back');
    },
  },
];

export interface DeadlineSweepResult {
  /** Domains moved on, by the status they left. */
  expired: Partial<Record<DomainStatus, number>>;
  /** Watched domains that had no next check and got one. */
  rescheduled: number;
}

/**
 * The `domain.deadlines` job (every minute): apply every deadline that has passed at `now`, and give every watched
 * domain without a next check one (due now), whatever left it without. Rows are claimed with SKIP LOCKED, so
 * several workers never move the same domain twice.
 */
export async function sweepDeadlines(orm: MikroORM, context: Omit<Context, 'now'>, now = new Date(), limit = 200): Promise<DeadlineSweepResult> {
  return orm.em.fork().transactional(async (em) => {
    const result: DeadlineSweepResult = { expired: {}, rescheduled: 0 };
    for (const deadline of DEADLINES) {
      const cutoff = new Date(now.getTime() - deadline.minutes(context.config) * MINUTE);
      const due = await em.find(
        Domain,
        { status: deadline.status, statusChangedAt: { $lte: cutoff } },
        { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit, orderBy: { statusChangedAt: 'asc' } },
      );
      for (const domain of due) await deadline.expire(em, domain, { ...context, now });
      if (due.length > 0) result.expired[deadline.status] = due.length;
    }
    const unscheduled = await em.find(Domain, { status: { $in: [...WATCHED] }, nextCheckAt: null }, { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit });
    for (const domain of unscheduled) domain.nextCheckAt = now;
    result.rescheduled = unscheduled.length;
    await em.flush();
    if (result.rescheduled > 0 || Object.keys(result.expired).length > 0) context.logger.info({ ...result }, 'domain deadlines applied');
    return result;
  });
}
