/**
 * The kernel's DNS provider conformance suite against a fake of the deSEC API written from its documentation
 * (fake-desec.ts). The fake pages lists at 4 items, so every read follows deSEC's cursor links.
 */
import { randomBytes } from 'node:crypto';
import { createTestKernel, dnsProviderConformance } from '@portico/kernel/conformance';
import { createDesecClient } from '../src/client.ts';
import desecDns from '../src/index.ts';
import { startFakeDesec } from './fake-desec.ts';

const ZONE = 'example.com';
const TOKEN = `desec-test-${randomBytes(8).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.desec against a fake deSEC API',
  provider: 'desec',
  zone: ZONE,
  setup: async () => {
    const api = await startFakeDesec();
    api.pageSize = 4;
    api.addDomain(ZONE);
    api.tokens.set(TOKEN, {});
    const kernel = await createTestKernel([{ plugin: desecDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
    // A person editing the domain: the vendor client straight, no owner record.
    const person = createDesecClient({ token: TOKEN, apiUrl: api.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { token: TOKEN },
      badCredentials: { token: 'a-token-desec-refuses' },
      writeForeign: (set) => person.writeRecordSets(ZONE, [set]),
      teardown: async () => {
        await kernel.close();
        await api.close();
      },
    };
  },
});
