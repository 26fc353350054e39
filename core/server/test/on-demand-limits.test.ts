import { createServer } from 'node:http';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PorticoConfig } from '../src/config/schema.ts';
import { edgeAsk } from '../src/http/edge-ask.ts';
import { OnDemandLimits } from '../src/modules/routing/on-demand-limits.ts';
import { RouteTable } from '../src/modules/routing/route-table.ts';
import { startTestPortico, waitFor, type TestPortico } from './helpers.ts';
import { routingTenant } from './routing-fixtures.ts';

// On-demand TLS cannot be abused through a wildcard mapping: new names per wildcard and per registered domain are
// capped over a rolling window, shared by every process through the database; new names are rate-limited per
// process; hosts mapped by name and names approved before always get their yes.
describe('on-demand TLS limits at GET /edge/ask', () => {
  let portico: TestPortico;
  let tenant: Awaited<ReturnType<typeof routingTenant>>;
  const tables: RouteTable[] = [];

  const ask = async (domain: string, http = portico.http) => (await http.get('/edge/ask').query({ domain })).status;
  const askCount = async (answer: string): Promise<number> => {
    const metric = await portico.container.cradle.metrics.registry.getSingleMetric('portico_edge_ask_requests_total')!.get();
    return metric.values.find((v) => v.labels.answer === answer)?.value ?? 0;
  };

  /** Another API process: its own route table and limits (its own memory), on the same database. */
  async function otherProcess(limits: Partial<PorticoConfig['onDemandTls']> = {}) {
    const { orm, logger, config, metrics } = portico.container.cradle;
    const routeTable = new RouteTable({ orm, logger, config });
    tables.push(routeTable);
    await routeTable.start(portico.databaseUrl);
    const onDemandLimits = new OnDemandLimits({ orm, logger, config: { onDemandTls: { ...config.onDemandTls, ...limits } } });
    const gate = edgeAsk({ routeTable, onDemandLimits, metrics, logger });
    const server = createServer((req, res) => {
      if (!gate.handle(req, res)) res.writeHead(404).end();
    });
    return { http: supertest(server), routeTable, onDemandLimits };
  }

  /** A verified domain with the given mappings, once the route table serves `probe`. */
  async function domainWith(hostname: string, subdomains: Array<string | null>, probe: string): Promise<void> {
    const domainId = await tenant.verifiedDomain(hostname);
    for (const subdomain of subdomains) await tenant.map(domainId, subdomain);
    await waitFor(async () => portico.container.cradle.routeTable.certificateGrant(probe), Boolean, 100, 50);
  }

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    tenant = await routingTenant(portico);
  });
  afterAll(async () => {
    for (const table of tables) await table.stop();
    await portico?.stop();
  });

  it('says yes to 10 new names under one wildcard a day, refuses the 11th, and keeps every yes it gave', async () => {
    await domainWith('capped.test', ['*', 'api'], 'x.capped.test');
    for (let i = 1; i <= 10; i++) expect(await ask(`r${i}.capped.test`), `r${i}`).toBe(200);
    const capped = await askCount('capped');
    expect(await ask('r11.capped.test')).toBe(429);
    expect(await askCount('capped')).toBe(capped + 1);
    expect(await ask('api.capped.test')).toBe(200); // mapped by name: never limited
    expect(await ask('r3.capped.test')).toBe(200); // approved before: its renewal still gets a yes
    expect(await ask('capped.test')).toBe(404); // not mapped at all

    // The budget lives in the database: another process with a fresh memory holds the same line.
    const other = await otherProcess();
    await waitFor(async () => other.routeTable.certificateGrant('x.capped.test'), Boolean, 100, 50);
    expect(await ask('r12.capped.test', other.http)).toBe(429);
    expect(await ask('r7.capped.test', other.http)).toBe(200);
    expect(await ask('api.capped.test', other.http)).toBe(200);
    const rows: Array<{ count: string }> = await portico.container.cradle.orm.em
      .fork()
      .getConnection()
      .execute("select count(*) as count from on_demand_approvals where wildcard = '*.capped.test'");
    expect(Number(rows[0]!.count)).toBe(10);

    // Once a wildcard is known to be full, more random names are refused from memory (no promise: no query).
    expect(other.onDemandLimits.decide('r13.capped.test', '*.capped.test')).toBe('capped');
  });

  it('caps new names per registered domain across its wildcards', async () => {
    await domainWith('reg.test', ['*.a', '*.b', '*.c'], 'x.c.reg.test');
    const other = await otherProcess({ perWildcard: 3, perRegisteredDomain: 4 });
    await waitFor(async () => other.routeTable.certificateGrant('x.c.reg.test'), Boolean, 100, 50);
    const answers = [];
    for (const host of ['a1.a.reg.test', 'a2.a.reg.test', 'a3.a.reg.test', 'a4.a.reg.test', 'b1.b.reg.test', 'b2.b.reg.test', 'c1.c.reg.test']) {
      answers.push(await ask(host, other.http));
    }
    // a4: the wildcard's 3 are used; b2 and c1: the registered domain's 4 are used.
    expect(answers).toEqual([200, 200, 200, 429, 200, 429, 429]);
  });

  it('rate-limits new names per process with 429 and Retry-After, and never limits names it knows', async () => {
    await domainWith('rate.test', ['*', 'www'], 'x.rate.test');
    const other = await otherProcess({ newNamesBurst: 3, newNamesPerSecond: 0.001 });
    await waitFor(async () => other.routeTable.certificateGrant('x.rate.test'), Boolean, 100, 50);
    const limited = await askCount('rate_limited');
    for (const host of ['n1.rate.test', 'n2.rate.test', 'n3.rate.test']) expect(await ask(host, other.http), host).toBe(200);
    const refused = await other.http.get('/edge/ask').query({ domain: 'n4.rate.test' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await askCount('rate_limited')).toBe(limited + 1);
    // Known names answer from memory, whatever the bucket holds.
    expect(await ask('n1.rate.test', other.http)).toBe(200);
    expect(await ask('www.rate.test', other.http)).toBe(200);
    expect(await ask('nothing.example.test', other.http)).toBe(404);
  });
});
