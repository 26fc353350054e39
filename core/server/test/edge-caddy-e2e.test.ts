import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import getPort from 'get-port';
import { getMemoryDnsInstance } from '@portico/dns-memory';
import { requireCaddy, requirePebble, type Caddy, type Pebble } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Certificate } from '../src/modules/certificates/entity.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { caddyEdge, edgeCaddyPlugin, httpGet, httpsGet, startCaddyWithPebble } from './caddy-stack.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// End to end: a domain verified in Portico and mapped (base path, strip on) to a local upstream is
// served over HTTPS by a real Caddy, which gets its certificate on demand from a real Pebble (real HTTP-01 /
// TLS-ALPN-01 validation, names resolved by the in-process authoritative DNS), gated by Portico's /edge/ask; the
// domain reaches `live` through Portico's own HTTPS probe.
const available = requireCaddy() && requirePebble();
const ZONE = 'example.test';
const HOST = 'app.shop.example.test';

describe.skipIf(!available)('Caddy + Pebble end to end', { timeout: 60_000 }, () => {
  let caddy: Caddy;
  let pebble: Pebble;
  let portico: TestPortico;
  let api: Server;
  let upstream: Server;
  let root: string;
  const seen: Array<{ host?: string; url?: string }> = [];

  const https = (host: string, path: string) => httpsGet(caddy.httpsPort, host, path, root);
  const http = (host: string, path: string) => httpGet(caddy.httpPort, host, path);

  beforeAll(async () => {
    const dnsPort = await getPort({ host: '127.0.0.1' });
    const askPort = await getPort({ host: '127.0.0.1' });
    upstream = createServer((req, res) => {
      seen.push({ host: req.headers.host, url: req.url });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url }));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    let listenerCa: string, rootFile: string;
    ({ caddy, pebble, root, listenerCa, rootFile } = await startCaddyWithPebble(`127.0.0.1:${dnsPort}`, 'e2e'));
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      edges: [caddyEdge(caddy, rootFile)],
      plugins: [
        {
          package: '@portico/dns-memory',
          options: { serve: { port: dnsPort }, zones: [{ name: ZONE, records: [{ name: HOST, type: 'A', values: ['127.0.0.1'] }] }] },
        },
        { package: '@portico/verify-dns-txt' },
        edgeCaddyPlugin(caddy, { askUrl: `http://127.0.0.1:${askPort}/edge/ask`, issuers: [{ module: 'acme', ca: pebble.directoryUrl, trustedRootsPemFiles: [listenerCa] }] }),
      ],
    });
    api = createServer(portico.app!.callback());
    await new Promise<void>((r) => api.listen(askPort, '127.0.0.1', r));
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => api?.close(r));
    await portico?.stop();
    await caddy?.stop();
    await pebble?.stop();
    await new Promise((r) => upstream?.close(r));
  }, 120_000);

  it('verified + mapped → deploying → live; HTTPS through Caddy reaches the upstream with the base path stripped', async () => {
    const session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    const projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;

    const domain = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['shop.example.test'] }).expect(200)).body.created[0];
    const [challenge] = domain.instructions;
    getMemoryDnsInstance()!.zones.apply({ zone: ZONE, upsert: [{ name: challenge.name, type: 'TXT', ttl: 60, values: [challenge.value] }], remove: [] });
    await post(`/v1/domains/${domain.id}/verify`, {}).expect(202);
    expect((await waitFor(async () => (await session.agent.get(`/v1/domains/${domain.id}`)).body, (d) => d.status !== 'verifying')).status).toBe('verified');

    const port = (upstream.address() as AddressInfo).port;
    const service = (await post(`/v1/projects/${projectId}/services`, { name: 'app', upstreamHost: '127.0.0.1', upstreamPort: port }).expect(201)).body;
    await post(`/v1/projects/${projectId}/mappings`, { serviceId: service.id, domainId: domain.id, subdomain: 'app', basePath: '/api', protocol: 'redirect-to-https' }).expect(201);

    const live = await waitFor(
      async () => (await session.agent.get(`/v1/domains/${domain.id}`)).body,
      (d) => d.status === 'live' || d.status === 'cert_failed',
      200,
      200,
    );
    expect(live.status, `${live.statusMessage}\n${JSON.stringify(await portico.container.cradle.edgeService.statuses())}\n${JSON.stringify(await caddy.config())}`).toBe('live');
    const events = (await session.agent.get(`/v1/domains/${domain.id}/events`)).body.data.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`);
    expect(events.slice(-2)).toEqual(['deploying:routes_deployed', 'live:probe_passed']);

    const answer = await https(HOST, '/api/users/7?expand=1');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ url: '/users/7?expand=1' });
    expect(seen.at(-1)?.url).toBe('/users/7?expand=1');

    const certificate = await portico.container.cradle.orm.em.fork().findOneOrFail(Certificate, { hostname: HOST });
    expect(certificate).toMatchObject({ status: 'active', source: 'edge:caddy-1' });
    expect(certificate.issuer).toMatch(/Pebble/);
    expect(certificate.notAfter!.getTime()).toBeGreaterThan(Date.now());
  });

  it('redirects HTTP to HTTPS keeping path and query (308)', async () => {
    const answer = await http(HOST, '/api/x?y=1');
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe(`https://${HOST}:${caddy.httpsPort}/api/x?y=1`);
  });

  it('fails the TLS handshake for a host Portico does not allow', async () => {
    const error = await https('evil.example.test', '/').then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error).toBeDefined();
    expect(error!.message).not.toBe('timeout');
    expect(seen.some((s) => s.host?.startsWith('evil'))).toBe(false);
  });

  it('reports domains, certificates, expiry and reconciles in /metrics', async () => {
    const text = (await portico.http.get('/metrics').expect(200)).text;
    const value = (name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('portico_domains{status="live"}')).toBe(1);
    expect(value('portico_certificates{status="active"}')).toBe(1);
    expect(value('portico_certificate_earliest_expiry_seconds')).toBeGreaterThan(86_400);
    expect(value('portico_certificates_expiring_14d')).toBe(0);
    expect(value('portico_edge_reconcile_duration_seconds_count{edge="caddy-1"}')).toBeGreaterThanOrEqual(2);
    expect(value('portico_edge_ask_requests_total{answer="allowed"}')).toBeGreaterThanOrEqual(1);
    expect(value('portico_edge_ask_requests_total{answer="denied"}')).toBeGreaterThanOrEqual(1);
  });

  it('a disabled domain stops being allowed a certificate', async () => {
    const em = portico.container.cradle.orm.em.fork();
    const domain = await em.findOneOrFail(Domain, { hostname: 'shop.example.test' });
    await em.nativeUpdate(Domain, { id: domain.id }, { status: 'disabled' });
    const status = await waitFor(async () => (await portico.http.get('/edge/ask').query({ domain: HOST })).status, (s) => s === 404, 50, 50);
    expect(status).toBe(404);
  });
});
