import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requireCaddy, startCaddy, type Caddy } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { Service } from '../src/modules/routing/service.entity.ts';
import { edgeCaddyPlugin, httpGet } from './caddy-stack.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Services stored with an upstream host that is no host (rows written before upstreams were validated) cost their
// own mappings only: the Traefik config, /edge/resolve, the mapping preview and every delivery answer normally for
// every other host; the edge status and the mapping name what was left out and why.
const available = requireCaddy();
const TOKEN = 'edge-resolve-token-0123456789';
const BAD = { 'bad.example.test': 'a b', 'url.example.test': 'http://evil/', 'quote.example.test': 'evil host"; }', 'meta.example.test': '169.254.169.254' };
const REASONS = { 'a b': 'invalid_upstream_host', 'http://evil/': 'invalid_upstream_host', 'evil host"; }': 'invalid_upstream_host', '169.254.169.254': 'forbidden_upstream' };

describe.skipIf(!available)('one bad upstream among good ones', { timeout: 120_000 }, () => {
  let caddy: Caddy;
  let portico: TestPortico;
  let upstream: Server;
  let session: Awaited<ReturnType<typeof signIn>>;
  let projectId: string;
  const mappingIds = new Map<string, string>();
  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const bearer = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    caddy = await startCaddy();
    upstream = createServer((req, res) => res.end(`upstream ${req.headers.host} ${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    portico = await startTestPortico({
      edgeApi: { resolveToken: TOKEN },
      edges: [
        { id: 'caddy-1', edge: 'caddy' },
        { id: 'traefik-http', edge: 'traefik' },
      ],
      plugins: [
        { package: '@portico/verify-dns-txt' },
        { package: '@portico/edge-traefik', options: { delivery: { kind: 'http' } } },
        edgeCaddyPlugin(caddy, { askUrl: 'http://127.0.0.1:9/edge/ask', issuers: [{ module: 'internal' }] }),
      ],
    });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;

    const hosts = ['good1.example.test', 'good2.example.test', ...Object.keys(BAD)];
    const created: Array<{ id: string; hostname: string }> = (await post(`/v1/projects/${projectId}/domains`, { hostnames: hosts }).expect(200)).body.created;
    const em = portico.container.cradle.orm.em.fork();
    await em.nativeUpdate(Domain, { id: { $in: created.map((d) => d.id) } }, { status: 'verified', verifiedAt: new Date() });
    const domainOf = (host: string) => created.find((d) => d.hostname === host)!.id;

    const port = (upstream.address() as AddressInfo).port;
    const serviceOf = async (name: string) => (await post(`/v1/projects/${projectId}/services`, { name, upstreamHost: '127.0.0.1', upstreamPort: port }).expect(201)).body.id as string;
    const good = await serviceOf('good');
    const map = async (host: string, serviceId: string, basePath = '/') => {
      const mapping = (await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: domainOf(host), basePath, protocol: 'http' }).expect(201)).body;
      mappingIds.set(`${host}${basePath === '/' ? '' : basePath}`, mapping.id);
    };
    await map('good1.example.test', good);
    await map('good2.example.test', good);
    // Rows as an older Portico stored them: the service is created well, then its upstream is written as it was.
    for (const [host, upstreamHost] of Object.entries(BAD)) {
      const serviceId = await serviceOf(host.split('.')[0]!);
      await map(host, serviceId);
      await em.nativeUpdate(Service, { id: serviceId }, { upstreamHost });
    }
    // A bad service under a good host: the host keeps its good route.
    const shared = await serviceOf('shared');
    await map('good1.example.test', shared, '/evil');
    await em.nativeUpdate(Service, { id: shared }, { upstreamHost: 'a b' });
    await portico.container.cradle.routeTable.reload();
  }, 120_000);

  afterAll(async () => {
    await portico?.stop();
    await caddy?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  }, 120_000);

  it('serves the Traefik configuration without the bad routes', async () => {
    const res = await portico.http.get('/edge/traefik/config').set(bearer).expect(200);
    const config = JSON.stringify(res.body);
    expect(config).toContain('good1.example.test');
    expect(config).toContain('good2.example.test');
    for (const [host, upstreamHost] of Object.entries(BAD)) {
      expect(config).not.toContain(host);
      expect(config).not.toContain(JSON.stringify(upstreamHost).slice(1, -1));
    }
  });

  it('resolves every good host, and answers a bad host as routed nowhere, naming why', async () => {
    const resolve = (host: string, path: string) => portico.http.get('/edge/resolve').query({ host, path, scheme: 'http' }).set(bearer);
    expect((await resolve('good2.example.test', '/x').expect(200)).body).toMatchObject({ outcome: 'proxy' });
    const shared = (await resolve('good1.example.test', '/evil/x').expect(200)).body;
    expect(shared).toMatchObject({ outcome: 'proxy', basePath: '/', skipped: [{ basePath: '/evil', reason: 'invalid_upstream_host' }] });
    const bad = (await resolve('bad.example.test', '/').expect(404)).body;
    expect(bad).toMatchObject({ outcome: 'not_found', reason: 'unknown_host', skipped: [{ reason: 'invalid_upstream_host' }] });
  });

  it('previews a draft mapping to a bad service without failing, and shows each stored mapping’s deployment', async () => {
    const services = (await session.agent.get(`/v1/projects/${projectId}/services`).expect(200)).body.data as Array<{ id: string; name: string }>;
    const domains = (await session.agent.get(`/v1/projects/${projectId}/domains`).expect(200)).body.data as Array<{ id: string; hostname: string }>;
    const preview = await post(`/v1/projects/${projectId}/mappings:preview`, {
      serviceId: services.find((s) => s.name === 'bad')!.id,
      domainId: domains.find((d) => d.hostname === 'good2.example.test')!.id,
      subdomain: 'draft',
      protocol: 'http',
    }).expect(200);
    expect(preview.body.example).toMatchObject({ outcome: 'not_found', skipped: [{ reason: 'invalid_upstream_host' }] });

    const mappings = (await session.agent.get(`/v1/projects/${projectId}/mappings`).expect(200)).body.data as Array<{ id: string; deployment: { skipped: boolean; reason?: string } }>;
    const deploymentOf = (key: string) => mappings.find((m) => m.id === mappingIds.get(key))!.deployment;
    expect(deploymentOf('good1.example.test')).toEqual({ skipped: false });
    expect(deploymentOf('good1.example.test/evil')).toMatchObject({ skipped: true, reason: 'invalid_upstream_host', message: expect.any(String) });
    for (const [host, upstreamHost] of Object.entries(BAD)) expect(deploymentOf(host)).toMatchObject({ skipped: true, reason: REASONS[upstreamHost as keyof typeof REASONS] });
  });

  it('delivers the good routes to a real Caddy and lists the skipped mappings on the edge status', async () => {
    const { edgeService } = portico.container.cradle;
    const result = await edgeService.runReconcile('caddy-1');
    expect(result?.routes).toBe(2);
    expect((await httpGet(caddy.httpPort, 'good1.example.test', '/x')).body).toBe('upstream good1.example.test /x');
    expect((await httpGet(caddy.httpPort, 'good2.example.test', '/y')).body).toBe('upstream good2.example.test /y');
    expect((await httpGet(caddy.httpPort, 'good1.example.test', '/evil/z')).body).toBe('upstream good1.example.test /evil/z');
    expect((await httpGet(caddy.httpPort, 'bad.example.test', '/')).status).toBe(404);

    await edgeService.runReconcile('traefik-http');
    const statuses = await waitFor(() => edgeService.statuses(), (rows) => rows.every((row) => row.health === 'ok'), 50, 100);
    const skippedIds = [...mappingIds].filter(([key]) => !key.startsWith('good') || key.endsWith('/evil')).map(([, id]) => id).sort();
    for (const status of statuses) {
      expect(status.health).toBe('ok');
      expect(status.skipped.map((s) => s.mappingId).sort()).toEqual(skippedIds);
      expect(status.skipped.find((s) => s.host === 'meta.example.test')).toMatchObject({ reason: 'forbidden_upstream', basePath: '/' });
    }
  });
});
