import type { EntityManager } from '@mikro-orm/postgresql';

/** The PostgreSQL channel on which every process hears that routes changed (the route table listens). */
export const ROUTES_CHANNEL = 'portico_routes';
const MAX_PAYLOAD = 7_000; // NOTIFY payloads stop at 8000 bytes

/**
 * Tell every process that the routes of `hosts` changed. Sent on `em`'s connection, so inside a transaction it
 * is delivered when (and only if) the transaction commits. Too many hosts for one payload: `*` (reload all).
 */
export async function notifyRoutesChanged(em: EntityManager, hosts: Iterable<string>): Promise<void> {
  const list = [...new Set(hosts)];
  if (list.length === 0) return;
  const payload = JSON.stringify(list);
  await em.getConnection().execute('select pg_notify(?, ?)', [ROUTES_CHANNEL, payload.length > MAX_PAYLOAD ? '*' : payload], 'get', em.getTransactionContext());
}
