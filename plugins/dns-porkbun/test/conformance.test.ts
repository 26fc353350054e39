/**
 * The kernel's DNS provider conformance suite against a fake of the Porkbun API written from its documentation
 * (fake-porkbun.ts).
 */
import { randomBytes } from 'node:crypto';
import { createTestKernel, dnsProviderConformance } from '@portico/kernel/conformance';
import { createPorkbunClient } from '../src/client.ts';
import porkbunDns from '../src/index.ts';
import { startFakePorkbun } from './fake-porkbun.ts';

const ZONE = 'example.com';
const API_KEY = `pk1_${randomBytes(8).toString('hex')}`;
const SECRET = `sk1_${randomBytes(8).toString('hex')}`;

dnsProviderConformance({
  name: 'dns.porkbun against a fake Porkbun API',
  provider: 'porkbun',
  zone: ZONE,
  setup: async () => {
    const api = await startFakePorkbun();
    api.addDomain(ZONE);
    api.keys.set(API_KEY, { secret: SECRET });
    const kernel = await createTestKernel([{ plugin: porkbunDns, options: { apiUrl: api.url, timeoutMs: 5000 } }]);
    // A person editing the domain: the vendor client straight, no owner record.
    const person = createPorkbunClient({ apiKey: API_KEY, secretApiKey: SECRET, apiUrl: api.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: { apiKey: API_KEY, secretApiKey: SECRET },
      badCredentials: { apiKey: API_KEY, secretApiKey: 'sk1_a-secret-porkbun-refuses' },
      writeForeign: (set) => person.writeRecordSet(ZONE, set, []),
      teardown: async () => {
        await kernel.close();
        await api.close();
      },
    };
  },
});
