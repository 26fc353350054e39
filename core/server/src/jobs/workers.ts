import type { Cradle } from '../container.ts';
import { CONCURRENCY_TIERS } from '../modules/domains/verification.ts';
import { LIMITS } from '../modules/organizations/settings.entity.ts';
import { dispatchEvent, eventConsumers } from './event-consumers.ts';
import { reconcileQueue, type JobData } from './queues.ts';
import { workQueue } from './work.ts';

/**
 * Checks one worker process runs at once: twice an organization's default limit, so an organization at its limit
 * leaves slots to the others. With no more slots than one organization may use, its backlog would fill every slot
 * and the other organizations' checks would wait behind all of it in queue order.
 */
export const VERIFY_SLOTS = 2 * LIMITS.maxConcurrentVerifications.default;
/**
 * Events one fetch of `event.published` takes; each is still dispatched (and failed, and retried) on its own. Small:
 * each event in flight holds a database connection, and the pool is shared with the checks.
 */
const EVENT_BATCH = 2;


/**
 * Attach a worker to every queue that has one. Workers are small functions of their dependencies; retries,
 * backoff and dead letters come from the queue table.
 */
export async function startWorkers({ boss, eventService, auditService, verificationService, dnsSetupService, edgeService, certificateService, widgetService, config, mailer, webhookService, usageService, notificationService, logger }: Pick<Cradle, 'boss' | 'eventService' | 'auditService' | 'verificationService' | 'dnsSetupService' | 'edgeService' | 'certificateService' | 'widgetService' | 'config' | 'mailer' | 'webhookService' | 'usageService' | 'notificationService' | 'logger'>): Promise<string[]> {
  // NOTIFY wakes workers when a job is created, not when a group slot frees up (a worker that finished a job
  // fetches at once, work.ts, but an idle one polls): keep the backstop poll as frequent as the plain one, or jobs
  // held back by an organization's concurrency cap would wait for it.
  const seconds = config.jobs.pollingIntervalSeconds;
  const polling = { pollingIntervalSeconds: seconds, notifyPollingIntervalSeconds: seconds };
  const consumers = eventConsumers({ webhookService, notificationService });
  const ids = [
    // One check per fetch: a batch would end at the pace of its slowest lookup (a nameserver timing out) and hold
    // the slots of its quick checks meanwhile.
    await workQueue(boss, 'domain.verify', { ...polling, localConcurrency: VERIFY_SLOTS, groupConcurrency: { default: LIMITS.maxConcurrentVerifications.default, tiers: CONCURRENCY_TIERS } }, async (data: JobData['domain.verify']) =>
      verificationService.run(data.domainId, data.trigger ?? 'manual'),
    ),
    await workQueue(boss, 'domain.dns-apply', { ...polling, localConcurrency: 2 }, async (data: JobData['domain.dns-apply']) => dnsSetupService.runApply(data)),
    await workQueue(boss, 'domain.propagation', { ...polling, localConcurrency: 2 }, async (data: JobData['domain.propagation']) => dnsSetupService.runPropagation(data.domainId)),
    await workQueue(boss, 'domain.auto-map', { ...polling, localConcurrency: 2 }, async (data: JobData['domain.auto-map']) => {
      await widgetService.autoMap(data.domainId);
    }),
    // One worker per edge, on the edge's own queue: a change reaches a quick edge (a Redis KV, a directory) without
    // waiting behind a slow one (a whole Caddy load) or one that hangs. The queue's `stately` policy and the edge's
    // advisory lock keep it at one reconcile per edge across processes.
    ...(await Promise.all(
      config.edges.map((edge) =>
        workQueue(boss, reconcileQueue(edge.id), polling, async (data: JobData['edge.reconcile']) => {
          await edgeService.runReconcile(data.edgeId);
        }),
      ),
    )),
    await workQueue(boss, 'domain.probe', { ...polling, localConcurrency: 4 }, async (data: JobData['domain.probe']) => edgeService.runProbe(data)),
    await workQueue(boss, 'certificate.issue', { ...polling, localConcurrency: 2 }, async (data: JobData['certificate.issue']) => certificateService.runIssue(data)),
    await workQueue(boss, 'certificate.check', { ...polling, localConcurrency: 2 }, async (data: JobData['certificate.check']) => certificateService.runCheck(data)),
    await workQueue(boss, 'mail.send', { ...polling, localConcurrency: 2 }, async (data: JobData['mail.send']) => mailer.run(data)),
    await workQueue(boss, 'event.published', { ...polling, localConcurrency: 2, batchSize: EVENT_BATCH }, async (data: JobData['event.published']) => {
      await dispatchEvent(data.eventId, consumers, logger);
    }),
    await workQueue(boss, 'webhook.deliver', { ...polling, localConcurrency: 8 }, async (data: JobData['webhook.deliver']) => webhookService.deliver(data.deliveryId)),
    await workQueue(boss, 'webhook.sweep', polling, async () => {
      await webhookService.sweep();
    }),
    await workQueue(boss, 'domain.sweep', polling, async () => {
      await verificationService.dispatchDue();
      await certificateService.renewDue();
      await certificateService.dispatchChecks();
      await edgeService.requestSync(); // heals an edge that restarted and lost its config
    }),
    await workQueue(boss, 'events.prune', polling, async () => {
      await eventService.prune();
    }),
    await workQueue(boss, 'usage.snapshot', polling, async () => {
      await usageService.snapshot();
    }),
    await workQueue(boss, 'domain.deadlines', polling, async () => {
      await verificationService.sweepDeadlines();
    }),
    await workQueue(boss, 'audit.purge', polling, async () => {
      await auditService.purge();
    }),
    await workQueue(boss, 'notifications.digest', polling, async () => {
      await notificationService.sendDigests();
    }),
    await workQueue(boss, 'notifications.purge', polling, async () => {
      await notificationService.purge();
    }),
  ];
  return ids.flat();
}
