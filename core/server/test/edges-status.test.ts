import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { cliRunner, REPO_ROOT, signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Edge health and last sync per edge in the API, /metrics and the operator CLI, with one edge
// that delivers (Traefik, file provider) and one that cannot (Caddy, admin API on a closed port).
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('edge health', () => {
  let portico: TestPortico;
  let dir: string;
  let traefikFile: string;
  let raw: Record<string, unknown>;
  let session: Awaited<ReturnType<typeof signIn>>;
  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-edges-'));
    traefikFile = join(dir, 'traefik', 'portico.yaml');
    raw = {
      plugins: [
        { package: '@portico/verify-dns-txt' },
        { package: '@portico/edge-traefik', options: { delivery: { kind: 'file', path: traefikFile } } },
        { package: '@portico/edge-caddy', options: { askUrl: 'http://127.0.0.1:9/edge/ask', adminUrl: `http://127.0.0.1:${await closedPort()}`, adminTimeoutMs: 2000 } },
      ],
      edges: [
        { id: 'traefik-files', edge: 'traefik' },
        { id: 'caddy-down', edge: 'caddy' },
      ],
    };
    portico = await startTestPortico(raw);
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
  });
  afterAll(async () => {
    await portico?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const statuses = () => portico.container.cradle.edgeService.statuses();

  it('records every reconcile in the database: ok with its last sync, failing with its error and failure count', async () => {
    const settled = await waitFor(statuses, (rows) => rows[0]?.health === 'ok' && rows[1]?.health === 'failing', 80, 100);
    expect(settled.map((s) => [s.edgeId, s.edge, s.health])).toEqual([
      ['traefik-files', 'traefik', 'ok'],
      ['caddy-down', 'caddy', 'failing'],
    ]);
    expect(settled[0]!.lastSyncAt).toBeInstanceOf(Date);
    expect(settled[0]!.detail).toContain(traefikFile);
    expect(settled[1]!.lastSyncAt).toBeNull();
    expect(settled[1]!.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(settled[1]!.lastError).toBeTruthy();
    expect(await readFile(traefikFile, 'utf8')).toContain('http:');
  });

  it('GET /v1/edges shows health and last sync to anyone signed in, without tenant-spanning details', async () => {
    const res = await session.agent.get('/v1/edges').expect(200);
    expect(res.body.data).toEqual([
      { id: 'traefik-files', edge: 'traefik', displayName: 'Traefik', health: 'ok', lastSyncAt: expect.any(String), lastAttemptAt: expect.any(String), consecutiveFailures: 0 },
      { id: 'caddy-down', edge: 'caddy', displayName: 'Caddy', health: 'failing', lastSyncAt: null, lastAttemptAt: expect.any(String), consecutiveFailures: expect.any(Number) },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/lastError|ECONNREFUSED|routes/);
    expect((await portico.http.get('/v1/edges')).status).toBe(401);
  });

  it('exports health, last sync, failures and routes per edge in /metrics', async () => {
    const text = (await portico.http.get('/metrics').expect(200)).text;
    expect(text).toMatch(/^portico_edge_up\{edge="traefik-files"\} 1$/m);
    expect(text).toMatch(/^portico_edge_up\{edge="caddy-down"\} 0$/m);
    const sync = Number(/^portico_edge_last_sync_timestamp_seconds\{edge="traefik-files"\} (\S+)$/m.exec(text)?.[1]);
    expect(Math.abs(sync - Date.now() / 1000)).toBeLessThan(3600);
    expect(text).not.toMatch(/portico_edge_last_sync_timestamp_seconds\{edge="caddy-down"\}/);
    expect(text).toMatch(/^portico_edge_consecutive_failures\{edge="caddy-down"\} [1-9]/m);
    expect(text).toMatch(/^portico_edge_routes\{edge="traefik-files"\} 0$/m);
  });

  describe('the operator CLI', () => {
    let configFile: string;
    const cli = cliRunner(() => configFile);

    beforeAll(async () => {
      // The CLI reads the same configuration and database as the running Portico (plugins resolved from the repo).
      configFile = join(REPO_ROOT, `.tmp-cli-${Date.now()}.json`);
      const { keyFile } = portico.container.cradle.config.secrets;
      await writeFile(configFile, JSON.stringify({ ...raw, database: { url: portico.databaseUrl }, secrets: { keyFile } }));
    });
    afterAll(async () => rm(configFile, { force: true }));

    it('edges status prints every edge with its health and exits 1 while one fails', async () => {
      const { code, out } = await cli('edges', 'status');
      expect(code).toBe(1);
      expect(out).toMatch(/^traefik-files\s+traefik\s+ok\s+\d{4}-/m);
      expect(out).toMatch(/^caddy-down\s+caddy\s+failing\s+-/m);
      const json = await cli('edges', 'status', '--edge', 'traefik-files', '--json');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ edgeId: 'traefik-files', health: 'ok' })]);
    });

    it('edges reconcile --dry-run shows the diff a new mapping makes, writing nothing; a forced reconcile delivers it', async () => {
      const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
      const projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
      const serviceId = (await post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost: 'web.internal', upstreamPort: 3000 }).expect(201)).body.id;
      const domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['cli.example.test'] }).expect(200)).body.created[0].id;
      // Stop the workers' own reconciles from racing the CLI: the mapping lands while this edge's file is read-only to them.
      await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
      const before = await readFile(traefikFile, 'utf8');
      await portico.container.cradle.boss.stop({ graceful: true, timeout: 5000 });
      await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath: '/' }).expect(201);

      const dry = await cli('edges', 'reconcile', '--dry-run', '--edge', 'traefik-files', '--exit-code');
      expect(dry.err).toBe('');
      expect(dry.code).toBe(1);
      expect(dry.out).toContain('traefik-files (traefik):');
      expect(dry.out).toMatch(/^\+.*Host\(`cli\.example\.test`\)/m);
      expect(await readFile(traefikFile, 'utf8')).toBe(before);

      const forced = await cli('edges', 'reconcile', '--edge', 'traefik-files');
      expect(forced).toMatchObject({ code: 0, err: '' });
      expect(forced.out).toMatch(/^traefik-files \(traefik\): delivered 1 routes/m);
      expect(await readFile(traefikFile, 'utf8')).toContain('Host(`cli.example.test`)');
      expect((await cli('edges', 'reconcile', '--dry-run', '--edge', 'traefik-files', '--exit-code')).code).toBe(0);
      const [row] = await portico.container.cradle.edgeService.statuses();
      expect(row).toMatchObject({ health: 'ok', routes: 1 });
    });

    it('refuses unknown commands and edges with exit code 2', async () => {
      expect((await cli('edges', 'explode')).code).toBe(2);
      const unknown = await cli('edges', 'status', '--edge', 'nope');
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('"nope"');
    });
  });
});
