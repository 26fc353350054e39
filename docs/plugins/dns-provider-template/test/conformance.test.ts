/**
 * The kernel's DNS provider conformance suite against the fake ExampleDNS API: creates, idempotent
 * re-applies, updates, dry runs, deletes, names outside the zone, credentials (`auth`), read-back, ownership
 * and conflicts. Every DNS provider plugin runs it; passing it is what "works with Portico" means.
 *
 * COPIER: point `setup` at whatever your provider can be reached as in CI: a real server in a container or
 * spawned binary (PowerDNS, BIND), or a fake written from the vendor's documented contract (fake-api.ts). To run
 * it against the live vendor too, read a token and zone from the environment and register the same plugin
 * with the real `apiUrl`; use a throw-away zone: the suite writes and removes uniquely named records.
 */
import { createTestKernel, dnsProviderConformance } from '@portico/kernel/conformance';
import { createExampleDnsClient } from '../src/client.ts';
import exampleDns from '../src/index.ts';
import { startFakeExampleDns } from './fake-api.ts';

const TOKEN = 'conformance-token';

dnsProviderConformance({
  name: 'dns.example',
  provider: 'example',
  zone: 'example.com',
  setup: async () => {
    const api = await startFakeExampleDns({ zones: ['example.com'], tokens: { [TOKEN]: ['zones:read', 'rrsets:write'] } });
    const kernel = await createTestKernel([{ plugin: exampleDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
    // The vendor client on its own, as a person editing the zone in ExampleDNS's console would: no comment.
    const vendor = createExampleDnsClient({ apiUrl: api.url, token: TOKEN, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { token: TOKEN },
      // The right shape, refused by the API (401): the suite expects kind `auth`.
      badCredentials: { token: 'revoked-token' },
      writeForeign: async (set) => {
        const zone = await vendor.findZone('example.com');
        await vendor.putRecordSet(zone.id, set);
      },
      teardown: async () => {
        await kernel.close();
        await api.close();
      },
    };
  },
});
