import { createServer, Socket, type Server } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouteTable } from '../src/modules/routing/route-table.ts';
import { startTestPortico, waitFor, type TestPortico } from './helpers.ts';
import { cloneMapping, routingTenant } from './routing-fixtures.ts';

// The route table stays current in every process: changes are announced by id (no payload limit however many
// hosts a service has), LISTEN is up before the first load, a lost or silently deaf listener is noticed, and
// `/readyz` says so until the full reload is done.
const CHECK = { routeTable: { checkIntervalSeconds: 0.5 } };

describe('route table liveness', () => {
  let portico: TestPortico;
  let tenant: Awaited<ReturnType<typeof routingTenant>>;
  const tables: RouteTable[] = [];

  /** Another process's route table: its own LISTEN connection (at `databaseUrl`) and its own memory. */
  async function otherTable(options: { orm?: MikroORM; databaseUrl?: string } = {}): Promise<RouteTable> {
    const { orm, logger } = portico.container.cradle;
    const table = new RouteTable({ orm: options.orm ?? orm, logger, config: CHECK });
    tables.push(table);
    await table.start(options.databaseUrl ?? portico.databaseUrl);
    return table;
  }

  beforeAll(async () => {
    portico = await startTestPortico({ ...CHECK, plugins: [{ package: '@portico/verify-dns-txt' }] });
    tenant = await routingTenant(portico);
  });
  afterAll(async () => {
    for (const table of tables) await table.stop();
    await portico?.stop();
  });

  it('moves a service mapped by 10,000 hosts, and every process sees the new upstream for each', async () => {
    const other = await otherTable();
    const domainId = await tenant.verifiedDomain('big.test');
    const apex = await tenant.map(domainId, null);
    await cloneMapping(portico, apex.id, 'h', 9999);
    const hosts = ['big.test', ...Array.from({ length: 9999 }, (_, i) => `h${i + 1}.big.test`)];
    await waitFor(async () => hosts.every((h) => other.match(h, '/') !== undefined), Boolean, 100, 100);
    expect(hosts.filter((h) => other.match(h, '/')?.upstream.host !== 'web.internal')).toEqual([]);

    // The trigger used to send every host in one NOTIFY: over 8000 bytes, PostgreSQL refused it and the PATCH was a 500.
    const patched = await tenant.caller.patch(`/v1/services/${tenant.serviceId}`, { upstreamHost: 'web-v2.internal' });
    expect(patched.status).toBe(200);
    const moved = () => hosts.filter((h) => other.match(h, '/')?.upstream.host !== 'web-v2.internal');
    await waitFor(async () => moved().length, (n) => n === 0, 100, 100);
    expect(moved()).toEqual([]);
    const own = portico.container.cradle.routeTable;
    expect(await waitFor(async () => own.match('h5000.big.test', '/')?.upstream.host, (h) => h === 'web-v2.internal', 100, 100)).toBe('web-v2.internal');
  });

  it('tells what changed since a version (the hosts reloaded and their routes now), and nothing it cannot tell', async () => {
    const other = await otherTable();
    const since = other.version;
    const domainId = await tenant.verifiedDomain('delta.test');
    await tenant.map(domainId, 'x');
    await tenant.map(domainId, 'y');
    await waitFor(async () => other.match('y.delta.test', '/'), Boolean, 100, 50);
    const changes = other.changesSince(since);
    expect(changes?.hosts).toEqual(expect.arrayContaining(['x.delta.test', 'y.delta.test']));
    expect(changes?.routes.map((r) => r.hostname).sort()).toEqual(['x.delta.test', 'y.delta.test']);
    expect(other.changesSince(other.version)).toEqual({ since: other.version, hosts: [], routes: [] });
    expect(other.changesSince(other.version + 1)).toBeUndefined();
    // A full reload reads every route anew: no change set spans it.
    await other.reload();
    expect(other.changesSince(since)).toBeUndefined();
    expect(other.changesSince(other.version)?.hosts).toEqual([]);
  });

  it('reloads only the hosts of a moved service with few hosts', async () => {
    const other = await otherTable();
    const service = await tenant.caller.post(`/v1/projects/${tenant.projectId}/services`, { name: 'small', upstreamHost: 'small.internal', upstreamPort: 4000 });
    const domainId = await tenant.verifiedDomain('small.test');
    await tenant.map(domainId, 'a', service.body.id);
    await tenant.map(domainId, 'b', service.body.id);
    await tenant.map(domainId, 'c'); // another service
    await waitFor(async () => other.match('c.small.test', '/'), Boolean, 100, 50);
    expect((await tenant.caller.patch(`/v1/services/${service.body.id}`, { upstreamHost: 'small-v2.internal' })).status).toBe(200);
    await waitFor(async () => other.match('b.small.test', '/')?.upstream.host, (h) => h === 'small-v2.internal', 100, 50);
    expect(['a.small.test', 'b.small.test'].map((h) => other.match(h, '/')?.upstream.host)).toEqual(['small-v2.internal', 'small-v2.internal']);
    expect(other.match('c.small.test', '/')?.upstream.host).not.toBe('small-v2.internal');
  });

  it('sees a change committed after its first load read the database and before it listened', async () => {
    const domainId = await tenant.verifiedDomain('gap.test');
    const { orm } = portico.container.cradle;
    // An ORM whose first route load commits a mapping right after reading (its snapshot no longer sees it): the
    // moment between load and LISTEN.
    let injected = false;
    const connection = orm.em.getConnection();
    const gapOrm = {
      em: {
        fork: () => orm.em.fork(),
        getConnection: () => ({
          async getNativeClient() {
            const pool = await connection.getNativeClient();
            return {
              async connect() {
                const client = await pool.connect();
                const query = client.query.bind(client) as (...args: unknown[]) => unknown;
                return Object.assign(Object.create(client) as typeof client, {
                  query: (...args: unknown[]) => {
                    if (injected || args[0] !== 'commit') return query(...args);
                    injected = true;
                    return tenant.map(domainId, 'late').then(() => query(...args));
                  },
                  release: (error?: Error | boolean) => client.release(error),
                });
              },
            };
          },
        }),
      },
    } as unknown as MikroORM;
    const table = await otherTable({ orm: gapOrm });
    expect(injected).toBe(true);
    const seen = await waitFor(async () => table.allowsCertificate('late.gap.test'), Boolean, 40, 50);
    expect(seen).toBe(true);
  });

  it('answers 503 NOT_READY on /readyz while a killed listener is away, and 200 once it reloaded', async () => {
    expect((await portico.http.get('/readyz')).status).toBe(200);
    const db = portico.container.cradle.orm.em.fork().getConnection();
    const killed: unknown[] = await db.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'portico-route-table' and datname = current_database()");
    expect(killed.length).toBeGreaterThan(0);
    const stale = await waitFor(() => portico.http.get('/readyz'), (res) => res.status === 503, 100, 20);
    expect(stale.status).toBe(503);
    expect(stale.body.error).toMatchObject({ code: 'NOT_READY', details: { routeTable: 'stale' } });
    const ready = await waitFor(() => portico.http.get('/readyz'), (res) => res.status === 200, 100, 100);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { routeTable: 'ok' } });

    // And what changed while it was away is in the table.
    const domainId = await tenant.verifiedDomain('after-kill.test');
    await tenant.map(domainId, 'www');
    expect(await waitFor(async () => portico.container.cradle.routeTable.allowsCertificate('www.after-kill.test'), Boolean, 100, 50)).toBe(true);
  });

  it('notices a listener that went silent (a connection dropped without a word) and reloads what it missed', async () => {
    const proxy = await tcpProxy(new URL(portico.databaseUrl));
    try {
      const url = new URL(portico.databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      const table = await otherTable({ databaseUrl: url.href });
      const domainId = await tenant.verifiedDomain('deaf.test');
      await tenant.map(domainId, 'first');
      await waitFor(async () => table.allowsCertificate('first.deaf.test'), Boolean, 100, 50);

      proxy.freeze(); // every packet of the open connection is dropped from now on; the socket never closes
      await tenant.map(domainId, 'second');
      expect(await waitFor(async () => table.allowsCertificate('second.deaf.test'), Boolean, 100, 100)).toBe(true);
      expect(table.stale).toBe(false);
    } finally {
      proxy.close();
    }
  });
});

/** A TCP relay to `target` whose open connections can be frozen: nothing passes any more, nothing is closed. */
async function tcpProxy(target: URL): Promise<{ port: number; freeze(): void; close(): void }> {
  const pairs: Array<[Socket, Socket]> = [];
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    client.pipe(upstream);
    upstream.pipe(client);
    const quiet = () => undefined;
    client.on('error', quiet);
    upstream.on('error', quiet);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    freeze() {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        client.on('close', () => upstream.destroy());
      }
    },
    close() {
      server.close();
    },
  };
}
