/**
 * A real Caddy with local servers around it, and bounded requests, for the tests that drive Caddy (live.test.ts,
 * supplied.test.ts). Everything listens on 127.0.0.1, port 0.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { startCaddy, type Caddy } from '@portico/test-servers';
import { createCaddyClient, type CaddyClient } from '../src/client.ts';
import type { CaddyRenderOptions } from '../src/render.ts';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** An upstream that answers with what it received: `{ host, url }` (url: path and query as sent to it). */
export function startEcho(): Promise<Listening> {
  return listen(createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ host: req.headers.host, url: req.url }));
  }));
}

/** Caddy's on-demand gate: GET /ask?domain=<sni> → 200 for `allowed` names, 403 otherwise; `asked` records them. */
export async function startAsk(allowed: Set<string>): Promise<Listening & { asked: string[] }> {
  const asked: string[] = [];
  const server = await listen(createServer((req, res) => {
    const domain = new URL(req.url ?? '/', 'http://ask').searchParams.get('domain') ?? '';
    asked.push(domain);
    res.statusCode = allowed.has(domain) ? 200 : 403;
    res.end();
  }));
  return { ...server, asked };
}

export interface CaddyStack {
  caddy: Caddy;
  /** The upstream every test route points at (`startEcho`). */
  echo: Listening;
  /** The on-demand gate, allowing certificates for the names given to `startCaddyStack`. */
  ask: Listening & { asked: string[] };
  client: CaddyClient;
  /** Render options for this Caddy: internal issuer, 308 redirects, the ask server above. */
  options: CaddyRenderOptions;
}

/** Caddy, an echo upstream and an ask server allowing `allowed`, started together; nothing is pushed to Caddy yet. */
export async function startCaddyStack(allowed: Set<string>): Promise<CaddyStack> {
  const [caddy, echo, ask] = await Promise.all([startCaddy(), startEcho(), startAsk(allowed)]);
  const options: CaddyRenderOptions = {
    adminListen: caddy.adminListen,
    httpPort: caddy.httpPort,
    httpsPort: caddy.httpsPort,
    listenAddresses: ['127.0.0.1'],
    askUrl: `http://127.0.0.1:${ask.port}/ask`,
    issuers: [{ module: 'internal' }],
    storageRoot: caddy.storageRoot,
    redirectStatus: 308,
  };
  const client = createCaddyClient({ adminUrl: caddy.adminUrl, timeoutMs: 15_000 });
  return { caddy, echo, ask, client, options };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const TIMEOUT_MS = 8000;

/** A plain-HTTP request to 127.0.0.1:`port` for `host`, path sent as is. */
export function httpGet(port: number, host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host }, agent: false, timeout: TIMEOUT_MS }, (res) => collect(res, resolve, reject));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** An HTTPS request with SNI `servername`, verified against `ca` (Caddy's local root). */
export function httpsGet(port: number, servername: string, path: string, ca: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, servername, ca, headers: { host: `${servername}:${port}` }, agent: false, timeout: TIMEOUT_MS },
      (res) => collect(res, resolve, reject),
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function collect(res: IncomingMessage, resolve: (reply: Reply) => void, reject: (err: Error) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('error', reject);
  res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
}

/** What the echo upstream saw, from a proxied reply. */
export const seen = (reply: Reply): { host: string; url: string } => {
  if (reply.status !== 200) throw new Error(`expected 200 from the upstream, got ${reply.status}: ${reply.body}`);
  return JSON.parse(reply.body) as { host: string; url: string };
};
