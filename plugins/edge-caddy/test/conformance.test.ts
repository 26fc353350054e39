/**
 * The kernel's edge-target conformance suite against a real Caddy (Debian 2.6.2 here, started by
 * @portico/test-servers): the plugin renders, loads through the admin API, and answers dry runs by diffing the
 * running config; readEdge is `GET /config/`. Run twice: with the plugin options naming the Caddy, and with an
 * edge target naming it (the plugin's own admin API then being a port nobody listens on).
 */
import { createTestKernel, edgeTargetConformance } from '@portico/kernel/conformance';
import { freePort, requireCaddy, startCaddy } from '@portico/test-servers';
import { describe } from 'vitest';
import { createCaddyClient } from '../src/client.ts';
import caddyPlugin from '../src/index.ts';

// Without caddy (apt-get install caddy) there is no edge to drive; CI=true makes requireCaddy() throw instead.
describe.skipIf(!requireCaddy())('real Caddy', () => {
  for (const via of ['plugin options', 'edge target'] as const) {
    edgeTargetConformance({
      name: `Caddy, admin API named by the ${via}`,
      edge: 'caddy',
      async setup() {
        const caddy = await startCaddy();
        const admin = { adminListen: caddy.adminListen, adminUrl: caddy.adminUrl };
        const kernel = await createTestKernel([
          {
            plugin: caddyPlugin,
            options: {
              // No TLS handshake happens here, so nothing asks; the URL only has to be valid.
              askUrl: 'http://127.0.0.1:9/ask',
              // Through a target, the plugin's own admin API is a port nobody listens on: a fallback would fail.
              ...(via === 'plugin options' ? admin : { adminListen: `127.0.0.1:${await freePort()}` }),
              adminTimeoutMs: 15_000,
              httpPort: caddy.httpPort,
              httpsPort: caddy.httpsPort,
              listenAddresses: ['127.0.0.1'],
              issuers: [{ module: 'internal' }],
              storageRoot: caddy.storageRoot,
            },
          },
        ]);
        const client = createCaddyClient({ adminUrl: caddy.adminUrl, timeoutMs: 15_000 });
        return {
          kernel,
          ...(via === 'edge target' ? { target: { id: 'caddy-2', options: admin } } : {}),
          readEdge: async () => (await client.getConfig()).config,
          teardown: async () => (await kernel.close(), await caddy.stop()),
        };
      },
    });
  }
});
