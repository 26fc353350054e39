import { request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, requireBinary } from './binaries.ts';
import { spawnDaemon } from './daemon.ts';
import { freePort } from './ports.ts';

export interface CaddyOptions {
  /** Longest wait for the admin API to answer. Default 10000 ms. */
  readyTimeoutMs?: number;
}

export interface Caddy {
  /** `http://127.0.0.1:<port>`: the admin API. */
  adminUrl: string;
  /** `127.0.0.1:<port>`, for `admin.listen` in configs loaded later (keep it, or the admin API moves). */
  adminListen: string;
  /** Free loopback ports for the configs a test loads; nothing listens on them until a config says so. */
  httpPort: number;
  httpsPort: number;
  /** The temporary directory: XDG dirs, HOME, the initial config and `storageRoot`. */
  dir: string;
  /** Caddy's storage (`storage.root`): certificates, and the internal CA under `pki/authorities/local/`. */
  storageRoot: string;
  pid: number;
  /** POST /load; throws with Caddy's message unless it answers 2xx. */
  load(config: unknown): Promise<void>;
  /** GET /config/: the running configuration. */
  config(): Promise<unknown>;
  /** Caddy's recent output (last 16 KiB), for a failing test's message. */
  log(): string;
  /** Kills Caddy by pid and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Whether Caddy can be started: `requireBinary('caddy')` (CI=true: missing fails the suite). */
export function requireCaddy(): boolean {
  return requireBinary('caddy');
}

/**
 * The configuration Caddy starts with: only the admin API (loopback, never persisted), storage in the
 * temporary directory, and the local CA kept out of the system trust store. No apps listen yet.
 */
export function initialCaddyConfig(adminListen: string, storageRoot: string): Record<string, unknown> {
  return {
    admin: { listen: adminListen, config: { persist: false } },
    storage: { module: 'file_system', root: storageRoot },
    apps: { pki: { certificate_authorities: { local: { install_trust: false } } } },
  };
}

/**
 * Starts `caddy run` in a fresh temporary directory with the admin API on a free loopback port and resolves
 * once the admin API answers. Retries with another port if the one picked was taken meanwhile.
 */
export async function startCaddy({ readyTimeoutMs = 10_000 }: CaddyOptions = {}): Promise<Caddy> {
  const binary = findBinary('caddy');
  if (!binary) throw new Error('caddy is not installed: apt-get install caddy');
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(binary, readyTimeoutMs);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 3) throw err;
    }
  }
}

class PortTaken extends Error {}

async function launch(binary: string, readyTimeoutMs: number): Promise<Caddy> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-caddy-'));
  const storageRoot = join(dir, 'data');
  let adminListen: string, httpPort: number, httpsPort: number;
  try {
    adminListen = `127.0.0.1:${await freePort()}`;
    httpPort = await freePort();
    httpsPort = await freePort();
    await writeFile(join(dir, 'caddy.json'), JSON.stringify(initialCaddyConfig(adminListen, storageRoot), null, 2));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  // spawnDaemon inherits the environment; `env` sets the XDG dirs and HOME (so nothing lands in the real
  // $HOME) and then execs caddy, so the pid is Caddy's own.
  const env = [`HOME=${dir}`, `XDG_DATA_HOME=${join(dir, 'xdg-data')}`, `XDG_CONFIG_HOME=${join(dir, 'xdg-config')}`];
  const { child, log, hasExited, stop } = spawnDaemon('/usr/bin/env', [...env, binary, 'run', '--config', join(dir, 'caddy.json')], dir);
  const adminUrl = `http://${adminListen}`;
  try {
    await waitUntilReady(adminUrl, readyTimeoutMs, hasExited);
  } catch (err) {
    await stop();
    const message = `caddy did not become ready: ${(err as Error).message}\n--- caddy log ---\n${log()}`;
    throw /address already in use/i.test(log()) ? new PortTaken(message) : new Error(message);
  }
  return {
    adminUrl,
    adminListen,
    httpPort,
    httpsPort,
    dir,
    storageRoot,
    pid: child.pid as number,
    log,
    stop,
    load: async (config) => {
      const response = await admin('POST', `${adminUrl}/load`, 15_000, JSON.stringify(config));
      if (response.status !== 200) throw new Error(`caddy /load: ${response.status} ${response.body}`);
    },
    config: async () => {
      const response = await admin('GET', `${adminUrl}/config/`, 5000);
      if (response.status !== 200) throw new Error(`caddy GET /config/: ${response.status} ${response.body}`);
      return JSON.parse(response.body) as unknown;
    },
  };
}

/**
 * One admin API call on a connection of its own: Caddy closes idle admin connections when a load replaces its
 * config, so a pooled keep-alive connection (fetch's) may be reset under the next call.
 */
function admin(method: 'GET' | 'POST', url: string, timeoutMs: number, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false, timeout: timeoutMs, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`caddy admin ${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function waitUntilReady(adminUrl: string, readyTimeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    try {
      const response = await fetch(`${adminUrl}/config/`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no answer within ${readyTimeoutMs} ms (${last})`);
}
