// The kernel's DNS provider conformance suite against the reference server (reference/server.py), spawned on
// 127.0.0.1: once speaking Portico's additions (ownership by comment), once as a plain external-dns webhook
// (ownership by owner TXT records), so dns.webhook works with both kinds of server.
import { randomBytes } from 'node:crypto';
import { createTestKernel, dnsProviderConformance } from '@portico/kernel/conformance';
import { describe } from 'vitest';
import { createWebhookDnsClient } from '../src/client.ts';
import webhook from '../src/index.ts';
import { requirePython, startReferenceServer } from './reference-server.ts';

const ZONE = 'conformance.test';
// CI=true: a missing python3 fails here; elsewhere the suites are skipped with a printed reason.
const available = requirePython();

for (const profile of [
  { plain: false, ownership: 'comment' as const, label: 'Portico additions, ownership by comment' },
  { plain: true, ownership: 'txt' as const, label: 'plain external-dns webhook, ownership by TXT' },
]) {
  describe.skipIf(!available)(`dns.webhook against the reference server (${profile.label})`, () => {
    dnsProviderConformance({
      name: `dns.webhook (${profile.label})`,
      provider: 'webhook',
      zone: ZONE,
      setup: async () => {
        const token = randomBytes(16).toString('hex');
        const server = await startReferenceServer({ zones: [{ name: ZONE, nameservers: ['ns1.conformance.test'] }], token, plain: profile.plain });
        const kernel = await createTestKernel([{ plugin: webhook, options: { url: server.url, timeoutMs: 5000, ownership: profile.ownership } }]);
        // Someone editing the zone behind Portico's back: the protocol client straight, no comment.
        const person = createWebhookDnsClient({ url: server.url, token, timeoutMs: 5000 });
        return {
          kernel,
          credentials: { token },
          badCredentials: { token: `wrong-${token}` },
          writeForeign: (set) => person.applyChanges({ create: [set] }),
          teardown: async () => {
            await kernel.close();
            await server.stop();
          },
        };
      },
    });
  });
}
