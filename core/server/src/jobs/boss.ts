import { PgBoss } from 'pg-boss';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import type { Logger } from 'pino';
import { QUEUES, SCHEDULES, type JobData, type QueueName } from './queues.ts';

export async function startBoss(connectionString: string, logger: Logger): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString, schema: 'pgboss', useListenNotify: true });
  // Log only message and code: pg errors carry the client object, connection parameters included.
  boss.on('error', (error: Error & { code?: string }) => {
    const level = error.code === '57P01' ? 'warn' : 'error'; // 57P01: the database is shutting down
    logger[level]({ code: error.code, error: error.message }, 'job queue connection error');
  });
  await boss.start();
  for (const [name, options] of Object.entries(QUEUES)) {
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
}

export function createJobQueue({ boss }: { boss: PgBoss }): JobQueue {
  return {
    async send(queue, data, options = {}) {
      const { em, ...jobOptions } = options;
      const trx = em?.getTransactionContext() as { executeQuery?: (q: CompiledQuery) => Promise<{ rows: unknown[] }> } | undefined;
      const db = trx?.executeQuery
        ? { executeSql: async (text: string, values?: unknown[]) => ({ rows: (await trx.executeQuery!(CompiledQuery.raw(text, values ?? []))).rows }) }
        : undefined;
      return boss.send(queue, data as object, { ...jobOptions, ...(db ? { db } : {}) });
    },
  };
}
