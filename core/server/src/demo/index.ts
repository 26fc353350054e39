/**
 * Demo mode around Portico (`npm start` with `seedDemo`): what a newcomer needs to watch a domain go from the
 * widget to live on one machine.
 *
 * - the pretend SaaS "Acme Sites": its settings page embedding the widget with one script tag, its backend issuing
 *   widget tokens for the customer `demo-customer` (host-page.ts), on a second origin the demo project allows;
 * - PretendDNS, the panel standing in for the customer's DNS provider (dns-panel.ts), on the same origin;
 * - the SaaS's app (demo-app.ts): the demo project's service and the widget's default service;
 * - when Caddy is installed, a local Caddy as the edge (local-edge.ts), certificates from its local CA.
 *
 * ```ts
 * const portico = await startDemo({ config, baseDir, logger, signal });
 * portico.site?.pageUrl;      // 'http://127.0.0.1:8781/'
 * portico.site?.dnsPanelUrl;  // 'http://127.0.0.1:8781/dns-panel'
 * portico.site?.edge;         // { kind: 'caddy', httpsPort, caRootFile, … } | { kind: 'missing', hint } | { kind: 'off', reason }
 * await portico.stop();       // host page, demo app, Portico (plugins, database), Caddy: everything it started
 * ```
 *
 * Without `seedDemo`, or for a role other than `all`, it is `startPortico` and nothing more.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import type { Logger } from 'pino';
import type { MemoryZones } from '@portico/dns-memory';
import type { PorticoConfig } from '../config/schema.ts';
import { startPortico, type Portico, type Role } from '../runtime.ts';
import { startDemoApp } from './demo-app.ts';
import { dnsPanelRoutes } from './dns-panel.ts';
import { createHostPageApp, startHostPage } from './host-page.ts';
import { CADDY_MISSING_HINT, startLocalEdge, type LocalEdge } from './local-edge.ts';
import { findDemoProject, issueDemoToken, prepareDemoProject } from './setup.ts';

export { CADDY_MISSING_HINT } from './local-edge.ts';
export { DEMO_CUSTOMER_REF, DEMO_SERVICE_NAME } from './setup.ts';

/** The id of the local Caddy in `edges` (jobs, metrics and logs use it). */
export const DEMO_EDGE_ID = 'demo-caddy';
const DEFAULT_ZONE = 'demo.portico.test';

export interface StartDemoOptions {
  config: PorticoConfig;
  /** The config file's folder: `.portico/caddy` and plugin paths are relative to it. */
  baseDir: string;
  logger: Logger;
  role?: Role;
  /** Aborting it during start-up stops what was started and rejects with its reason. */
  signal?: AbortSignal;
  /** Where `PORTICO_CADDY` and `PATH` are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The built widget (its `manifest.json`); default `widget.distDir`, else the `@portico/widget` package's `dist/`. */
  widgetDistDir?: string;
}

export type DemoEdge =
  | { kind: 'caddy'; pid: number; adminUrl: string; httpPort: number; httpsPort: number; caRootFile: string }
  | { kind: 'missing'; hint: string }
  | { kind: 'failed'; message: string }
  | { kind: 'off'; reason: string };

export interface DemoSite {
  /** The pretend SaaS's settings page: the first thing a newcomer opens. */
  pageUrl: string;
  /** Its origin, which the demo project allows to run the widget. */
  origin: string;
  dnsPanelUrl: string;
  /** The zone PretendDNS edits. */
  zone: string;
  /** The SaaS's app (the demo project's service). */
  appUrl: string;
  edge: DemoEdge;
}

export interface DemoPortico extends Portico {
  /** Set when the demo parts run (seedDemo, role `all`). */
  site?: DemoSite;
}

/** Where the API serves the widget from (the same folder, so the page's integrity matches the file served). */
function widgetDistOf(config: PorticoConfig): string {
  if (config.widget.distDir) return resolve(config.widget.distDir);
  return join(dirname(fileURLToPath(import.meta.resolve('@portico/widget/package.json'))), 'dist');
}

export async function startDemo(options: StartDemoOptions): Promise<DemoPortico> {
  const { logger } = options;
  const role = options.role ?? 'all';
  if (!options.config.seedDemo || role !== 'all') return startPortico(options);

  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const fn of stops.splice(0).reverse()) await fn().catch((error: unknown) => logger.error({ err: error }, 'error during demo shutdown'));
  };
  const step = () => options.signal?.throwIfAborted();
  try {
    const config = structuredClone(options.config);
    const apiHost = loopbackOf(config.http.host);
    const memory = memoryPluginOf(config);

    let edge: DemoEdge;
    let localEdge: LocalEdge | undefined;
    if (config.demo.localEdge === 'off') edge = { kind: 'off', reason: 'demo.localEdge is off' };
    else if (config.plugins.some((p) => p.enabled && /edge-caddy/.test(p.package)) || config.edges.length > 0) edge = { kind: 'off', reason: 'the config names its own edges' };
    else {
      const plugin = edgeCaddyPackage();
      let failure: string | undefined;
      try {
        localEdge = plugin
          ? await startLocalEdge({ dir: resolve(options.baseDir, '.portico/caddy'), httpPort: config.demo.edgeHttpPort, httpsPort: config.demo.edgeHttpsPort, logger, env: options.env })
          : undefined;
      } catch (error) {
        // A Caddy that does not come up leaves the demo without an edge, like a missing one; the log has its output.
        failure = (error as Error).message;
        logger.error({ err: error }, 'the demo edge (Caddy) did not start');
      }
      if (failure) edge = { kind: 'failed', message: failure.split('\n')[0] };
      else if (!localEdge || !plugin) edge = { kind: 'missing', hint: CADDY_MISSING_HINT };
      else {
        stops.push(() => localEdge!.stop());
        // Caddy asks Portico before each certificate, so the API's port must be known before plugins are registered.
        if (config.http.port === 0) config.http.port = await getPort({ host: apiHost });
        config.plugins.push({
          package: plugin,
          enabled: true,
          options: {
            askUrl: `http://${apiHost}:${config.http.port}/edge/ask`,
            adminListen: localEdge.adminListen,
            httpPort: localEdge.httpPort,
            httpsPort: localEdge.httpsPort,
            listenAddresses: ['127.0.0.1'],
            storageRoot: localEdge.storageRoot,
            issuers: [{ module: 'internal' }],
          },
        });
        config.edges.push({
          id: DEMO_EDGE_ID,
          edge: 'caddy',
          probe: { connect: `127.0.0.1:${localEdge.httpsPort}`, caFile: localEdge.caRootFile, timeoutMs: 5000, attempts: 30, intervalSeconds: 2 },
        });
        const { pid, adminUrl, httpPort, httpsPort, caRootFile } = localEdge;
        edge = { kind: 'caddy', pid, adminUrl, httpPort, httpsPort, caRootFile };
      }
    }
    if (edge.kind === 'missing') logger.warn({ hint: edge.hint }, 'Caddy is not installed: the demo runs without an edge, and its domains stop at "verified"');
    step();

    const app = await startDemoApp('127.0.0.1', 0);
    stops.push(() => app.stop());
    step();

    const portico: DemoPortico = await startPortico({ ...options, config });
    // Portico's own stop, kept before `portico.stop` becomes the stop of everything.
    const stopPortico = portico.stop;
    stops.push(() => stopPortico());
    step();

    const deps = portico.container.cradle;
    const demo = portico.demo && (await findDemoProject(deps, portico.demo));
    if (!demo) {
      logger.warn('the demo organization or project is gone: the demo page is not served');
      return Object.assign(portico, { stop: stopAll });
    }
    const zones = await memoryZones(memory.id);
    const porticoUrl = config.http.publicUrl ?? `http://${apiHost}:${new URL(portico.url!).port}`;
    const hostApp = createHostPageApp({
      porticoUrl,
      widgetDistDir: options.widgetDistDir ?? widgetDistOf(config),
      issueToken: (ttlSeconds) => issueDemoToken(deps, demo, { ttlSeconds }),
      routes: (router) => dnsPanelRoutes(router, { zones, zone: memory.zone }),
    });
    const page = await startHostPage(hostApp, apiHost, config.demo.hostPage.port);
    stops.push(() => page.stop());
    await prepareDemoProject(deps, demo, { appHost: '127.0.0.1', appPort: app.port, pageOrigin: page.origin });
    step();

    portico.site = { pageUrl: `${page.origin}/`, origin: page.origin, dnsPanelUrl: `${page.origin}/dns-panel`, zone: memory.zone, appUrl: app.url, edge };
    portico.stop = stopAll;
    return portico;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Where people on this machine reach a server listening on `host`. */
function loopbackOf(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

/** The dns.memory plugin's instance id and the zone the panel edits (its first configured zone). */
function memoryPluginOf(config: PorticoConfig): { id: string; zone: string } {
  const entry = config.plugins.find((p) => p.enabled && /dns-memory/.test(p.package));
  const options = (entry?.options ?? {}) as { id?: string; zones?: Array<{ name?: string }> };
  return { id: options.id ?? 'default', zone: (options.zones?.[0]?.name ?? DEFAULT_ZONE).toLowerCase().replace(/\.$/, '') };
}

/** The edge.caddy plugin's entry file, by absolute path (the config's folder may not see the workspace packages). */
function edgeCaddyPackage(): string | undefined {
  try {
    return fileURLToPath(import.meta.resolve('@portico/edge-caddy'));
  } catch {
    return undefined;
  }
}

/** The running dns.memory instance's zones, looked up on each use (undefined when the plugin is not enabled). */
async function memoryZones(id: string): Promise<() => MemoryZones | undefined> {
  try {
    const { getMemoryDnsInstance } = await import('@portico/dns-memory');
    return () => getMemoryDnsInstance(id)?.zones;
  } catch {
    return () => undefined;
  }
}

/** The start-up banner's demo lines: the page to open first, the DNS panel, and the edge (or how to get one). */
export function demoBannerLines(site: DemoSite): string[] {
  const lines = [
    `  Demo SaaS page (start here): ${site.pageUrl}   ("Connect a domain" opens the widget)`,
    `  PretendDNS, the customer's DNS panel: ${site.dnsPanelUrl}   (zone ${site.zone})`,
  ];
  const { edge } = site;
  if (edge.kind === 'caddy') {
    lines.push(`  Demo edge: Caddy (pid ${edge.pid}) serves live demo domains on https://127.0.0.1:${edge.httpsPort} (http: ${edge.httpPort}); its local CA root: ${edge.caRootFile}`);
    lines.push(`    curl --cacert ${edge.caRootFile} --resolve shop.${site.zone}:${edge.httpsPort}:127.0.0.1 https://shop.${site.zone}:${edge.httpsPort}/`);
  } else if (edge.kind === 'missing') {
    lines.push(`  No demo edge: Caddy is not installed; ${edge.hint}. Until then demo domains stop at "verified".`);
  } else if (edge.kind === 'failed') {
    lines.push(`  No demo edge: Caddy did not start (${edge.message}). Demo domains stop at "verified".`);
  } else {
    lines.push(`  No demo edge started: ${edge.reason}.`);
  }
  return lines;
}
