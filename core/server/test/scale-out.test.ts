import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { startPortico, type Portico } from '../src/runtime.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { createApiKey, keyCaller } from './factories.ts';
import { collectingLogger, createTestDatabase, REPO_ROOT, waitFor, type TestPortico } from './helpers.ts';
import { routingTenant } from './routing-fixtures.ts';

const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));

// Several API processes and several workers on one PostgreSQL (the `--role` split): a mapping change made through
// one API process reaches every API process's route table, and a job queued once runs once, whichever worker
// takes it. The processes share this test's Node process (so the scripted verifier counts every check of all of
// them) but nothing else: each has its own container, ORM pool, route table, LISTEN connection and job workers.
describe('scale-out: API processes and workers on one database', () => {
  const processes: Portico[] = [];
  let apis: TestPortico[];
  let tenant: Awaited<ReturnType<typeof routingTenant>>;

  async function start(role: 'api' | 'worker', databaseUrl: string): Promise<Portico> {
    const { logger } = collectingLogger();
    const config = parseConfig(
      {
        seedDemo: false,
        jobs: { pollingIntervalSeconds: 0.5 },
        secrets: { keyFile: `${tmpdir()}/portico-test-keys-${randomUUID()}.json` },
        verification: { defaultMethod: 'scripted' },
        plugins: [{ package: SCRIPTED }],
      },
      {},
      'test',
    );
    config.database.url = databaseUrl;
    const portico = await startPortico({ config, baseDir: REPO_ROOT, logger, role, listen: false });
    processes.push(portico);
    return portico;
  }
  const asTest = (portico: Portico): TestPortico =>
    Object.assign(portico, { http: supertest(portico.app!.callback()), kernel: portico.container.cradle.kernel, logs: [] }) as TestPortico;
  const ask = async (api: TestPortico, host: string) => (await api.http.get('/edge/ask').query({ domain: host })).status;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    apis = [asTest(await start('api', databaseUrl)), asTest(await start('api', databaseUrl)), asTest(await start('api', databaseUrl))];
    await start('worker', databaseUrl);
    await start('worker', databaseUrl);
    tenant = await routingTenant(apis[0]!);
  });
  afterAll(async () => {
    for (const portico of processes.reverse()) await portico.stop();
  });

  it('has no job workers in an API process and no HTTP app in a worker', () => {
    expect(processes.filter((p) => p.app !== undefined)).toHaveLength(3);
  });

  it('a mapping added or removed through one API process is served or refused by every API process', async () => {
    const domainId = await tenant.verifiedDomain('fleet.scale.test');
    const mapping = await tenant.map(domainId, 'shop');
    for (const [i, api] of apis.entries()) {
      expect(await waitFor(() => ask(api, 'shop.fleet.scale.test'), (s) => s === 200, 100, 50), `api ${i}`).toBe(200);
    }
    await tenant.caller.delete(`/v1/mappings/${mapping.id}`);
    for (const [i, api] of apis.entries()) {
      expect(await waitFor(() => ask(api, 'shop.fleet.scale.test'), (s) => s === 404, 100, 50), `api ${i}`).toBe(404);
    }
  });

  it('runs each queued verification once across two workers', async () => {
    const script = scriptedVerifier();
    const hostnames = Array.from({ length: 16 }, (_, i) => `v${i}.once.scale.test`);
    for (const hostname of hostnames) script.outcomes.set(hostname, 'verified');
    const callsBefore = script.calls.length;
    const created = await tenant.caller.post(`/v1/projects/${tenant.projectId}/domains`, { hostnames });
    expect(created.status).toBe(200);
    const ids = (created.body.created as Array<{ id: string }>).map((d) => d.id);
    expect(ids).toHaveLength(hostnames.length);
    // The requests go to every API process in turn (with one API key); the workers share the queue.
    const organizationId = (await tenant.caller.get('/v1/organizations')).body.data[0].id as string;
    const secret = await createApiKey(tenant.caller, organizationId);
    const callers = apis.map((api) => keyCaller(api, secret));
    for (const [i, id] of ids.entries()) expect((await callers[i % callers.length]!.post(`/v1/domains/${id}/verify`)).status, id).toBe(202);
    const statuses = await waitFor(
      async () => Promise.all(ids.map(async (id) => (await tenant.caller.get(`/v1/domains/${id}`)).body.status as string)),
      (all) => all.every((s) => s === 'verified'),
      150,
      100,
    );
    expect(statuses.every((s) => s === 'verified')).toBe(true);
    const calls = script.calls.slice(callsBefore).filter((h) => hostnames.includes(h));
    const perHost = new Map<string, number>();
    for (const hostname of calls) perHost.set(hostname, (perHost.get(hostname) ?? 0) + 1);
    expect(Object.fromEntries(perHost)).toEqual(Object.fromEntries(hostnames.map((h) => [h, 1])));
  });
});
