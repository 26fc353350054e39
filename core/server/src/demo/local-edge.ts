/**
 * The demo's edge: a Caddy child process Portico starts, configures through the edge.caddy plugin and stops with
 * itself. Certificates come from Caddy's local CA (`internal` issuer), whose root people trust or pass to
 * `curl --cacert`. Without a Caddy binary the demo runs on without an edge and stops at `verified`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import getPort from 'get-port';
import type { Logger } from 'pino';

/** How to get Caddy, for the banner and the log when it is missing. */
export const CADDY_MISSING_HINT = 'install Caddy (apt-get install caddy, or https://caddyserver.com/docs/install) or set PORTICO_CADDY to its path';

/** Longest wait for Caddy to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;
const READY_TIMEOUT_MS = 15_000;
const LOG_LIMIT = 16_384;

export interface LocalEdgeOptions {
  /** Folder for Caddy's config, data (`storageRoot`, the local CA) and XDG dirs; created when missing. */
  dir: string;
  /** Wanted ports; when one is taken (or 0) a free one is used. */
  httpPort: number;
  httpsPort: number;
  logger: Logger;
  /** Where to look for the binary: `PORTICO_CADDY` (a path) or `PATH`. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalEdge {
  binary: string;
  pid: number;
  /** `127.0.0.1:<port>`: `admin.listen` of every config pushed to it. */
  adminListen: string;
  adminUrl: string;
  httpPort: number;
  httpsPort: number;
  /** `storage.root`: certificates, and the local CA under `pki/authorities/local/`. */
  storageRoot: string;
  /** The local CA's root certificate (PEM): trust it, or `curl --cacert` it. */
  caRootFile: string;
  /** Caddy's recent output. */
  log(): string;
  /** SIGTERM, SIGKILL after a bound; resolves once the process is gone. Safe to call twice. */
  stop(): Promise<void>;
}

/** The Caddy binary: `PORTICO_CADDY` when set (undefined when it is not executable), else `caddy` on PATH. */
export function findCaddy(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (env.PORTICO_CADDY) return executable(env.PORTICO_CADDY) ? env.PORTICO_CADDY : undefined;
  for (const folder of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(folder, 'caddy');
    if (executable(file)) return file;
  }
  return undefined;
}

/** The configuration Caddy starts with: the admin API on loopback, storage in `storageRoot`, the local CA ready. */
function initialConfig(adminListen: string, storageRoot: string) {
  return {
    admin: { listen: adminListen, config: { persist: false } },
    storage: { module: 'file_system', root: storageRoot },
    apps: { pki: { certificate_authorities: { local: { install_trust: false } } } },
  };
}

/** The processes started here, killed if Portico's process ends without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Start Caddy (`caddy run --config <dir>/caddy.json`) and resolve once its admin API answers and its local CA
 * root exists. Returns undefined when no binary is found. Rejects (with Caddy's output) when it does not come
 * up; the process is stopped then.
 */
export async function startLocalEdge(options: LocalEdgeOptions): Promise<LocalEdge | undefined> {
  const binary = findCaddy(options.env);
  if (!binary) return undefined;
  const { dir, logger } = options;
  const storageRoot = join(dir, 'data');
  await mkdir(storageRoot, { recursive: true });
  const adminListen = `127.0.0.1:${await getPort({ host: '127.0.0.1' })}`;
  const httpPort = await getPort({ host: '127.0.0.1', port: options.httpPort || undefined });
  const httpsPort = await getPort({ host: '127.0.0.1', port: options.httpsPort || undefined, exclude: [httpPort] });
  const configFile = join(dir, 'caddy.json');
  await writeFile(configFile, JSON.stringify(initialConfig(adminListen, storageRoot), null, 2));

  // HOME and the XDG dirs inside `dir`: Caddy writes nothing to the user's home (which may be 0700 or root's).
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'xdg-data'), XDG_CONFIG_HOME: join(dir, 'xdg-config') };
  const child = spawn(binary, ['run', '--config', configFile], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-LOG_LIMIT));
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!stopping) logger.error({ code, signal, output: output.slice(-2000) }, 'the demo edge (Caddy) exited; HTTPS for demo domains is down until Portico restarts');
      resolve();
    });
    child.once('error', (error) => {
      running.delete(child);
      append(Buffer.from(`could not start ${binary}: ${error.message}\n`));
      resolve();
    });
  });
  const hasExited = () => !running.has(child);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      if (!hasExited()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
    })());

  const adminUrl = `http://${adminListen}`;
  const caRootFile = join(storageRoot, 'pki', 'authorities', 'local', 'root.crt');
  try {
    await waitFor(async () => {
      if (hasExited()) throw new Error('Caddy exited');
      const response = await fetch(`${adminUrl}/config/`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      await response?.body?.cancel();
      return Boolean(response?.ok) && existsSync(caRootFile);
    });
  } catch (error) {
    await stop();
    throw new Error(`The demo edge (Caddy) did not start: ${(error as Error).message}\n--- caddy output ---\n${output}`, { cause: error });
  }
  logger.info({ pid: child.pid, adminUrl, httpPort, httpsPort }, 'demo edge (Caddy) started');
  return { binary, pid: child.pid!, adminListen, adminUrl, httpPort, httpsPort, storageRoot, caRootFile, log: () => output, stop };
}

async function waitFor(ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready within ${READY_TIMEOUT_MS} ms`);
}
