import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary, requireBinary } from './binaries.ts';
import { spawnDaemon } from './daemon.ts';
import { freePort } from './ports.ts';

const run = promisify(execFile);

export interface PebbleOptions {
  /**
   * `host:port` of the DNS server Pebble resolves every name through (a dns.memory server, PowerDNS). Always
   * required: without it Pebble would ask the system resolver, and tests must never leave loopback.
   */
  dnsServer: string;
  /** Port Pebble connects to for HTTP-01 validation (where the test's challenge server listens). */
  httpPort: number;
  /** Port Pebble connects to for TLS-ALPN-01 validation. */
  tlsPort: number;
  /** Skip validation entirely (`PEBBLE_VA_ALWAYS_VALID=1`). Default false: real validation. */
  alwaysValid?: boolean;
  /** Longest wait for the directory and the management API to answer. Default 10000 ms. */
  readyTimeoutMs?: number;
}

export interface Pebble {
  /** `https://127.0.0.1:<port>/dir`, served with a certificate signed by `caPem`. */
  directoryUrl: string;
  /** The CA of Pebble's own listener certificate: trust it to reach the directory and the management API. */
  caPem: string;
  /** `https://127.0.0.1:<port>` of the management API (roots, intermediates). */
  managementUrl: string;
  /** The issuing root of this run (random on every start), to verify issued chains against. */
  rootsPem(): Promise<string>;
  pid: number;
  /** The temporary directory with the config, the listener key and certificate. */
  dir: string;
  /** Pebble's recent output (last 16 KiB), for a failing test's message. */
  log(): string;
  /** Kills Pebble and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Whether Debian `pebble` can be started (see `requireBinary`: skip locally, fail in CI). */
export function requirePebble(): boolean {
  return requireBinary('pebble', 'pebble') && requireBinary('openssl', 'openssl');
}

/**
 * Starts Pebble (the ACME test CA) on free loopback ports in a fresh temporary directory, deterministic
 * (`PEBBLE_VA_NOSLEEP=1`, `PEBBLE_WFE_NONCEREJECT=0`, `PEBBLE_AUTHZREUSE=0`: every order validates anew),
 * resolving names only through `dnsServer`. Resolves once the directory and the management API answer.
 */
export async function startPebble(options: PebbleOptions): Promise<Pebble> {
  const binary = findBinary('pebble');
  if (!binary) throw new Error('pebble is not installed: apt-get install pebble');
  if (!findBinary('openssl')) throw new Error('openssl is not installed: apt-get install openssl');
  if (!/^[^\s:]+:\d+$/.test(options.dnsServer)) throw new Error(`startPebble: dnsServer must be "host:port", got "${options.dnsServer}"`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(binary, options);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 3) throw err;
    }
  }
}

class PortTaken extends Error {}

async function launch(binary: string, { dnsServer, httpPort, tlsPort, alwaysValid = false, readyTimeoutMs = 10_000 }: PebbleOptions): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-pebble-'));
  let listenPort: number, managementPort: number, caPem: string;
  try {
    caPem = await listenerCertificate(dir);
    listenPort = await freePort();
    managementPort = await freePort();
    const config = {
      pebble: {
        listenAddress: `127.0.0.1:${listenPort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    };
    await writeFile(join(dir, 'pebble-config.json'), JSON.stringify(config, null, 2));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const env = ['PEBBLE_VA_NOSLEEP=1', 'PEBBLE_WFE_NONCEREJECT=0', 'PEBBLE_AUTHZREUSE=0', ...(alwaysValid ? ['PEBBLE_VA_ALWAYS_VALID=1'] : [])];
  // env(1) sets the variables and execs pebble, so the daemon's pid is pebble's own.
  const args = [...env, binary, '-config', join(dir, 'pebble-config.json'), '-dnsserver', dnsServer];
  const { child, log, hasExited, stop } = spawnDaemon(findBinary('env') ?? '/usr/bin/env', args, dir);
  const directoryUrl = `https://127.0.0.1:${listenPort}/dir`;
  const managementUrl = `https://127.0.0.1:${managementPort}`;
  try {
    await waitUntilReady([directoryUrl, `${managementUrl}/roots/0`], caPem, readyTimeoutMs, hasExited);
  } catch (err) {
    await stop();
    const message = `pebble did not become ready: ${(err as Error).message}\n--- pebble log ---\n${log()}`;
    throw /address already in use/i.test(log()) ? new PortTaken(message) : new Error(message);
  }
  return {
    directoryUrl,
    caPem,
    managementUrl,
    rootsPem: async () => (await httpsGet(`${managementUrl}/roots/0`, caPem, 5000)).body,
    pid: child.pid as number,
    dir,
    log,
    stop,
  };
}

/** A throwaway CA and a leaf for 127.0.0.1/localhost signed by it (the Debian package ships neither). */
async function listenerCertificate(dir: string): Promise<string> {
  const file = (name: string) => join(dir, name);
  const opts = { cwd: dir, timeout: 10_000 };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '7', '-subj', '/CN=Portico test Pebble listener CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], opts);
  await run('openssl', ['req', ...ec, '-keyout', file('key.pem'), '-out', file('leaf.csr'), '-subj', '/CN=localhost'], opts);
  await writeFile(file('leaf.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-out', file('cert.pem'), '-days', '7', '-extfile', file('leaf.ext')], opts);
  return readFile(file('ca.pem'), 'utf8');
}

async function waitUntilReady(urls: string[], ca: string, readyTimeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer yet';
  for (const url of urls) {
    for (;;) {
      if (hasExited()) throw new Error('the process exited');
      if (Date.now() > deadline) throw new Error(`no answer within ${readyTimeoutMs} ms (${last})`);
      try {
        const { status } = await httpsGet(url, ca, 1000);
        if (status === 200) break;
        last = `${url}: status ${status}`;
      } catch (err) {
        last = `${url}: ${(err as Error).message}`;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function httpsGet(url: string, ca: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
