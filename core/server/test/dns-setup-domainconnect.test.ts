import { generateKeyPairSync } from 'node:crypto';
import getPort from 'get-port';
import { getMemoryDnsInstance } from '@portico/dns-memory';
import { loadShippedTemplate, publicKeyRecords } from '@portico/dns-domainconnect';
import { settingsFor, startFakeProvider, type FakeProvider } from '@portico/dns-domainconnect/testing';
import { createDnsLookup } from '@portico/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Domain Connect through the server: detection names the route, setup asks for consent (the domain shows the
// provider's page), nothing counts until DNS shows the records, then the domain is verified.
const ZONE = 'customer.test';
const SECRET_ENV = 'PORTICO_SECRET_DOMAINCONNECT_KEY';

describe('automatic DNS setup by Domain Connect consent', () => {
  let portico: TestPortico;
  let provider: FakeProvider;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

  beforeAll(async () => {
    provider = await startFakeProvider();
    provider.supported.add('portico/customdomain');
    provider.zones.set(ZONE, settingsFor(provider));
    const dnsPort = await getPort({ host: '127.0.0.1' });
    const published = publicKeyRecords(keys.publicKey, '_dcpubkeyv1', 'portico.example');
    process.env[SECRET_ENV] = keys.privateKey;
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      routing: { cnameTarget: 'edge.portico.example' },
      dnsSetup: { propagationIntervalSeconds: 0.2 },
      plugins: [
        {
          package: '@portico/dns-memory',
          options: {
            serve: { port: dnsPort },
            zones: [
              { name: ZONE, records: [{ name: `_domainconnect.${ZONE}`, type: 'TXT', values: [provider.host] }] },
              { name: 'portico.example', records: [{ name: published[0].name, type: 'TXT', values: published.map((r) => r.value) }] },
            ],
          },
        },
        { package: '@portico/dns-domainconnect', options: { providerId: 'portico', serviceId: 'customdomain', privateKeySecret: 'domainconnect-key', settingsScheme: 'http', allowPrivateAddresses: true } },
        { package: '@portico/verify-dns-txt' },
      ],
    });
    provider.consent = {
      dns: createDnsLookup({ servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 }),
      template: loadShippedTemplate('portico', 'customdomain'),
      write: (zone, records) => getMemoryDnsInstance()!.zones.apply({ zone, upsert: records, remove: [] }),
    };
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => {
    delete process.env[SECRET_ENV];
    await portico?.stop();
    await provider?.close();
  });

  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const read = async (id: string) => (await session.agent.get(`/v1/domains/${id}`).expect(200)).body;

  it('check → consent page → records appear at the provider → verified', async () => {
    const check = (await post('/v1/domains:check', { hostname: `shop.${ZONE}` }).expect(200)).body;
    expect(check.provider).toMatchObject({ provider: 'domainconnect', displayName: 'Fake DNS', setup: 'domain-connect', confidence: 'high' });
    expect(check.automatic).toMatchObject({ possible: true, route: 'domain-connect', reason: 'consent' });

    const domain = (await post(`/v1/organizations/${organizationId}/domains`, { hostname: `shop.${ZONE}` }).expect(201)).body;
    await post(`/v1/domains/${domain.id}/dns-setup`, { provider: 'domainconnect' }).expect(202);
    const asked = await waitFor(
      () => read(domain.id),
      (d) => d.status !== 'pending',
    );
    expect(asked.status, asked.statusMessage).toBe('propagating');
    expect(asked.setup).toMatchObject({ mode: 'domain-connect', provider: 'domainconnect' });
    expect(asked.setup.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sync\/v2\/domainTemplates\/providers\/portico\/services\/customdomain\/apply\?/);

    // Watched for a while: without consent nothing appears, and the redirect alone proves nothing.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await read(domain.id)).status).toBe('propagating');

    // The user agrees at the provider (its page checks the signature against the key published in DNS).
    const consent = await fetch(asked.setup.redirectUrl, { redirect: 'manual' });
    expect(consent.status).toBe(200);
    const done = await waitFor(
      () => read(domain.id),
      (d: { status: string }) => d.status === 'verified',
    );
    expect(done.status).toBe('verified');
    const events = (await session.agent.get(`/v1/domains/${domain.id}/events`).expect(200)).body.data;
    expect(events.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`)).toEqual([
      'pending:created',
      'propagating:consent_requested',
      'verifying:records_visible',
      'verified:verified',
    ]);
    expect(getMemoryDnsInstance()!.zones.get(`shop.${ZONE}`, 'CNAME')?.values).toEqual(['edge.portico.example']);
  });

  it('never logged the signing key', () => {
    const body = keys.privateKey.split('\n')[1]!;
    expect(portico.logs.filter((line) => line.includes(body))).toEqual([]);
  });
});
