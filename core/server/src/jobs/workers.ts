import type { PgBoss } from 'pg-boss';
import type { Cradle } from '../container.ts';
import { CONCURRENCY_TIERS } from '../modules/domains/verification.ts';
import type { JobData } from './queues.ts';

/**
 * Attach a worker to every queue that has one. Workers are small functions of their dependencies; retries,
 * backoff and dead letters come from the queue table.
 */
export async function startWorkers({ boss, verificationService, dnsSetupService, edgeService, certificateService, widgetService, config }: Pick<Cradle, 'boss' | 'verificationService' | 'dnsSetupService' | 'edgeService' | 'certificateService' | 'widgetService' | 'config'>): Promise<string[]> {
  // NOTIFY wakes workers when a job is created, not when a group slot frees up: keep the backstop poll as
  // frequent as the plain one, or jobs held back by an organization's concurrency cap would wait for it.
  const seconds = config.jobs.pollingIntervalSeconds;
  const polling = { pollingIntervalSeconds: seconds, notifyPollingIntervalSeconds: seconds, batchSize: 1 };
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
    await work(boss, 'domain.sweep', polling, async () => {
      await verificationService.dispatchDue();
      await certificateService.renewDue();
      await certificateService.dispatchChecks();
      await edgeService.requestSync(); // heals an edge that restarted and lost its config
    }),
    await work(boss, 'domain.deadlines', polling, async () => {
      await verificationService.sweepDeadlines();
    }),
  ];
}

async function work<T>(boss: PgBoss, queue: string, options: object, handler: (data: T) => Promise<void>): Promise<string> {
  return boss.work<T>(queue, options, async (jobs) => {
    for (const job of jobs) await handler(job.data);
  });
}
