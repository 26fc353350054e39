import { ROUTABLE } from '../domains/lifecycle.ts';

/**
 * Which certificates matter: those of domains that hold their hostname and may serve it. Certificates of other
 * domains (pending, failed, taken over, disabled, archived) are neither delivered, renewed, retried nor counted by
 * the expiry metrics.
 */
export const SERVING_STATUSES: ReadonlySet<string> = ROUTABLE;

/** The status a certificate that is valid until `notAfter` has at `now`. */
export function validityStatus(notAfter: Date, now: Date, expiringWithinDays: number): 'active' | 'expiring' | 'expired' {
  if (notAfter.getTime() <= now.getTime()) return 'expired';
  return notAfter.getTime() < now.getTime() + expiringWithinDays * 86_400_000 ? 'expiring' : 'active';
}
