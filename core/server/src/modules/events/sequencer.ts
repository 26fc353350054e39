import type { MikroORM } from '@mikro-orm/postgresql';

/** Serialises numbering within one database: the next batch waits until the previous one has committed. */
const LOCK = 'portico:events:sequence';
const BATCH = 1000;

/**
 * Number the committed events that have no `seq` yet, oldest first, in one short transaction holding a
 * transaction-level advisory lock. Because only this function takes numbers from `events_seq` and its batches
 * commit one after another, the numbered rows a reader sees are always a gap-free prefix: a cursor `seq > n` never
 * skips a row that becomes visible later. Any process may run it (the list endpoint before reading, the live feed
 * when woken); concurrent runs simply queue on the lock. Returns how many rows it numbered.
 */
export async function sequenceEvents(orm: MikroORM): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await orm.em.fork().transactional(async (em) => {
      const connection = em.getConnection();
      const trx = em.getTransactionContext();
      await connection.execute('select pg_advisory_xact_lock(hashtext(?))', [LOCK], 'all', trx);
      const rows = await connection.execute<Array<{ id: string }>>(
        `update events e set seq = n.seq
           from (select id, nextval('events_seq') as seq
                   from (select id from events where seq is null order by id limit ?) o) n
          where e.id = n.id
          returning e.id`,
        [BATCH],
        'all',
        trx,
      );
      return rows.length;
    });
    total += count;
    if (count < BATCH) return total;
  }
}
