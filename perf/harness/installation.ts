// The installation the harness measures: a real Portico (role api, embedded PostgreSQL in a temp dir) seeded by
// seed-bench.ts, an upstream the bench services point at, an in-process DNS server for the bench zone (so the
// widget's hostname check is answered, not timed out), and — when Caddy is installed — a Caddy that routes to the
// upstream with the configuration edge.caddy renders from the route table. Everything is on 127.0.0.1, on free
// ports; `stop()` stops what was started, by handle or pid, and removes the temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCaddyConfig } from '@portico/edge-caddy/render';
import { freePort, isCi, requireCaddy, startCaddy, type Caddy } from '@portico/test-servers';
import pg from 'pg';
import { parseConfig } from '../../core/server/src/config/load-config.ts';
import { createLogger } from '../../core/server/src/logger.ts';
import { startPortico, type Portico } from '../../core/server/src/runtime.ts';
import type { Env } from '../scenarios/scenario.js';
import { growBench, seedBench, type BenchInstallation, type BenchOptions } from '../seed-bench.ts';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
/** `edgeApi.resolveToken`: `/edge/resolve` answers only with it. */
const EDGE_TOKEN = 'bench-edge-token-0123456789abcdef';

export interface Installation {
  hosts: number;
  /** What the scenarios are told (k6's `-e` variables). */
  env: Env;
  /** Whether Caddy runs (the proxy scenario needs it); `proxyMissing` says why not. */
  proxy: boolean;
  proxyMissing?: string;
  /** Seconds the last seed or growth took per step, and the route table's reload. */
  took: Record<string, number>;
  /** Adds hosts up to `hosts`, reloads the route table and, with Caddy, its configuration. */
  grow(hosts: number): Promise<void>;
  stop(): Promise<void>;
}

/** A bare HTTP server answering 200 with a few bytes: the upstream, and the proxy scenario's reference. */
async function startUpstream(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('upstream ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Whether the proxy scenario can run: Caddy installed. Missing, it is skipped with the reason; under CI=true
 * `requireCaddy` throws instead, so a CI run without Caddy fails.
 */
function caddyAvailable(): { ok: true } | { ok: false; reason: string } {
  return requireCaddy() ? { ok: true } : { ok: false, reason: `caddy is not installed (apt-get install caddy)${isCi ? '' : '; CI=true makes this an error'}` };
}

export async function startInstallation(options: Omit<BenchOptions, 'upstream' | 'protocol' | 'port'>): Promise<Installation> {
  const available = caddyAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-'));
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error: unknown) => console.error('bench: error while stopping', error));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const upstream = await startUpstream();
    stops.push(() => new Promise((resolve) => upstream.close(resolve)));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const dnsPort = await freePort({ udp: true });
    const config = parseConfig(
      {
        seedDemo: false,
        http: { host: '127.0.0.1', port: 0 },
        database: { embedded: { dataDir: join(dir, 'postgres'), port: 0 } },
        secrets: { keyFile: join(dir, 'secret-keys.json') },
        dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
        edgeApi: { resolveToken: EDGE_TOKEN },
        plugins: [{ package: '@portico/verify-dns-txt' }, { package: '@portico/dns-memory', options: { serve: { port: dnsPort }, zones: [{ name: 'bench.test' }] } }],
      },
      {},
      'bench',
    );
    const portico: Portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: 'error' }), role: 'api' });
    stops.push(() => portico.stop());
    const db = new pg.Client({ connectionString: portico.databaseUrl });
    await db.connect();
    stops.push(() => db.end());

    let caddy: Caddy | undefined;
    if (available.ok) {
      caddy = await startCaddy();
      stops.push(() => caddy!.stop());
    }
    // `both`: served over plain HTTP by the proxy (no certificates in a bench) and granted certificates by the gate.
    let seeded: BenchInstallation = await seedBench(portico, db, { ...options, upstream: { host: '127.0.0.1', port: upstreamPort }, protocol: 'both' });
    const { routeTable } = portico.container.cradle;
    const took: Record<string, number> = {};
    const settle = async () => {
      const start = process.hrtime.bigint();
      await routeTable.reload();
      Object.assign(took, seeded.took, { reload: Number((Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)) });
      if (caddy) {
        const start = process.hrtime.bigint();
        await caddy.load(
          renderCaddyConfig([...routeTable.routes()], {
            adminListen: caddy.adminListen,
            httpPort: caddy.httpPort,
            httpsPort: caddy.httpsPort,
            listenAddresses: ['127.0.0.1'],
            askUrl: `${portico.url}/edge/ask`,
            issuers: [{ module: 'internal' }],
            storageRoot: caddy.storageRoot,
            redirectStatus: 308,
          }),
        );
        took.proxyLoad = Number((Number(process.hrtime.bigint() - start) / 1e9).toFixed(2));
      }
    };
    await settle();

    const installation: Installation = {
      hosts: seeded.hosts,
      env: {
        BASE_URL: portico.url,
        UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}`,
        ...(caddy ? { PROXY_URL: `http://127.0.0.1:${caddy.httpPort}` } : {}),
        EMAIL: seeded.owner.email,
        PASSWORD: seeded.owner.password,
        ORGANIZATION: seeded.organizationSlug,
        HOSTS: String(seeded.hosts),
        EDGE_TOKEN,
      },
      proxy: caddy !== undefined,
      ...(available.ok ? {} : { proxyMissing: available.reason }),
      took,
      async grow(hosts) {
        seeded = await growBench(db, seeded, hosts);
        await settle();
        installation.hosts = hosts;
        installation.env.HOSTS = String(hosts);
      },
      stop,
    };
    return installation;
  } catch (error) {
    await stop();
    throw error;
  }
}
