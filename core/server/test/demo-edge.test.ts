import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCaddy } from '@portico/test-servers';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { startDemo, type DemoPortico } from '../src/demo/index.ts';
import { startLocalEdge } from '../src/demo/local-edge.ts';
import { freeUdpTcpPort } from '../src/free-port.ts';
import { demoTestConfig } from './demo-config.ts';
import { collectingLogger, createTestDatabase, waitFor } from './helpers.ts';

// The demo's managed local edge: Portico starts Caddy itself (local CA), and a domain the customer connects through
// the widget on the demo page — ownership TXT written in PretendDNS — is mapped to the demo app as the widget's default
// service and answers over HTTPS through that Caddy. Stopping Portico stops Caddy. Without Caddy the suite is
// skipped locally (requireCaddy prints why) and fails under CI=true.
const available = requireCaddy();
const ZONE = 'demo.portico.test';
const HOST = `shop.${ZONE}`;

/** GET / from 127.0.0.1:`port` with SNI and Host `host`, verified against `ca`. */
function httpsGet(port: number, host: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', servername: host, headers: { host }, ca, agent: false, timeout: 8000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!available)('demo local edge (real Caddy)', { timeout: 120_000 }, () => {
  let portico: DemoPortico;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-demo-edge-'));
    const dnsPort = await freeUdpTcpPort('127.0.0.1');
    const { logger } = collectingLogger();
    const config = demoTestConfig({ dir, dnsPort, zone: ZONE });
    config.database.url = await createTestDatabase();
    portico = await startDemo({ config, baseDir: dir, logger });
  }, 120_000);
  afterAll(async () => {
    await portico?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('serves a domain connected through the widget over HTTPS from the local CA, then stops Caddy with Portico', async () => {
    const site = portico.site!;
    const edge = site.edge;
    if (edge.kind !== 'caddy') throw new Error(`expected the local Caddy, got ${JSON.stringify(edge)}`);
    expect(edge.caRootFile).toMatch(/pki\/authorities\/local\/root\.crt$/);
    const ca = readFileSync(edge.caRootFile, 'utf8');

    // The demo page's backend hands out the token; the widget calls Portico from the page's origin.
    const page = supertest(site.origin);
    const { token } = (await page.post('/api/widget-token').send({}).expect(200)).body as { token: string };
    const api = supertest(portico.url!);
    const widget = (method: 'get' | 'post', path: string) => api[method](path).set('authorization', `Bearer ${token}`).set('origin', site.origin);
    const session = (await widget('get', '/v1/widget/session').expect(200)).body as { organizationId: string; projectId: string; defaultServiceConfigured: boolean };
    expect(session.defaultServiceConfigured).toBe(true);

    const added = await widget('post', `/v1/organizations/${session.organizationId}/domains`).send({ hostname: HOST, projectId: session.projectId });
    expect(added.status, JSON.stringify(added.body)).toBeLessThan(300);
    const domain = added.body as { id: string; instructions: Array<{ type: string; name: string; value: string }> };
    const challenge = domain.instructions.find((i) => i.type === 'TXT')!;

    // The customer adds the ownership record in their DNS provider's panel.
    const name = challenge.name.slice(0, -(ZONE.length + 1));
    await page.post('/dns-panel/records').type('form').send({ name, type: 'TXT', value: challenge.value, ttl: '60' }).expect(302);
    await widget('post', `/v1/domains/${domain.id}/verify`).send({}).expect(202);

    const live = await waitFor(
      async () => (await widget('get', `/v1/domains/${domain.id}`)).body as { status: string; statusMessage?: string },
      (d) => ['live', 'cert_failed', 'failed'].includes(d.status),
      300,
      200,
    );
    expect(live.status, `${live.statusMessage}\n${JSON.stringify(await portico.container.cradle.edgeService.statuses())}`).toBe('live');

    const answer = await httpsGet(edge.httpsPort, HOST, ca);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`Acme Sites — hello from ${HOST}`);

    await portico.stop();
    expect(isRunning(edge.pid)).toBe(false);
    // Everything else stopped too: the API, the demo page and the demo app.
    for (const url of [`${portico.url}/readyz`, site.pageUrl, site.appUrl]) await expect(fetch(url)).rejects.toThrow();
  });
});

describe.skipIf(!available)('the managed Caddy process', () => {
  it('logs a Caddy that exits on its own, and stop() still resolves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portico-demo-caddy-'));
    const { logger, logs } = collectingLogger();
    const edge = (await startLocalEdge({ dir, httpPort: 0, httpsPort: 0, logger }))!;
    try {
      expect(existsSync(edge.caRootFile)).toBe(true);
      expect(edge.storageRoot.startsWith(dir)).toBe(true);
      process.kill(edge.pid, 'SIGKILL');
      await waitFor(async () => logs.join(''), (text) => text.includes('the demo edge (Caddy) exited'), 100, 50);
      expect(logs.join('')).toContain('the demo edge (Caddy) exited');
    } finally {
      await edge.stop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(isRunning(edge.pid)).toBe(false);
  }, 60_000);

  it('finds no Caddy where PORTICO_CADDY names no executable', async () => {
    const { logger } = collectingLogger();
    expect(await startLocalEdge({ dir: join(tmpdir(), 'unused'), httpPort: 0, httpsPort: 0, logger, env: { PORTICO_CADDY: '/nonexistent/caddy', PATH: process.env.PATH } })).toBeUndefined();
  });
});

describe('demo without Caddy', () => {
  it('skips the edge when demo.localEdge is off', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portico-demo-off-'));
    const { logger } = collectingLogger();
    const config = parseConfig(
      { seedDemo: true, http: { port: 0 }, secrets: { keyFile: join(dir, 'keys.json') }, demo: { hostPage: { port: 0 }, localEdge: 'off' } },
      {},
      'test',
    );
    config.database.url = await createTestDatabase();
    const portico = await startDemo({ config, baseDir: dir, logger });
    try {
      expect(portico.site?.edge).toEqual({ kind: 'off', reason: 'demo.localEdge is off' });
      expect(portico.container.cradle.config.edges).toEqual([]);
    } finally {
      await portico.stop();
    }
  }, 60_000);
});
