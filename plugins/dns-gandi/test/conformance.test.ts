/**
 * The kernel's DNS provider conformance suite against a fake of the Gandi LiveDNS API written from its documentation
 * (fake-gandi.ts). The fake pages lists at 4 items, so every read follows pages.
 */
import { randomBytes } from 'node:crypto';
import { createTestKernel, dnsProviderConformance } from '@portico/kernel/conformance';
import { createGandiClient } from '../src/client.ts';
import gandiDns from '../src/index.ts';
import { startFakeGandi } from './fake-gandi.ts';

const ZONE = 'example.com';
const TOKEN = `gandi-test-${randomBytes(8).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.gandi against a fake Gandi LiveDNS API',
  provider: 'gandi',
  zone: ZONE,
  setup: async () => {
    const api = await startFakeGandi();
    api.pageSize = 4;
    api.addDomain(ZONE);
    api.tokens.set(TOKEN, {});
    const kernel = await createTestKernel([{ plugin: gandiDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
    // A person editing the domain: the vendor client straight, no owner record.
    const person = createGandiClient({ token: TOKEN, apiUrl: api.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { token: TOKEN },
      badCredentials: { token: 'a-token-gandi-refuses' },
      writeForeign: (set) => person.putRecordSet(ZONE, set),
      teardown: async () => {
        await kernel.close();
        await api.close();
      },
    };
  },
});
