import type { Queue } from 'pg-boss';
import type { MailTemplateName } from '../modules/mail/templates.ts';

/**
 * Every pg-boss queue, in one table: name → retry, backoff, expiry, dead letter. Queues are created from this
 * table at start-up, in this order (a dead-letter queue before the queues that name it); a job sent to a queue not listed here is a programming error.
 * `notify` wakes idle workers at once instead of at their next poll. Jobs that can run long send heartbeats
 * (`heartbeatSeconds`): the job of a worker that died is retried within that, not only at its expiry.
 */
export const QUEUES = {
  /** Jobs that failed every retry, kept for inspection and replay. */
  'dead-letter': { retentionSeconds: 14 * 24 * 3600, notify: false },
  /**
   * Run the verify hook for one domain and record the outcome. Data: { domainId, trigger }. Jobs are grouped by
   * organization (tier = its concurrency limit), so each organization has at most that many checks running.
   */
  'domain.verify': { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120, heartbeatSeconds: 30, deadLetter: 'dead-letter', notify: true },
  /**
   * Write a domain's records through its DNS provider (automatic setup). Data: { domainId, provider,
   * credentialId?, adopt?, attempt }. Retryable provider failures are re-sent by the worker itself with the
   * provider's Retry-After (or a backoff), so pg-boss retries only crashes.
   */
  'domain.dns-apply': { retryLimit: 2, retryDelay: 10, retryBackoff: true, expireInSeconds: 300, heartbeatSeconds: 30, deadLetter: 'dead-letter', notify: true },
  /** Look for a domain's written records at the authoritative servers; re-sent until they show or time runs out. */
  'domain.propagation': { retryLimit: 2, retryDelay: 5, expireInSeconds: 120, deadLetter: 'dead-letter', notify: true },
  /**
   * Map a domain added through the widget to its project's default service, sent when it is verified
   * (modules/widget). Data: { domainId }. Idempotent: a domain that has any mapping is left alone.
   */
  'domain.auto-map': { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInSeconds: 120, deadLetter: 'dead-letter', notify: true },
  /**
   * Render the route table for one edge and push it (`kernel.deployRoutes`), then move the domains it now carries
   * to `deploying`. Data: { edgeId }. The options of every edge's own queue, `edge.reconcile/<edgeId>`
   * (`reconcileQueue`): `stately` keeps at most one queued and one running per edge, so a burst of changes coalesces
   * into one more reconcile; one queue per edge, so an edge that hangs holds only its own reconciles (in one shared
   * queue its next queued job would stand in front of every other edge's until pg-boss noticed it running).
   */
  'edge.reconcile': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 600, heartbeatSeconds: 30, deadLetter: 'dead-letter', notify: true, policy: 'stately' },
  /** HTTPS probe of a deploying domain's hosts through the edge; re-sent until it passes or attempts run out. */
  'domain.probe': { retryLimit: 2, retryDelay: 5, expireInSeconds: 300, heartbeatSeconds: 30, deadLetter: 'dead-letter', notify: true },
  /**
   * Obtain one hostname's certificate through `issueCert` (cert.acme: ACME with HTTP-01 or DNS-01). Data: { domainId,
   * hostname }. The certificate row decides, not the queue: a job runs an order only while the row wants one and no
   * order for the hostname runs (a claim with a lease), so duplicates are no-ops; a failed order is retried by the
   * sweep at the row's `nextAttemptAt` (backoff, rate limits), so pg-boss retries only crashes.
   */
  'certificate.issue': { retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 600, deadLetter: 'dead-letter', notify: true },
  /**
   * Read the certificate each HTTPS host of a live domain is served with, through every edge (expiry of certificates
   * an edge obtains itself). Data: { domainId }, sent with singletonKey = domainId: `exclusive` keeps one queued or
   * running per domain.
   */
  'certificate.check': { retryLimit: 1, retryDelay: 60, expireInSeconds: 300, deadLetter: 'dead-letter', notify: true, policy: 'exclusive' },
  /**
   * Send one email (modules/mail): data { template, sealed }, the address and the template's data sealed with the
   * secret box (a reset link never sits in the job table in clear). Completed jobs are deleted after a day.
   */
  'mail.send': { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120, deleteAfterSeconds: 24 * 3600, deadLetter: 'dead-letter', notify: true },
  /** Every minute: dispatch due automatic retries and watch checks. */
  'domain.sweep': { retryLimit: 0, expireInSeconds: 120, notify: false, policy: 'singleton' },
  /**
   * Every minute: move on every domain that sat in a waiting status past its deadline (a check, propagation or
   * deployment whose job died; a drift past its grace period) and reschedule watched domains without a next check
   * (domains/deadlines.ts).
   */
  'domain.deadlines': { retryLimit: 0, expireInSeconds: 120, notify: false, policy: 'singleton' },
  /**
   * One per event committed to the outbox (modules/events), sent in the event's own transaction. Data: { eventId }.
   * Durable consumers (webhook fan-out, then notification fan-out, jobs/event-consumers.ts) work this queue; the event row is the truth, so a handler must be idempotent.
   */
  'event.published': { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 300, deadLetter: 'dead-letter', notify: true },
  /** Daily: delete events older than `events.retentionDays`. */
  'events.prune': { retryLimit: 1, retryDelay: 600, expireInSeconds: 900, notify: false, policy: 'singleton' },
  /** Daily: delete audit log entries older than `audit.retentionDays`. */
  'audit.purge': { retryLimit: 1, retryDelay: 600, expireInSeconds: 900, notify: false, policy: 'singleton' },
  /**
   * POST one webhook delivery (modules/webhooks). Data: { deliveryId }. The delivery row decides, not the queue: a job
   * runs only while its delivery is pending, due and unclaimed, so stale and duplicate jobs are no-ops. A failed POST
   * is retried by the worker itself (the next job, sent with `startAfter`, commits with the attempt), so pg-boss
   * retries only crashes; the `webhook.sweep` re-queues a delivery whose job was lost.
   */
  'webhook.deliver': { retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 90, deadLetter: 'dead-letter', notify: true },
  /** Every minute: queue again pending webhook deliveries whose job was lost. */
  'webhook.sweep': { retryLimit: 0, expireInSeconds: 120, notify: false, policy: 'singleton' },
  /**
   * Every hour: rewrite today's usage snapshot of every organization (modules/usage); idempotent per day, so the
   * day's last run is what the history keeps.
   */
  'usage.snapshot': { retryLimit: 1, retryDelay: 60, expireInSeconds: 900, notify: false, policy: 'singleton' },
  /** Daily: mail each user who asked for it one digest of their unread notifications since the last (modules/notifications). */
  'notifications.digest': { retryLimit: 2, retryDelay: 300, expireInSeconds: 900, notify: false, policy: 'singleton' },
  /** Daily: delete read notifications older than `notifications.retentionDays`, unread ones older than `notifications.unreadRetentionDays`. */
  'notifications.purge': { retryLimit: 1, retryDelay: 600, expireInSeconds: 900, notify: false, policy: 'singleton' },
} as const satisfies Record<string, Omit<Queue, 'name'>>;

/** Cron schedules (pg-boss `schedule`): queue → cron expression. */
export const SCHEDULES: Partial<Record<QueueName, string>> = {
  'webhook.sweep': '* * * * *',
  'domain.sweep': '* * * * *',
  'domain.deadlines': '* * * * *',
  'usage.snapshot': '7 * * * *',
  'audit.purge': '37 3 * * *',
  'events.prune': '17 3 * * *',
  'notifications.digest': '0 7 * * *',
  'notifications.purge': '47 3 * * *',
};

export type QueueName = keyof typeof QUEUES;

/** The queue of one edge's reconciles (options: `QUEUES['edge.reconcile']`). */
export const reconcileQueue = (edgeId: string): string => `edge.reconcile/${edgeId}`;

export interface JobData {
  'domain.verify': { domainId: string; trigger: 'manual' | 'automatic' | 'watch' };
  'domain.sweep': Record<string, never>;
  'domain.deadlines': Record<string, never>;
  'domain.dns-apply': { domainId: string; provider: string; credentialId?: string; adopt?: boolean; attempt: number };
  'domain.propagation': { domainId: string };
  'domain.auto-map': { domainId: string };
  'edge.reconcile': { edgeId: string };
  'domain.probe': { domainId: string; edgeId: string; attempt: number };
  'certificate.issue': { domainId: string; hostname: string };
  'certificate.check': { domainId: string };
  'mail.send': { template: MailTemplateName; sealed: string };
  'event.published': { eventId: string };
  'events.prune': Record<string, never>;
  'audit.purge': Record<string, never>;
  'webhook.deliver': { deliveryId: string };
  'webhook.sweep': Record<string, never>;
  'usage.snapshot': Record<string, never>;
  'notifications.digest': Record<string, never>;
  'notifications.purge': Record<string, never>;
  'dead-letter': Record<string, unknown>;
}
