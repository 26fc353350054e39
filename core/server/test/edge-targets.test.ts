import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
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

// A slow edge (a Caddy taking its time over a whole load, a fleet member that stopped answering) holds its own
// reconcile only: the worker runs one reconcile per configured edge at once, so the others deliver meanwhile.
describe('a slow edge does not hold up the others', () => {
  let portico: TestPortico;
  let dir: string;
  let hanging: Server;
  const held = new Set<Socket>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-slow-edge-'));
    // An admin API that accepts connections and never answers.
    hanging = createServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const adminUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    portico = await startTestPortico({
      plugins: [
        { package: '@portico/verify-dns-txt' },
        { package: '@portico/edge-caddy', options: { askUrl: 'http://127.0.0.1:9/edge/ask', adminTimeoutMs: 120_000 } },
        { package: '@portico/edge-traefik', options: { delivery: { kind: 'http' } } },
      ],
      edges: [
        { id: 'caddy-a', edge: 'caddy', target: { adminUrl } },
        { id: 'caddy-b', edge: 'caddy', target: { adminUrl } },
        { id: 'caddy-c', edge: 'caddy', target: { adminUrl } },
        { id: 'traefik-file', edge: 'traefik', target: { delivery: { kind: 'file', path: join(dir, 'portico.yaml') } } },
      ],
    });
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => hanging?.close(resolve));
    await portico?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers to the quick edge while three others hang', async () => {
    const file = join(dir, 'portico.yaml');
    const delivered = await waitFor(async () => (existsSync(file) ? readFile(file, 'utf8') : ''), (text) => text.length > 0, 100, 100);
    expect(delivered).toContain('http');
    await waitFor(async () => held.size, (size) => size === 3, 100, 100);
    const statuses = await portico.container.cradle.edgeService.statuses();
    expect(statuses.map((s) => [s.edgeId, s.health])).toEqual([
      ['caddy-a', 'pending'],
      ['caddy-b', 'pending'],
      ['caddy-c', 'pending'],
      ['traefik-file', 'ok'],
    ]);
  });
});
