import type { PgBoss } from 'pg-boss';
import type { Cradle } from '../container.ts';
import type { JobData } from './queues.ts';

/**
 * Attach a worker to every queue that has one. Workers are small functions of their dependencies; retries,
 * backoff and dead letters come from the queue table.
 */
export async function startWorkers({ boss, domainService, config }: Pick<Cradle, 'boss' | 'domainService' | 'config'>): Promise<string[]> {
  const polling = { pollingIntervalSeconds: config.jobs.pollingIntervalSeconds, batchSize: 1, localConcurrency: 4 };
  return [
    await work(boss, 'domain.verify', polling, async (data: JobData['domain.verify']) => domainService.runVerification(data.domainId)),
  ];
}

async function work<T>(boss: PgBoss, queue: string, options: object, handler: (data: T) => Promise<void>): Promise<string> {
  return boss.work<T>(queue, options, async (jobs) => {
    for (const job of jobs) await handler(job.data);
  });
}
