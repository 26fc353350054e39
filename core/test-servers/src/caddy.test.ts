import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCaddy, startCaddy, type Caddy } from './caddy.ts';

/** A config with one plain-HTTP server on the harness's httpPort answering `body`; the admin API stays put. */
function helloConfig(caddy: Caddy, body: string) {
  return {
    admin: { listen: caddy.adminListen, config: { persist: false } },
    storage: { module: 'file_system', root: caddy.storageRoot },
    apps: {
      http: {
        http_port: caddy.httpPort,
        servers: { hello: { listen: [`127.0.0.1:${caddy.httpPort}`], routes: [{ handle: [{ handler: 'static_response', body }] }] } },
      },
    },
  };
}

const get = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

// Without caddy (apt-get install caddy) there is nothing to test; CI=true makes requireCaddy() throw instead.
describe.skipIf(!requireCaddy())('startCaddy', () => {
  let caddy: Caddy;
  beforeAll(async () => {
    caddy = await startCaddy();
  });
  afterAll(async () => {
    await caddy?.stop();
  });

  it('starts with the admin API on loopback, persistence off and storage in its own directory', async () => {
    expect(caddy.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = (await caddy.config()) as { admin: unknown; storage: { root: string } };
    expect(config.admin).toEqual({ listen: caddy.adminListen, config: { persist: false } });
    expect(config.storage.root.startsWith(caddy.dir)).toBe(true);
    expect(caddy.httpPort).not.toBe(caddy.httpsPort);
  });

  it('loads a config and serves it', async () => {
    await caddy.load(helloConfig(caddy, 'first'));
    expect(await get(`http://127.0.0.1:${caddy.httpPort}/`)).toBe('first');
    expect(await caddy.config()).toMatchObject({ apps: { http: { http_port: caddy.httpPort } } });
  });

  it('refuses a bad config with Caddy\'s message and keeps serving the old one', async () => {
    const bad = helloConfig(caddy, 'never');
    bad.apps.http.servers.hello.routes[0]!.handle[0]!.handler = 'no_such_handler';
    await expect(caddy.load(bad)).rejects.toThrow(/400.*unknown module: http\.handlers\.no_such_handler/);
    expect(await get(`http://127.0.0.1:${caddy.httpPort}/`)).toBe('first');
  });

  it('stop() kills the process, frees its ports and removes its directory', async () => {
    const other = await startCaddy();
    await other.load(helloConfig(other, 'x'));
    expect(await portOpen(other.httpPort)).toBe(true);
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
    expect(await portOpen(other.httpPort)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    await other.stop();
  });
});
