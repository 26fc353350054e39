import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES_CHANNEL } from '../src/modules/routing/route-channel.ts';
import { createOrganizationWithUser } from './factories.ts';
import { startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// The database work around a verification that costs nothing it need not: the route tables hear only status
// changes that can change them, and the checks counted at once go into one usage write.
describe('verification work', () => {
  let portico: TestPortico;
  let listener: pg.Client;

  beforeAll(async () => {
    portico = await startTestPortico();
    listener = new pg.Client({ connectionString: portico.databaseUrl });
    await listener.connect();
    await listener.query(`listen ${ROUTES_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await portico?.stop();
  });

  it('NOTIFYs the route tables of a status change only when the domain enters or leaves a routable or claim-holding status', async () => {
    const { organizationId } = await createOrganizationWithUser(portico);
    const domainId = randomUUID();
    const db = portico.container.cradle.orm.em.getConnection();
    await db.execute(
      `insert into domains (id, created_at, updated_at, status_changed_at, organization_id, hostname, status, status_message, method, token)
       values (?, now(), now(), now(), ?, ?, 'pending', 'Added.', 'dns-txt', 'token')`,
      [domainId, organizationId, `notify-${domainId.slice(0, 8)}.example.test`],
    );
    const heard: string[] = [];
    listener.on('notification', ({ payload }) => {
      if (payload?.includes(domainId) || payload?.startsWith('marker-')) heard.push(payload.includes(domainId) ? 'domain' : payload);
    });
    // Notifications reach a listener in commit order: each marker, sent after a move committed, comes after that move's notification.
    const move = async (status: string, marker: string) => {
      await db.execute('update domains set status = ? where id = ?', [status, domainId]);
      await db.execute('select pg_notify(?, ?)', [ROUTES_CHANNEL, marker]);
    };
    await move('verifying', 'marker-verifying'); // no routes, no claim: nothing the tables hold
    await move('verified', 'marker-verified'); // holds the hostname and may route it
    await move('deploying', 'marker-deploying'); // still routable, still held
    await move('suspended', 'marker-suspended'); // no longer routable, still held
    await waitFor(async () => heard.length, () => heard.includes('marker-suspended'));
    expect(heard).toEqual(['marker-verifying', 'domain', 'marker-verified', 'marker-deploying', 'domain', 'marker-suspended']);
  });

  it('makes no new route-table version (and no edge reconcile) for a change that names no host the table holds', async () => {
    const { organizationId } = await createOrganizationWithUser(portico);
    const { routeTable, orm } = portico.container.cradle;
    const domainId = randomUUID();
    const db = orm.em.getConnection();
    await db.execute(
      `insert into domains (id, created_at, updated_at, status_changed_at, organization_id, hostname, status, status_message, method, token)
       values (?, now(), now(), now(), ?, ?, 'verifying', 'Checking.', 'dns-txt', 'token')`,
      [domainId, organizationId, `unmapped-${domainId.slice(0, 8)}.example.test`],
    );
    await routeTable.settled();
    const before = routeTable.version;
    // Verified: the NOTIFY comes (the domain may route now), but it has no mapping, so nothing in the table changes.
    // Then a change the table does take in (a host reloaded): the listener hears both in order, so once the table
    // has a new version it has handled the first — which must not have made one of its own.
    await db.execute(`update domains set status = 'verified' where id = ?`, [domainId]);
    await db.execute('select pg_notify(?, ?)', [ROUTES_CHANNEL, JSON.stringify({ hosts: [`marker-${domainId.slice(0, 8)}.example.test`] })]);
    await waitFor(async () => routeTable.version, (version) => version > before);
    await routeTable.settled();
    expect(routeTable.version).toBe(before + 1);
  });

  it('writes checks counted at the same time together, and counts every one', async () => {
    const { organizationId } = await createOrganizationWithUser(portico);
    const { usageService, orm } = portico.container.cradle;
    const connection = orm.em.getConnection();
    const execute = vi.spyOn(connection, 'execute');
    try {
      await Promise.all(Array.from({ length: 20 }, () => usageService.increment(organizationId, 'checks')));
      const writes = execute.mock.calls.filter(([sql]) => typeof sql === 'string' && sql.includes('insert into usage_daily')).length;
      expect(writes).toBeGreaterThanOrEqual(1);
      expect(writes).toBeLessThanOrEqual(2); // the first alone, the 19 that arrived while it ran together
    } finally {
      execute.mockRestore();
    }
    const [row] = await connection.execute<Array<{ checks: number }>>('select checks from usage_daily where organization_id = ?', [organizationId]);
    expect(row?.checks).toBe(20);
    // Resolved only once written: what one caller awaited is in the table when it reads.
    await usageService.increment(organizationId, 'checks', 3);
    const [after] = await connection.execute<Array<{ checks: number }>>('select checks from usage_daily where organization_id = ?', [organizationId]);
    expect(after?.checks).toBe(23);
  });
});
