/**
 * Deliveries by change set end where whole deliveries do. Through one kernel, random change sets
 * (`routeChangeSequence`) go to a real Caddy, each step given `changes` since the previous one; after every step the
 * config Caddy runs (`GET /config/`) is exactly what a whole render of that step's table gives. Supplied
 * certificates come and go on the way. A change set that does not start at the kept render, a config changed behind
 * the plugin's back and a delivery that failed half-way all end in a whole load that is right again.
 *
 * The admin API is reached through a relay that can be cut (`open`), to fail a delivery between two calls.
 */
import { createServer, request, type Server } from 'node:http';
import { partitionRoutes, type Kernel, type RenderRoutesState, type Route, type SuppliedCertificate } from '@portico/kernel';
import { createTestKernel, routeChangeSequence } from '@portico/kernel/conformance';
import { requireCaddy, startCaddy, type Caddy } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import caddyPlugin, { createCaddyClient, optionsSchema, renderCaddyConfig, renderOptionsOf, type CaddyPluginOptions } from '../src/index.ts';
import { fixtureCertificates } from './fixtures/routes.ts';

interface Relay {
  url: string;
  /** Connections let through from now on (`Infinity`: all); the others are closed at once. */
  open: number;
  /** `<method> <path>` of every call let through. */
  calls: string[];
  close(): Promise<void>;
}

/** An HTTP relay to Caddy's admin API (which refuses a Host other than its own), trailers included (the ETag). */
async function startRelay(adminListen: string): Promise<Relay> {
  const relay = { open: Infinity, calls: [] } as unknown as Relay;
  const server: Server = createServer((req, res) => {
    if (relay.open <= 0) return void req.socket.destroy();
    relay.open -= 1;
    relay.calls.push(`${req.method} ${req.url}`);
    const upstream = request(`http://${adminListen}${req.url}`, { method: req.method, headers: { ...req.headers, host: adminListen }, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => res.write(chunk));
      answer.on('end', () => (res.addTrailers(answer.trailers as Record<string, string>), res.end()));
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  relay.close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return relay;
}

type Changes = RenderRoutesState['changes'];

// Without caddy (apt-get install caddy) there is no edge to deliver to; CI=true makes requireCaddy() throw instead.
describe.skipIf(!requireCaddy())('edge.caddy: deliveries of change sets', { timeout: 180_000 }, () => {
  let caddy: Caddy;
  let relay: Relay;
  let kernel: Kernel;
  let options: CaddyPluginOptions;
  beforeAll(async () => {
    caddy = await startCaddy();
    relay = await startRelay(caddy.adminListen);
    options = {
      askUrl: 'http://127.0.0.1:9/edge/ask',
      adminListen: caddy.adminListen,
      adminUrl: relay.url,
      httpPort: caddy.httpPort,
      httpsPort: caddy.httpsPort,
      listenAddresses: ['127.0.0.1'],
      issuers: [{ module: 'internal' }],
      storageRoot: caddy.storageRoot,
      // Random change sets touch many groups; every one of them goes route by route here (the default kernel below
      // replaces both servers in one call for those).
      maxChangeCalls: 1000,
    };
    kernel = await createTestKernel([{ plugin: caddyPlugin, options }]);
  }, 60_000);
  afterAll(async () => {
    await kernel?.close();
    await relay?.close();
    await caddy?.stop();
  });

  const whole = (routes: Route[], certificates: SuppliedCertificate[] = []) =>
    JSON.parse(JSON.stringify(renderCaddyConfig(partitionRoutes(routes).routes, renderOptionsOf(optionsSchema.parse(options)), certificates))) as unknown;
  const deploy = async (routes: Route[], version: number, changes?: Changes, certificates: SuppliedCertificate[] = []) =>
    (await kernel.deployRoutes('caddy', { routes, version, certificates, ...(changes ? { changes } : {}) })).delivered.detail ?? '';
  const byRoute = /^(\d+ routes? changed|nothing changed) in /;
  const deployWith = async (onto: Kernel, routes: Route[], version: number, changes?: Changes, certificates: SuppliedCertificate[] = []) =>
    (await onto.deployRoutes('caddy', { routes, version, certificates, ...(changes ? { changes } : {}) })).delivered.detail ?? '';

  it('every step of random change sets leaves Caddy running what a whole render gives', async () => {
    let partial = 0;
    let steps = 0;
    for (const seed of [3, 7]) {
      const sequence = routeChangeSequence({ seed, steps: 25 });
      let certificates: SuppliedCertificate[] = [];
      expect(await deploy(sequence.initial, sequence.version)).toMatch(/^loaded into /);
      let since = sequence.version;
      for (const step of sequence.steps) {
        // Certificates come and go now and then (a whole load); a skipped version (no change set) renders whole.
        if (step.version % 7 === 0) certificates = certificates.length === 0 ? fixtureCertificates : [];
        const skip = step.version % 11 === 0;
        const detail = await deploy(step.routes, step.version, skip ? undefined : { ...step.changes, since }, certificates);
        since = step.version;
        steps += 1;
        if (byRoute.test(detail)) partial += 1;
        expect(await caddy.config(), `seed ${seed}, version ${step.version}: ${detail}`).toEqual(whole(step.routes, certificates));
      }
    }
    // Most steps went route by route (the others changed certificates or skipped a version): the test checks the path it is about.
    expect(partial).toBeGreaterThan(steps * 0.6);
  });

  it('with the default maxChangeCalls, a change needing several calls replaces both servers in one, and ends right', async () => {
    const defaults = await createTestKernel([{ plugin: caddyPlugin, options: { ...options, maxChangeCalls: undefined } }]);
    try {
      const sequence = routeChangeSequence({ seed: 5, steps: 12 });
      await deployWith(defaults, sequence.initial, sequence.version);
      let since = sequence.version;
      const details: string[] = [];
      for (const step of sequence.steps) {
        details.push(await deployWith(defaults, step.routes, step.version, { ...step.changes, since }));
        since = step.version;
        expect(await caddy.config(), `version ${step.version}: ${details.at(-1)}`).toEqual(whole(step.routes));
      }
      expect(details.filter((detail) => detail.endsWith('(both servers replaced)')).length).toBeGreaterThan(details.length / 2);
    } finally {
      await defaults.close();
    }
  });

  it('a host joining or leaving a group is one call carrying one name, whatever the group holds', async () => {
    const up = { host: '10.0.0.3', port: 80 };
    const route = (hostname: string): Route => ({ hostname, basePath: '/', upstream: up, stripPath: false, protocol: 'https' });
    const routes = ['b.test', 'd.test', 'f.test'].map(route);
    await deploy(routes, 500);
    const steps: Array<[Route[], string, string]> = [
      [[...routes, route('c.test')], 'c.test', 'PUT /config/apps/http/servers/https/routes/0/match/0/host/1'],
      [[...routes, route('c.test'), route('g.test')], 'g.test', 'POST /config/apps/http/servers/https/routes/0/match/0/host'],
      [[route('b.test'), route('c.test'), route('f.test'), route('g.test')], 'd.test', 'DELETE /config/apps/http/servers/https/routes/0/match/0/host/2'],
    ];
    let since = 500;
    for (const [table, host, call] of steps) {
      relay.calls = [];
      const detail = await deploy(table, since + 1, { since, hosts: [host], routes: table.filter((r) => r.hostname === host) });
      since += 1;
      expect(detail).toMatch(/^1 route changed in /);
      expect(relay.calls).toEqual([call]);
      expect(await caddy.config()).toEqual(whole(table));
    }
  });

  it('a change set that does not start at the kept render is rendered and loaded whole', async () => {
    const sequence = routeChangeSequence({ seed: 21, steps: 4 });
    await deploy(sequence.initial, 100);
    const [, second] = sequence.steps;
    // Claims to start at 101, but the edge was last given 100: the kept render cannot apply it.
    expect(await deploy(second!.routes, 103, { ...second!.changes, since: 101 })).toMatch(/^loaded into /);
    expect(await caddy.config()).toEqual(whole(second!.routes));
  });

  it('a config changed behind the plugin is not patched: the change is loaded whole', async () => {
    const routes: Route[] = [
      { hostname: 'a.test', basePath: '/', upstream: { host: '10.0.0.1', port: 80 }, stripPath: false, protocol: 'https' },
      { hostname: 'b.test', basePath: '/', upstream: { host: '10.0.0.1', port: 80 }, stripPath: false, protocol: 'https' },
    ];
    await deploy(routes, 300);
    // Someone adds a host to Portico's group by hand.
    const id = (whole(routes) as { apps: { http: { servers: { https: { routes: Array<{ '@id': string }> } } } } }).apps.http.servers.https.routes[0]!['@id'];
    await createCaddyClient({ adminUrl: caddy.adminUrl }).change('PATCH', `/id/${id}/match/0/host`, ['a.test', 'b.test', 'evil.test']);
    const next = [...routes, { ...routes[0]!, hostname: 'c.test' }];
    const detail = await deploy(next, 301, { since: 300, hosts: ['c.test'], routes: [next[2]!] });
    expect(detail).toMatch(/^loaded into /);
    expect(await caddy.config()).toEqual(whole(next));
  });

  it('a delivery that failed half-way is healed by the next one, loaded whole', async () => {
    const up = { host: '10.0.0.2', port: 80 };
    const routes: Route[] = [{ hostname: 'a.test', basePath: '/', upstream: up, stripPath: false, protocol: 'both' }];
    await deploy(routes, 400);
    // b.test joins a.test's group on both servers: two calls; the relay lets the first through and cuts the rest.
    const moved: Route[] = [...routes, { ...routes[0]!, hostname: 'b.test' }];
    relay.open = 1;
    await expect(deploy(moved, 401, { since: 400, hosts: ['b.test'], routes: [moved[1]!] })).rejects.toThrow();
    relay.open = Infinity;
    const running = (await caddy.config()) as { apps: { http: { servers: Record<string, { routes: unknown[] }> } } };
    expect(running).not.toEqual(whole(routes));
    expect(running).not.toEqual(whole(moved));
    // The server still counts 400 as delivered: the retry carries everything since 400.
    const detail = await deploy(moved, 402, { since: 400, hosts: ['b.test'], routes: [moved[1]!] });
    expect(detail).toMatch(/^loaded into /);
    expect(await caddy.config()).toEqual(whole(moved));
  });
});
