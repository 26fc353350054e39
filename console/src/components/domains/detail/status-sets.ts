import type { DomainStatus } from '@/domains/status';

/**
 * Statuses that change by themselves soon (a running check, an automatic retry, records propagating, a deploy, a
 * watched drift): the page polls the domain while it is in one of them.
 */
export const CHANGING: ReadonlySet<DomainStatus> = new Set(['pending', 'verifying', 'failed_temporary', 'propagating', 'issuing', 'deploying', 'drifted']);
/** Statuses "Verify now" accepts (a running check answers for itself; drifted and suspended are checked in place). */
export const VERIFIABLE: ReadonlySet<DomainStatus> = new Set(['pending', 'verifying', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'taken_over', 'drifted', 'suspended']);
/** Statuses in which the domain holds its hostname, so certificates may be ordered for it. */
export const SERVING: ReadonlySet<DomainStatus> = new Set(['verified', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted']);
/** Before the domain is verified the records to create lead the page; afterwards they fold away. */
export const AWAITING_RECORDS: ReadonlySet<DomainStatus> = new Set(['pending', 'verifying', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'taken_over', 'drifted', 'suspended']);
