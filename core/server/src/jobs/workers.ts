import type { PgBoss } from 'pg-boss';
import type { Cradle } from '../container.ts';
import { CONCURRENCY_TIERS } from '../modules/domains/verification.ts';
import { dispatchEvent, eventConsumers } from './event-consumers.ts';
import type { JobData } from './queues.ts';

/**
 * Attach a worker to every queue that has one. Workers are small functions of their dependencies; retries,
 * backoff and dead letters come from the queue table.
 */
export async function startWorkers({ boss, eventService, auditService, verificationService, dnsSetupService, edgeService, certificateService, widgetService, config, mailer, webhookService, usageService, notificationService, logger }: Pick<Cradle, 'boss' | 'eventService' | 'auditService' | 'verificationService' | 'dnsSetupService' | 'edgeService' | 'certificateService' | 'widgetService' | 'config' | 'mailer' | 'webhookService' | 'usageService' | 'notificationService' | 'logger'>): Promise<string[]> {
  // NOTIFY wakes workers when a job is created, not when a group slot frees up: keep the backstop poll as
  // frequent as the plain one, or jobs held back by an organization's concurrency cap would wait for it.
  const seconds = config.jobs.pollingIntervalSeconds;
  const polling = { pollingIntervalSeconds: seconds, notifyPollingIntervalSeconds: seconds, batchSize: 1 };
  const consumers = eventConsumers({ webhookService, notificationService });
  return [
    await work(boss, 'domain.verify', { ...polling, localConcurrency: 4, groupConcurrency: { default: 5, tiers: CONCURRENCY_TIERS } }, async (data: JobData['domain.verify']) =>
      verificationService.run(data.domainId, data.trigger ?? 'manual'),
    ),
    await work(boss, 'domain.dns-apply', { ...polling, localConcurrency: 2 }, async (data: JobData['domain.dns-apply']) => dnsSetupService.runApply(data)),
    await work(boss, 'domain.propagation', { ...polling, localConcurrency: 2 }, async (data: JobData['domain.propagation']) => dnsSetupService.runPropagation(data.domainId)),
    await work(boss, 'domain.auto-map', { ...polling, localConcurrency: 2 }, async (data: JobData['domain.auto-map']) => {
      await widgetService.autoMap(data.domainId);
    }),
    await work(boss, 'edge.reconcile', { ...polling, localConcurrency: 2 }, async (data: JobData['edge.reconcile']) => {
      await edgeService.runReconcile(data.edgeId);
    }),
    await work(boss, 'domain.probe', { ...polling, localConcurrency: 4 }, async (data: JobData['domain.probe']) => edgeService.runProbe(data)),
    await work(boss, 'certificate.issue', { ...polling, localConcurrency: 2 }, async (data: JobData['certificate.issue']) => certificateService.runIssue(data)),
    await work(boss, 'certificate.check', { ...polling, localConcurrency: 2 }, async (data: JobData['certificate.check']) => certificateService.runCheck(data)),
    await work(boss, 'mail.send', { ...polling, localConcurrency: 2 }, async (data: JobData['mail.send']) => mailer.run(data)),
    await work(boss, 'event.published', { ...polling, localConcurrency: 2 }, async (data: JobData['event.published']) => {
      await dispatchEvent(data.eventId, consumers, logger);
    }),
    await work(boss, 'webhook.deliver', { ...polling, localConcurrency: 8 }, async (data: JobData['webhook.deliver']) => webhookService.deliver(data.deliveryId)),
    await work(boss, 'webhook.sweep', polling, async () => {
      await webhookService.sweep();
    }),
    await work(boss, 'domain.sweep', polling, async () => {
      await verificationService.dispatchDue();
      await certificateService.renewDue();
      await certificateService.dispatchChecks();
      await edgeService.requestSync(); // heals an edge that restarted and lost its config
    }),
    await work(boss, 'events.prune', polling, async () => {
      await eventService.prune();
    }),
    await work(boss, 'usage.snapshot', polling, async () => {
      await usageService.snapshot();
    }),
    await work(boss, 'domain.deadlines', polling, async () => {
      await verificationService.sweepDeadlines();
    }),
    await work(boss, 'audit.purge', polling, async () => {
      await auditService.purge();
    }),
    await work(boss, 'notifications.digest', polling, async () => {
      await notificationService.sendDigests();
    }),
    await work(boss, 'notifications.purge', polling, async () => {
      await notificationService.purge();
    }),
  ];
}

async function work<T>(boss: PgBoss, queue: string, options: object, handler: (data: T) => Promise<void>): Promise<string> {
  return boss.work<T>(queue, options, async (jobs) => {
    for (const job of jobs) await handler(job.data);
  });
}
