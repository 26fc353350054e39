import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import getPort from 'get-port';
import { requirePebble, startPebble, type Pebble } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Certificate } from '../src/modules/certificates/entity.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Portico's own ACME issuance through the server: cert.acme against a real Pebble with real
// validation. HTTP-01 is answered by Portico itself at /.well-known/acme-challenge/ (Pebble connects to the
// hostname, which the in-process DNS resolves to 127.0.0.1, on Portico's port); DNS-01 for a wildcard goes through
// the domain's DNS provider credential (applyRecords, ownership-checked). Keys are sealed at rest; renewal
// starts 30 days before expiry.
const available = requirePebble();
const ZONE = 'example.test';

describe.skipIf(!available)('certificates issued by cert.acme through the server', { timeout: 90_000 }, () => {
  let pebble: Pebble;
  let portico: TestPortico;
  let server: Server;
  let session: Awaited<ReturnType<typeof signIn>>;
  let domainId: string;

  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const certificate = (hostname: string) => portico.container.cradle.orm.em.fork().findOne(Certificate, { hostname }, { populate: ['certificatePem', 'privateKeySealed'] });
  const settled = (hostname: string) =>
    waitFor(
      () => certificate(hostname),
      (c) => c?.status === 'active' || c?.status === 'failed',
      300,
      200,
    );

  beforeAll(async () => {
    const dnsPort = await getPort({ host: '127.0.0.1' });
    const httpPort = await getPort({ host: '127.0.0.1' });
    pebble = await startPebble({ dnsServer: `127.0.0.1:${dnsPort}`, httpPort, tlsPort: await getPort({ host: '127.0.0.1' }) });
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      plugins: [
        {
          package: '@portico/dns-memory',
          options: { serve: { port: dnsPort }, zones: [{ name: ZONE, records: [{ name: 'shop.example.test', type: 'A', values: ['127.0.0.1'] }] }] },
        },
        { package: '@portico/verify-dns-txt' },
        { package: '@portico/cert-acme', options: { directoryUrl: pebble.directoryUrl, caBundlePem: pebble.caPem, accountKeyFile: `${tmpdir()}/portico-acme-account-${process.pid}.pem`, timeoutMs: 60_000, pollMaxMs: 250 } },
      ],
    });
    server = createServer(portico.app!.callback());
    await new Promise<void>((r) => server.listen(httpPort, '127.0.0.1', r));
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    const projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['shop.example.test'] }).expect(200)).body.created[0].id;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
    const credential = (await post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: 'zone', credentials: {} }).expect(201)).body;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { dnsProvider: 'memory', dnsCredential: credential.id, dnsZone: ZONE });
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await portico?.stop();
    await pebble?.stop();
  }, 120_000);

  it('HTTP-01: Portico answers the token, Pebble issues, the key is sealed and never listed', async () => {
    expect((await post(`/v1/domains/${domainId}/certificates`, { hostname: 'shop.example.test' }).expect(202)).body.hostnames).toEqual(['shop.example.test']);
    const issued = await settled('shop.example.test');
    expect(issued?.status, issued?.lastError ?? '').toBe('active');
    expect(issued).toMatchObject({ source: 'cert.acme', issuer: expect.stringMatching(/Pebble/) });
    const leaf = new X509Certificate(issued!.certificatePem!);
    expect(leaf.subjectAltName).toBe('DNS:shop.example.test');
    expect(issued!.privateKeySealed).toMatch(/^v1\./);
    expect(issued!.privateKeySealed).not.toContain('PRIVATE KEY');
    const listed = await session.agent.get(`/v1/domains/${domainId}/certificates`).expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ hostname: 'shop.example.test', status: 'active', source: 'cert.acme' })]);
    expect(JSON.stringify(listed.body)).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect((await portico.http.get('/.well-known/acme-challenge/unknown')).status).toBe(404); // tokens are withdrawn
  });

  it('DNS-01 through the domain’s provider credential, for a wildcard', async () => {
    await post(`/v1/domains/${domainId}/certificates`, { hostname: '*.shop.example.test' }).expect(202);
    const issued = await settled('*.shop.example.test');
    expect(issued?.status, issued?.lastError ?? '').toBe('active');
    expect(new X509Certificate(issued!.certificatePem!).subjectAltName).toBe('DNS:*.shop.example.test');
  });

  it('renews what expires within 30 days', async () => {
    const before = await certificate('shop.example.test');
    await portico.container.cradle.orm.em.fork().nativeUpdate(Certificate, { id: before!.id }, { notAfter: new Date(Date.now() + 10 * 86_400_000) });
    expect(await portico.container.cradle.certificateService.renewDue()).toBe(1);
    const renewed = await waitFor(
      () => certificate('shop.example.test'),
      (c) => c?.status === 'active' && c.notAfter!.getTime() > Date.now() + 20 * 86_400_000,
      300,
      200,
    );
    expect(renewed?.certificatePem).not.toBe(before?.certificatePem);
  });

  it('refuses a hostname outside the domain', async () => {
    expect((await post(`/v1/domains/${domainId}/certificates`, { hostname: 'other.test' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });
});
