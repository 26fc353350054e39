// The kernel's DNS provider conformance suite against a real PowerDNS Authoritative (4.7, gsqlite3) from
// @portico/test-servers: dns.powerdns must behave like every other provider.
import { createTestKernel, dnsProviderConformance } from '@portico/kernel/conformance';
import { requirePowerDns, startPowerDns } from '@portico/test-servers';
import { describe } from 'vitest';
import { createPowerDnsClient } from '../src/client.ts';
import powerdns from '../src/index.ts';

const ZONE = 'conformance.test';
// CI=true: a missing pdns_server fails here; elsewhere the suite is skipped with a printed reason.
const available = requirePowerDns();

describe.skipIf(!available)('dns.powerdns against PowerDNS', () => {
  dnsProviderConformance({
    name: 'dns.powerdns',
    provider: 'powerdns',
    zone: ZONE,
    setup: async () => {
      const pdns = await startPowerDns({ zones: [{ name: ZONE, nameservers: ['ns1.conformance.test', 'ns2.conformance.test'] }] });
      const kernel = await createTestKernel([{ plugin: powerdns, options: { apiUrl: pdns.apiUrl, timeoutMs: 5000 } }]);
      // Someone editing the zone behind Portico's back: the raw client, no comment.
      const raw = createPowerDnsClient({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey, timeoutMs: 5000 });
      return {
        kernel,
        credentials: { apiKey: pdns.apiKey },
        badCredentials: { apiKey: `wrong-${pdns.apiKey}` },
        writeForeign: async (set) => {
          await raw.apply(ZONE, { upsert: [set] });
        },
        teardown: async () => {
          await kernel.close();
          await pdns.stop();
        },
      };
    },
  });
});
