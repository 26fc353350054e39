import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createAuthoritativeLookup, createDnsLookup, createKernel, type DnsLookup, type Kernel } from '@portico/kernel';
import type { AwilixContainer } from 'awilix';
import type Koa from 'koa';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import { AppError } from './errors/app-error.ts';
import { createSecretBox, ensureLocalKeyFile, loadSecretKeys } from './modules/credentials/crypto.ts';
import type { PorticoConfig } from './config/schema.ts';
import { importPlugins } from './config/load-plugins.ts';
import { buildContainer, type Cradle } from './container.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.ts';
import { openDatabase } from './db/orm.ts';
import { countUsers, seedDemo, type DemoSeed } from './db/seed.ts';
import { startBoss } from './jobs/boss.ts';
import { startWorkers } from './jobs/workers.ts';
import { installBilling } from './modules/plans/billing.ts';
import { portInUseError } from './port-in-use.ts';

/** `cli`: database, plugins and route table for one command (`portico edges …`); no API, no workers, no queued syncs. */
export type Role = 'api' | 'worker' | 'all' | 'cli';

export interface Portico {
  container: AwilixContainer<Cradle>;
  app?: Koa;
  server?: Server;
  /** http://host:port when the API listens. */
  url?: string;
  databaseUrl: string;
  /** The demo seed when `seedDemo` is on (its login is printed at start). */
  demo?: DemoSeed;
  /** No user exists yet: start-up prints how to create the first owner. */
  needsOwner: boolean;
  stop(): Promise<void>;
}

/** The DNS lookup plugins get: authoritative servers by default, or the configured servers as they are. */
function dnsLookup(dns: PorticoConfig['dns']): DnsLookup {
  const { servers, timeoutMs, tries } = dns;
  return dns.mode === 'resolver'
    ? createDnsLookup({ servers, timeoutMs, tries })
    : createAuthoritativeLookup({ resolvers: servers, timeoutMs, tries, nameserverPort: dns.nameserverPort, zoneCacheMs: dns.zoneCacheMs });
}

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Bring Portico up: database (embedded when no URL is configured), migrations, plugins, job queue, then the
 * API and/or the workers. `stop()` takes everything down in reverse order, the embedded PostgreSQL included.
 * When `signal` aborts during start-up (a stop signal, a crash elsewhere), start-up stops what it has started
 * and rejects with the abort reason.
 */
export async function startPortico(options: { config: PorticoConfig; baseDir: string; logger: Logger; role?: Role; listen?: boolean; signal?: AbortSignal }): Promise<Portico> {
  const { config, logger } = options;
  const role = options.role ?? 'all';
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) {
      await fn().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
    }
  };
  const step = () => options.signal?.throwIfAborted();
  try {
    step();
    let embedded: EmbeddedDatabase | undefined;
    if (!config.database.url) {
      logger.info({ dataDir: config.database.embedded.dataDir }, 'starting embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ ...config.database.embedded, onNotice: (message, details) => logger.warn(details, message) });
      stops.push(() => embedded!.stop());
    }
    step();
    const databaseUrl = config.database.url ?? embedded!.url;
    const orm: MikroORM = await openDatabase(databaseUrl);
    stops.push(() => orm.close(true));
    step();

    // Keys before anything else touches credentials: a bad key configuration stops start-up, naming its source.
    const keyring = (await loadSecretKeys(process.env)) ?? (await ensureLocalKeyFile(resolve(options.baseDir, config.secrets.keyFile)));
    const secretBox = createSecretBox(keyring);
    const dns = dnsLookup(config.dns);
    const kernel: Kernel = createKernel({
      services: {
        logger,
        fetch: globalThis.fetch,
        dns,
        secrets: { get: async (name) => process.env[`PORTICO_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] },
      },
    });
    stops.push(() => kernel.close());
    await kernel.registerAll(await importPlugins(config.plugins, options.baseDir));
    step();
    for (const edge of config.edges) {
      if (!kernel.descriptors.edges.some((d) => d.edge === edge.edge)) {
        const available = kernel.descriptors.edges.map((d) => d.edge).join(', ') || 'none';
        throw new AppError('CONFIG_INVALID', `edges: "${edge.id}" names edge "${edge.edge}", which no enabled plugin renders (enabled: ${available})`, { field: 'edges' });
      }
      try {
        kernel.parseEdgeTarget(edge.edge, edge.target);
      } catch (error) {
        throw new AppError('CONFIG_INVALID', `edges: "${edge.id}": ${(error as Error).message}`, { field: 'edges', edge: edge.id });
      }
    }

    const boss: PgBoss = await startBoss(databaseUrl, logger, config.edges.map((edge) => edge.id));
    stops.push(() => boss.stop({ graceful: true, timeout: 10_000 }));

    const container = buildContainer({ config, logger, orm, boss, kernel, dns, secretBox, version: VERSION });
    await installBilling(container, config.plans.billing, options.baseDir, logger);
    // Resolved now: it attaches the outbox to the ORM (every event row sends its job), and stops the live feed.
    const { eventService } = container.cradle;
    stops.push(() => eventService.stop());
    const demo = config.seedDemo ? (await seedDemo(orm)).seed : undefined;
    const portico: Portico = { container, databaseUrl, demo, needsOwner: (await countUsers(orm)) === 0, stop };
    step();

    // Every role keeps a route table: the API answers the edges from it, workers render it for them.
    const { routeTable, edgeService } = container.cradle;
    if (role === 'cli') {
      await routeTable.reload();
      return portico;
    }
    routeTable.onChange(() => void edgeService.requestSync().catch((error: unknown) => logger.warn({ err: error }, 'could not queue edge reconcile')));
    await routeTable.start(databaseUrl);
    stops.push(() => routeTable.stop());
    if (config.edges.length > 0) await edgeService.requestSync();
    step();
    if (role !== 'api') await startWorkers(container.cradle);
    if (role !== 'worker') {
      portico.app = createApp(container);
      if (options.listen !== false) {
        const server = createServer(portico.app.callback());
        await new Promise<void>((resolve, reject) => {
          server.once('error', (error: NodeJS.ErrnoException) =>
            reject(error.code === 'EADDRINUSE' ? portInUseError('The API cannot listen', config.http.host, config.http.port, 'tcp', 'Stop that process, or set PORT (0: any free port).') : error),
          );
          server.listen(config.http.port, config.http.host, resolve);
        });
        stops.push(
          () =>
            new Promise((resolve) => {
              server.close(resolve);
              // Idle keep-alive connections close now; a request still running gets a few seconds to finish.
              server.closeIdleConnections();
              setTimeout(() => server.closeAllConnections(), 5000).unref();
            }),
        );
        const { address, port } = server.address() as AddressInfo;
        portico.server = server;
        portico.url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
      }
    }
    step();
    return portico;
  } catch (error) {
    await stop();
    throw error;
  }
}
