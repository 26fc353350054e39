import type { PgBoss, WorkOptions } from 'pg-boss';

/** How a queue is worked: pg-boss's options, `localConcurrency` being how many jobs of it this process runs at once. */
export type WorkerOptions = Pick<WorkOptions, 'pollingIntervalSeconds' | 'notifyPollingIntervalSeconds' | 'groupConcurrency'> & { localConcurrency?: number };

/**
 * Work `queue` with `localConcurrency` workers that each run one job at a time. A worker that has just finished a
 * job fetches the next one at once (pg-boss's `notifyWorker`) instead of after its polling interval, so a backlog
 * drains at the speed of its jobs, and a slot freed under an organization's concurrency cap is taken again at once
 * (NOTIFY wakes workers only when a job is created). A fetch that finds nothing falls back to polling. Each worker
 * is a `work` call of its own, so it can be woken by its id; one job per fetch keeps each job's failure and retry
 * its own. Returns the workers' ids.
 */
export async function workQueue<T>(boss: PgBoss, queue: string, options: WorkerOptions, handler: (data: T) => Promise<unknown>): Promise<string[]> {
  const { localConcurrency = 1, ...polling } = options;
  const ids: string[] = [];
  for (let i = 0; i < localConcurrency; i++) {
    const worker: { id?: string } = {};
    worker.id = await boss.work<T>(queue, { ...polling, batchSize: 1, localConcurrency: 1 }, async ([job]) => {
      await handler(job!.data);
      // Read when the job ends: a job fetched before `work` returned the id waits for the next poll instead.
      if (worker.id !== undefined) boss.notifyWorker(worker.id);
    });
    ids.push(worker.id);
  }
  return ids;
}
