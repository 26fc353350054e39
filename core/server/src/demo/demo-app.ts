import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from './html.ts';

export interface DemoApp {
  server: Server;
  port: number;
  url: string;
  stop(): Promise<void>;
}


/**
 * "The SaaS's app": what a customer's domain shows once it is live. It answers every host, so the page says which
 * hostname the edge sent it.
 */
export async function startDemoApp(host = '127.0.0.1', port = 0): Promise<DemoApp> {
  const server = createServer((req, res) => {
    const name = (req.headers.host ?? 'unknown host').slice(0, 300);
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    const text = `Acme Sites — hello from ${name}`;
    res.setHeader('cache-control', 'no-store');
    if (!wantsHtml) {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`${text}\n`);
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Sites</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;color:#1f2937}</style></head>` +
        `<body><main><h1>${escapeHtml(text)}</h1><p>This site is served by Acme Sites through Portico's edge.</p></main></body></html>`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    url: `http://${host}:${bound}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
