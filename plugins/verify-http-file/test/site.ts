import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';

/** A web server on loopback for the tests: files by path, custom handlers, and a log of what was asked. */
export interface TestSite {
  port: number;
  /** path → body, served with 200 and text/plain. */
  files: Map<string, string>;
  /** path → handler, taking precedence over `files`. */
  routes: Map<string, RequestListener>;
  /** Every request received: path and Host header. */
  requests: Array<{ path: string; host: string | undefined }>;
  close(): Promise<void>;
}

/** The test certificate (self-signed, for `secure.shop.test`, valid until 2126) and its key. */
export const TLS = {
  cert: readFileSync(new URL('./fixtures/secure.shop.test.cert.pem', import.meta.url), 'utf8'),
  key: readFileSync(new URL('./fixtures/secure.shop.test.key.pem', import.meta.url), 'utf8'),
};

export async function startSite(options: { tls?: boolean } = {}): Promise<TestSite> {
  const files = new Map<string, string>();
  const routes = new Map<string, RequestListener>();
  const requests: TestSite['requests'] = [];
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    requests.push({ path, host: request.headers.host });
    const route = routes.get(path);
    if (route) return route(request, response);
    const body = files.get(path);
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  };
  const server: Server = options.tls ? createHttpsServer(TLS, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('startSite: no port');
  return {
    port: address.port,
    files,
    routes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
