import { PgBoss } from 'pg-boss';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import type { Logger } from 'pino';
import { QUEUES, reconcileQueue, SCHEDULES, type JobData, type QueueName } from './queues.ts';

/** Starts pg-boss and creates every queue: those of QUEUES, and one reconcile queue per configured edge. */
export async function startBoss(connectionString: string, logger: Logger, edgeIds: readonly string[] = []): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString, schema: 'pgboss', useListenNotify: true });
  // Log only message and code: pg errors carry the client object, connection parameters included.
  boss.on('error', (error: Error & { code?: string }) => {
    const level = error.code === '57P01' ? 'warn' : 'error'; // 57P01: the database is shutting down
    logger[level]({ code: error.code, error: error.message }, 'job queue connection error');
  });
  await boss.start();
  const queues: Array<[string, (typeof QUEUES)[QueueName]]> = [
    ...Object.entries(QUEUES).filter(([name]) => name !== 'edge.reconcile'),
    ...edgeIds.map((id): [string, (typeof QUEUES)[QueueName]] => [reconcileQueue(id), QUEUES['edge.reconcile']]),
  ];
  for (const [name, options] of queues) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
  }
  for (const [name, cron] of Object.entries(SCHEDULES)) await boss.schedule(name, cron, {});
  return boss;
}

/** Sends jobs; with `em` inside a transaction the job commits (or rolls back) with that transaction. */
export interface JobQueue {
  send<Q extends QueueName>(
    queue: Q,
    data: JobData[Q],
    options?: { em?: EntityManager; singletonKey?: string; startAfter?: number; group?: { id: string; tier?: string } },
  ): Promise<string | null>;
  /** Many jobs of one queue in one statement (each with its own group), with the queue's options; `em` as for `send`. */
  sendMany<Q extends QueueName>(queue: Q, jobs: Array<{ data: JobData[Q]; group?: { id: string; tier?: string } }>, options?: { em?: EntityManager }): Promise<void>;
}

/** pg-boss's `db` option for the transaction `em` runs in, if any: jobs sent through it commit or roll back with it. */
function transactionDb(em: EntityManager | undefined) {
  const trx = em?.getTransactionContext() as { executeQuery?: (q: CompiledQuery) => Promise<{ rows: unknown[] }> } | undefined;
  return trx?.executeQuery
    ? { db: { executeSql: async (text: string, values?: unknown[]) => ({ rows: (await trx.executeQuery!(CompiledQuery.raw(text, values ?? []))).rows }) } }
    : {};
}

export function createJobQueue({ boss }: { boss: PgBoss }): JobQueue {
  return {
    async send(queue, data, options = {}) {
      const { em, ...jobOptions } = options;
      // Each edge's reconciles have a queue of their own.
      const name = queue === 'edge.reconcile' ? reconcileQueue((data as JobData['edge.reconcile']).edgeId) : queue;
      return boss.send(name, data as object, { ...jobOptions, ...transactionDb(em) });
    },
    async sendMany(queue, jobs, { em } = {}) {
      if (jobs.length > 0) await boss.insert(queue, jobs.map(({ data, group }) => ({ data: data as object, ...(group ? { group } : {}) })), transactionDb(em));
    },
  };
}
