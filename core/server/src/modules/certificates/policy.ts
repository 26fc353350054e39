/**
 * When a certificate order may run: the retry schedule after a failure and the CA's rate limits (certificates per
 * registered domain over a rolling window, failed validations per hostname per hour). The limits are counted from
 * `certificate_orders`, Portico's own history of orders, so every process sees the same counts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';
import { registrableDomain } from '../domains/hostname.ts';

export type CertificateLimits = PorticoConfig['certificates']['limits'];

/** Failure reasons that mean the CA tried a challenge and it failed: they count against the failed-validation limit. */
export const VALIDATION_FAILURES: ReadonlySet<string> = new Set(['challenge_failed', 'challenge_unreachable', 'dns', 'caa']);

/** Failure reasons only the operator can fix: retried at the longest wait straight away. */
const NEEDS_OPERATOR: ReadonlySet<string> = new Set(['caa', 'rejected_identifier', 'no_challenge', 'account', 'dns01_conflict', 'dns01_unsupported']);

/**
 * Why an order ended without a certificate, for reasons Portico finds itself (the ACME ones come from cert.acme's
 * `AcmeIssueError`). `reason` is a stable code stored on the certificate.
 */
export class CertificateOrderError extends Error {
  override readonly name = 'CertificateOrderError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The wait before the next try after `attempts` failures in a row (1 = the first failure). */
export function retryDelayMs(delaysMinutes: readonly number[], attempts: number, reason: string | undefined): number {
  const last = delaysMinutes.length - 1;
  const step = reason !== undefined && NEEDS_OPERATOR.has(reason) ? last : Math.min(Math.max(attempts, 1) - 1, last);
  return delaysMinutes[step]! * 60_000;
}

/** The registered domain an order counts against: eTLD+1 (private suffixes honoured), else the name itself. */
export function registeredDomainOf(hostname: string): string {
  return registrableDomain(hostname) ?? hostname.replace(/^\*\./, '');
}

/** The ACME directory `cert.acme` is configured with, if it is enabled. */
function acmeDirectory(config: PorticoConfig): string | undefined {
  const entry = config.plugins.find((plugin) => plugin.enabled && /(^|\/)cert-acme$/.test(plugin.package.replace(/\/+$/, '')));
  const directoryUrl = (entry?.options as { directoryUrl?: unknown } | undefined)?.directoryUrl;
  return typeof directoryUrl === 'string' ? directoryUrl : undefined;
}

/** The limits in force: `certificates.limits`, with the configured directory's `limitsByDirectory` entry over them. */
export function limitsFor(config: PorticoConfig): CertificateLimits {
  const directory = acmeDirectory(config);
  const own = directory === undefined ? undefined : config.certificates.limitsByDirectory[directory];
  return { ...config.certificates.limits, ...Object.fromEntries(Object.entries(own ?? {}).filter(([, value]) => value !== undefined)) };
}

/** A limit holding an order back: the stable reason, when it lifts, and a sentence for people. */
export interface Hold {
  reason: 'registered_domain_limit' | 'failed_validation_limit';
  retryAt: Date;
  message: string;
}

/**
 * Orders matching `where` within the last `windowMs`, and when the oldest of them leaves the window (when a limit
 * reached now lifts).
 */
async function inWindow(em: EntityManager, where: string, params: unknown[], windowMs: number, now: Date): Promise<{ count: number; liftsAt: Date }> {
  const [row]: Array<{ count: string; oldest: Date | null }> = await em
    .getConnection()
    .execute(`select count(*) as count, min(created_at) as oldest from certificate_orders where ${where} and created_at > ?`, [...params, new Date(now.getTime() - windowMs)], 'all', em.getTransactionContext());
  const count = Number(row?.count ?? 0);
  return { count, liftsAt: new Date((row?.oldest ? new Date(row.oldest).getTime() : now.getTime()) + windowMs) };
}

/**
 * Whether a limit holds back an order for `hostname` now. Renewals are never held back by the registered-domain
 * limit (the CA exempts them too), but they are counted.
 */
export async function heldBack(em: EntityManager, { hostname, renewal, limits, now }: { hostname: string; renewal: boolean; limits: CertificateLimits; now: Date }): Promise<Hold | undefined> {
  if (limits.failedValidationsPerHostname > 0) {
    const { count, liftsAt } = await inWindow(em, 'hostname = ? and validation_failed', [hostname], limits.failedValidationWindowMinutes * 60_000, now);
    if (count >= limits.failedValidationsPerHostname) {
      return {
        reason: 'failed_validation_limit',
        retryAt: liftsAt,
        message: `${count} validations for ${hostname} failed within ${limits.failedValidationWindowMinutes} minutes (the CA allows ${limits.failedValidationsPerHostname}): fix what the last failure names; Portico tries again at ${liftsAt.toISOString()}.`,
      };
    }
  }
  if (!renewal && limits.certificatesPerRegisteredDomain > 0) {
    const registered = registeredDomainOf(hostname);
    const { count, liftsAt } = await inWindow(em, "registered_domain = ? and outcome = 'issued'", [registered], limits.registeredDomainWindowHours * 3_600_000, now);
    if (count >= limits.certificatesPerRegisteredDomain) {
      return {
        reason: 'registered_domain_limit',
        retryAt: liftsAt,
        message: `${count} certificates were issued under ${registered} within ${limits.registeredDomainWindowHours} hours (the CA allows ${limits.certificatesPerRegisteredDomain}): Portico orders this one at ${liftsAt.toISOString()}.`,
      };
    }
  }
  return undefined;
}
