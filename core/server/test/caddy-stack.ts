/**
 * A real Caddy (with a real Pebble when certificates come from ACME) for the edge tests, the edge.caddy plugin and
 * probe that point Portico at it, and bounded requests to it: plain HTTP by Host header, HTTPS by SNI verified
 * against a test CA.
 */
import { writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCaddy, startPebble, type Caddy, type Pebble } from '@portico/test-servers';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** GET `path` with Host `host` from `address`:`port` over plain HTTP. A request that hangs fails with `timeout`. */
export function httpGet(port: number, host: string, path: string, address = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: address, port, path, headers: { host }, agent: false, timeout: 5000 }, (res) => collect(res, resolve, reject));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** GET `path` from 127.0.0.1:`port` over HTTPS with SNI and Host `host`, verified against `ca` (PEM). */
export function httpsGet(port: number, host: string, path: string, ca: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, servername: host, headers: { host }, ca, agent: false, timeout: 8000 }, (res) => collect(res, resolve, reject));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function collect(res: IncomingMessage, resolve: (answer: Answer) => void, reject: (err: Error) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('error', reject);
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
}

export interface CaddyWithPebble {
  caddy: Caddy;
  pebble: Pebble;
  /** Pebble's roots (PEM): what the certificates Caddy obtains chain to. */
  root: string;
  /** Pebble's listener CA (for Caddy's `trustedRootsPemFiles`) and its roots, written to files. */
  listenerCa: string;
  rootFile: string;
  /** A fresh path prefix in the temporary directory, for other files of the test. */
  dir: string;
}

/**
 * Caddy, and a Pebble that resolves names through `dnsServer` and validates HTTP-01 / TLS-ALPN-01 at Caddy's
 * ports. `name` tells the test's files apart. Caddy is stopped again when Pebble does not start.
 */
export async function startCaddyWithPebble(dnsServer: string, name: string): Promise<CaddyWithPebble> {
  const caddy = await startCaddy();
  try {
    const pebble = await startPebble({ dnsServer, httpPort: caddy.httpPort, tlsPort: caddy.httpsPort });
    const dir = join(tmpdir(), `portico-${name}-${process.pid}-${Date.now()}`);
    const root = await pebble.rootsPem();
    const listenerCa = `${dir}-pebble-listener.pem`;
    const rootFile = `${dir}-pebble-root.pem`;
    await writeFile(listenerCa, pebble.caPem);
    await writeFile(rootFile, root);
    return { caddy, pebble, root, listenerCa, rootFile, dir };
  } catch (err) {
    await caddy.stop();
    throw err;
  }
}

/** The `edges` entry of Caddy `caddy-1`, whose HTTPS Portico probes against `caFile` before a domain goes live. */
export function caddyEdge(caddy: Caddy, caFile: string, attempts = 30) {
  return { id: 'caddy-1', edge: 'caddy', probe: { connect: `127.0.0.1:${caddy.httpsPort}`, caFile, intervalSeconds: 0.5, attempts, timeoutMs: 8000 } };
}

/** The edge.caddy plugin driving `caddy` on 127.0.0.1; `options` gives the ask URL and issuers, and may add more. */
export function edgeCaddyPlugin(caddy: Caddy, options: { askUrl: string; issuers: unknown[] } & Record<string, unknown>) {
  return {
    package: '@portico/edge-caddy',
    options: {
      adminListen: caddy.adminListen,
      httpPort: caddy.httpPort,
      httpsPort: caddy.httpsPort,
      listenAddresses: ['127.0.0.1'],
      storageRoot: caddy.storageRoot,
      ...options,
    },
  };
}
