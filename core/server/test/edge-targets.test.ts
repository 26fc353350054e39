import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCaddy, startCaddy, type Caddy } from '@portico/test-servers';
import { Domain } from '../src/modules/domains/entity.ts';
import { edgeCaddyPlugin } from './caddy-stack.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Two edges of one plugin, each with its own delivery target (`edges[].target`): two Traefik fleets reading two
// files here, as two Caddies of a fleet would take two admin URLs. The reconcile job delivers to each.
describe('per-edge delivery targets', () => {
  let portico: TestPortico;
  let dir: string;
  const file = (name: string) => join(dir, name, 'portico.yaml');
  const traefik = { package: '@portico/edge-traefik', options: { delivery: { kind: 'http' } } };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-targets-'));
    portico = await startTestPortico({
      plugins: [{ package: '@portico/verify-dns-txt' }, traefik],
      edges: [
        { id: 'traefik-eu', edge: 'traefik', target: { delivery: { kind: 'file', path: file('eu') } } },
        { id: 'traefik-us', edge: 'traefik', target: { delivery: { kind: 'file', path: file('us') } } },
      ],
    });
  });
  afterAll(async () => {
    await portico?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers the route table to every edge at its own target, and reports each edge', async () => {
    const session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    const projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    const serviceId = (await post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost: 'web.internal', upstreamPort: 3000 }).expect(201)).body.id;
    const domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['fleet.example.test'] }).expect(200)).body.created[0].id;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath: '/' }).expect(201);

    const both = async () => Promise.all(['eu', 'us'].map(async (name) => (existsSync(file(name)) ? readFile(file(name), 'utf8') : '')));
    const [eu, us] = await waitFor(both, (texts) => texts.every((t) => t.includes('fleet.example.test')), 100, 100);
    expect(eu).toBe(us);
    const statuses = await waitFor(() => portico.container.cradle.edgeService.statuses(), (rows) => rows.every((r) => r.health === 'ok' && r.routes === 1), 50, 100);
    expect(statuses.map((s) => [s.edgeId, s.detail])).toEqual([
      ['traefik-eu', expect.stringContaining(file('eu'))],
      ['traefik-us', expect.stringContaining(file('us'))],
    ]);
  });

  it('refuses at start-up a target the plugin rejects, and duplicate edge ids, with CONFIG_INVALID', async () => {
    const bad = await startTestPortico({ plugins: [traefik], edges: [{ id: 'traefik-x', edge: 'traefik', target: { delivery: { kind: 'carrier-pigeon' } } }] }).then(
      (p) => p.stop().then(() => undefined),
      (error: unknown) => error,
    );
    expect(bad).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('traefik-x') });
    const twice = await startTestPortico({ plugins: [traefik], edges: [{ id: 'a', edge: 'traefik' }, { id: 'a', edge: 'traefik' }] }).then(
      (p) => p.stop().then(() => undefined),
      (error: unknown) => error,
    );
    expect(twice).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

// An edge that stops answering (a Caddy whose machine hangs) holds its own reconcile only: the worker runs one
// reconcile per configured edge at once, so the others deliver what changed meanwhile.
describe.skipIf(!requireCaddy())('an edge that stops answering does not hold up the others', () => {
  let portico: TestPortico;
  let dir: string;
  let caddy: Caddy;
  let stopped = false;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-slow-edge-'));
    caddy = await startCaddy();
    portico = await startTestPortico({
      plugins: [
        { package: '@portico/verify-dns-txt' },
        edgeCaddyPlugin(caddy, { askUrl: 'http://127.0.0.1:9/edge/ask', issuers: [{ module: 'internal' }], adminTimeoutMs: 120_000 }),
        { package: '@portico/edge-traefik', options: { delivery: { kind: 'http' } } },
      ],
      // Two edges on the one Caddy: both hang when it does.
      edges: [
        { id: 'caddy-a', edge: 'caddy' },
        { id: 'caddy-b', edge: 'caddy' },
        { id: 'traefik-file', edge: 'traefik', target: { delivery: { kind: 'file', path: join(dir, 'portico.yaml') } } },
      ],
    });
  });
  afterAll(async () => {
    if (stopped) process.kill(caddy.pid, 'SIGCONT');
    await portico?.stop();
    await caddy?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers a change to the quick edge while two others hang', async () => {
    const statuses = () => portico.container.cradle.edgeService.statuses();
    await waitFor(statuses, (rows) => rows.every((r) => r.health === 'ok'), 200, 100);
    // Caddy stops answering: its admin API still accepts connections, nothing comes back.
    process.kill(caddy.pid, 'SIGSTOP');
    stopped = true;
    const session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    const projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    const serviceId = (await post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost: 'web.internal', upstreamPort: 3000 }).expect(201)).body.id;
    const { orm } = portico.container.cradle;
    const map = async (hostname: string) => {
      const domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: [hostname] }).expect(200)).body.created[0].id;
      await orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
      await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath: '/' }).expect(201);
    };
    await map('first.example.test');
    // Both Caddy edges are on their delivery of that change, waiting for an answer that does not come.
    const hanging = async () =>
      (await orm.em.getConnection().execute<Array<{ edge: string }>>(`select data->>'edgeId' as edge from pgboss.job where name like 'edge.reconcile/%' and state = 'active'`)).map((r) => r.edge).sort();
    await waitFor(hanging, (edges) => edges.includes('caddy-a') && edges.includes('caddy-b'), 150, 100);
    await map('second.example.test');
    const file = join(dir, 'portico.yaml');
    await waitFor(async () => readFile(file, 'utf8'), (text) => text.includes('Host(`second.example.test`)'), 150, 100);
    const rows = await waitFor(statuses, (all) => all.find((r) => r.edgeId === 'traefik-file')?.routes === 2, 50, 100);
    expect(rows.find((r) => r.edgeId === 'traefik-file')).toMatchObject({ health: 'ok', routes: 2 });
    // The Caddy edges' last sync is still the first one.
    expect(rows.filter((r) => r.edgeId.startsWith('caddy')).map((r) => r.routes)).toEqual([0, 0]);
  });
});
