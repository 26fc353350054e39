import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import getPort from 'get-port';
import { getMemoryDnsInstance } from '@portico/dns-memory';
import { requireCaddy, startCaddy, type Caddy } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { caddyEdge, edgeCaddyPlugin, httpGet } from './caddy-stack.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// A hostname verified by a file (`http-file`) stays live once its DNS points at the edge: the watch fetches
// `/.well-known/portico-challenge/<token>` from the hostname, which then reaches a real Caddy, and Caddy answers it
// from the route table (never the upstream, before the HTTP 404 of an HTTPS-only route). When the customer points
// DNS elsewhere, the watch fails there and the domain drifts as before.
//
// "DNS" is the in-process authoritative server: the hostname's A record names the loopback address the watch
// connects to. All web servers listen on the same port (the verifier's `port` option), each on its own address:
// the customer's own web server on 127.0.0.2, Caddy on 127.0.0.1, an unrelated server on 127.0.0.3.
const available = requireCaddy();
const ZONE = 'example.test';
const HOST = 'files.example.test';
const WATCH_CYCLES = 6;

/** Status and body only: what a web server answers for the hostname at `address`. */
async function get(address: string, port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  const { status, body } = await httpGet(port, host, path, address);
  return { status, body };
}

const listen = (server: Server, port: number, address: string) => new Promise<void>((resolve, reject) => (server.once('error', reject), server.listen(port, address, () => resolve())));
const close = (server: Server | undefined) => new Promise((resolve) => (server ? (server.closeAllConnections(), server.close(resolve)) : resolve(undefined)));

describe.skipIf(!available)('http-file domains live through a real Caddy', { timeout: 120_000 }, () => {
  let caddy: Caddy;
  let portico: TestPortico;
  let api: Server;
  let upstream: Server;
  let customer: Server;
  let elsewhere: Server;
  let token = '';
  const upstreamSaw: string[] = [];

  const point = (address: string) => getMemoryDnsInstance()!.zones.apply({ zone: ZONE, upsert: [{ name: HOST, type: 'A', ttl: 60, values: [address] }], remove: [] });
  const domainRow = async () => portico.container.cradle.orm.em.fork().findOneOrFail(Domain, { hostname: HOST });

  beforeAll(async () => {
    caddy = await startCaddy();
    const dnsPort = await getPort({ host: '127.0.0.1' });
    const askPort = await getPort({ host: '127.0.0.1' });
    upstream = createServer((req, res) => {
      upstreamSaw.push(req.url ?? '');
      res.end('from the upstream');
    });
    await listen(upstream, 0, '127.0.0.1');
    // The customer's own web server, where the file was published before the move.
    customer = createServer((req, res) => {
      const served = token !== '' && req.url === `/.well-known/portico-challenge/${token}`;
      res.statusCode = served ? 200 : 404;
      res.end(served ? token : 'not here');
    });
    await listen(customer, caddy.httpPort, '127.0.0.2');
    // Somewhere else the customer points DNS later: it serves no challenge file.
    elsewhere = createServer((_req, res) => {
      res.statusCode = 404;
      res.end('not here');
    });
    await listen(elsewhere, caddy.httpPort, '127.0.0.3');

    const rootFile = join(caddy.storageRoot, 'pki/authorities/local/root.crt');
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      edges: [caddyEdge(caddy, rootFile)],
      plugins: [
        { package: '@portico/dns-memory', options: { serve: { port: dnsPort }, zones: [{ name: ZONE, records: [{ name: HOST, type: 'A', values: ['127.0.0.2'] }] }] } },
        { package: '@portico/verify-http-file', options: { port: caddy.httpPort, allowPrivateAddresses: true, timeoutMs: 3000 } },
        edgeCaddyPlugin(caddy, { askUrl: `http://127.0.0.1:${askPort}/edge/ask`, issuers: [{ module: 'internal' }] }),
      ],
    });
    api = createServer(portico.app!.callback());
    await listen(api, askPort, '127.0.0.1');
  }, 120_000);

  afterAll(async () => {
    await close(api);
    await portico?.stop();
    await caddy?.stop();
    await Promise.all([close(upstream), close(customer), close(elsewhere)]);
  }, 120_000);

  /** One watch cycle: the `domain.verify` job with trigger `watch`, as the sweep runs it. */
  const watch = async () => {
    await portico.container.cradle.verificationService.run((await domainRow()).id, 'watch');
    return domainRow();
  };

  it('verified on the customer’s server, live through Caddy (HTTPS only), and still live after every watch cycle', async () => {
    const session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    const projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;

    const domain = (await post(`/v1/projects/${projectId}/domains`, { hostnames: [HOST], method: 'http-file' }).expect(200)).body.created[0];
    token = (await domainRow()).token;
    await post(`/v1/domains/${domain.id}/verify`, {}).expect(202);
    const verified = await waitFor(async () => (await session.agent.get(`/v1/domains/${domain.id}`)).body, (d) => d.status !== 'verifying', 100, 100);
    expect(verified.status, verified.statusMessage).toBe('verified');

    const port = (upstream.address() as AddressInfo).port;
    const service = (await post(`/v1/projects/${projectId}/services`, { name: 'files', upstreamHost: '127.0.0.1', upstreamPort: port }).expect(201)).body;
    await post(`/v1/projects/${projectId}/mappings`, { serviceId: service.id, domainId: domain.id, protocol: 'https' }).expect(201);
    const live = await waitFor(async () => (await session.agent.get(`/v1/domains/${domain.id}`)).body, (d) => d.status === 'live' || d.status === 'cert_failed', 200, 200);
    expect(live.status, `${live.statusMessage}\n${caddy.log()}`).toBe('live');

    // The customer points the hostname at the edge; the file on their own server is gone from the path now.
    point('127.0.0.1');
    const edge = await get('127.0.0.1', caddy.httpPort, HOST, `/.well-known/portico-challenge/${token}`);
    expect(edge).toEqual({ status: 200, body: token });
    expect((await get('127.0.0.1', caddy.httpPort, HOST, '/anything')).status).toBe(404);
    for (let cycle = 1; cycle <= WATCH_CYCLES; cycle++) {
      const after = await watch();
      expect({ cycle, status: after.status, misses: after.consecutiveMisses }).toEqual({ cycle, status: 'live', misses: 0 });
    }
    expect(upstreamSaw.some((url) => url.includes('portico-challenge'))).toBe(false);
    // Only the routed domain's own token: any other token on the path is not answered by the edge.
    expect((await get('127.0.0.1', caddy.httpPort, HOST, '/.well-known/portico-challenge/0123456789abcdef0123456789abcdef')).body).not.toBe('0123456789abcdef0123456789abcdef');
  });

  it('drifts once the customer points DNS elsewhere (a server without the file)', async () => {
    point('127.0.0.3');
    let status = (await domainRow()).status;
    for (let cycle = 1; cycle <= WATCH_CYCLES && status !== 'drifted'; cycle++) status = (await watch()).status;
    expect(status).toBe('drifted');
  });

  it('Caddy’s config carries the challenge of the routed hostname only', async () => {
    const config = JSON.stringify(await caddy.config());
    expect(config).toContain(`/.well-known/portico-challenge/${token}`);
    expect(await readFile(join(caddy.storageRoot, 'pki/authorities/local/root.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
