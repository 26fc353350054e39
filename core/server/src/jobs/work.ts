import type { JobResult, PgBoss, WorkOptions } from 'pg-boss';

/**
 * How a queue is worked: pg-boss's options, `localConcurrency` being how many workers of it this process runs, and
 * `batchSize` how many jobs each worker takes per fetch (default 1). A process runs up to
 * `localConcurrency × batchSize` jobs of the queue at once.
 */
export type WorkerOptions = Pick<WorkOptions, 'pollingIntervalSeconds' | 'notifyPollingIntervalSeconds' | 'groupConcurrency'> & { localConcurrency?: number; batchSize?: number };

/**
 * Work `queue` with `localConcurrency` workers that each take up to `batchSize` jobs per fetch (within any group's
 * concurrency cap) and run them at once, each job on its own: one job's handler throwing fails (and retries) that
 * job alone, the others of its batch complete (pg-boss's per-job results), and the whole batch is completed in one
 * statement. A worker that has just finished a batch fetches the next at once (pg-boss's `notifyWorker`) instead of
 * after its polling interval, so a backlog drains at the speed of its jobs, and a slot freed under an
 * organization's concurrency cap is taken again at once (NOTIFY wakes workers only when a job is created). A fetch
 * that finds nothing falls back to polling. Each worker is a `work` call of its own, so it can be woken by its id.
 * Returns the workers' ids.
 */
export async function workQueue<T>(boss: PgBoss, queue: string, options: WorkerOptions, handler: (data: T) => Promise<unknown>): Promise<string[]> {
  const { localConcurrency = 1, batchSize = 1, ...polling } = options;
  const ids: string[] = [];
  for (let i = 0; i < localConcurrency; i++) {
    const worker: { id?: string } = {};
    worker.id = await boss.work<T>(queue, { ...polling, batchSize, localConcurrency: 1, perJobResults: true }, async (jobs) => {
      const results = await Promise.all(
        jobs.map(async (job): Promise<JobResult> => {
          try {
            await handler(job.data);
            return { id: job.id, status: 'completed' };
          } catch (error) {
            return { id: job.id, status: 'failed', output: error };
          }
        }),
      );
      // Read when the batch ends: a batch fetched before `work` returned the id waits for the next poll instead.
      if (worker.id !== undefined) boss.notifyWorker(worker.id);
      return results;
    });
    ids.push(worker.id);
  }
  return ids;
}
