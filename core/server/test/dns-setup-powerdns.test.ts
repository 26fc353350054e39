import { fileURLToPath } from 'node:url';
import { createPowerDnsClient } from '@portico/dns-powerdns/client';
import { requirePowerDns, startPowerDns, type PowerDns } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// End to end: a domain on a real PowerDNS goes from added to verified with no manual step. Detection
// asks the zone's nameservers (ns1.pdns.test, matched by the plugin's hint), the credential is checked by
// PowerDNS itself, the records are written through its HTTP API, propagation and verification ask the
// authoritative server directly (zone discovery through NS + glue), as in production.
const available = requirePowerDns();
const ZONE = 'customer.test';
const plugin = (name: string) => fileURLToPath(new URL(`../../../plugins/${name}`, import.meta.url));

describe.skipIf(!available)('automatic DNS setup against a real PowerDNS', () => {
  let pdns: PowerDns;
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  let projectId: string;

  beforeAll(async () => {
    pdns = await startPowerDns({
      zones: [
        { name: 'pdns.test', nameservers: ['ns1.pdns.test'], records: [{ name: 'ns1', type: 'A', values: ['127.0.0.1'] }] },
        { name: ZONE, nameservers: ['ns1.pdns.test'] },
      ],
    });
    portico = await startTestPortico({
      dns: { mode: 'authoritative', servers: [`127.0.0.1:${pdns.dnsPort}`], nameserverPort: pdns.dnsPort, timeoutMs: 1000, tries: 1 },
      routing: { cnameTarget: 'edge.saas.test' },
      dnsSetup: { propagationIntervalSeconds: 0.2 },
      plugins: [
        { package: plugin('dns-powerdns'), options: { apiUrl: pdns.apiUrl, nameservers: ['*.pdns.test'] } },
        { package: plugin('verify-dns-txt') },
      ],
    });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
  }, 120_000);
  afterAll(async () => {
    await portico?.stop();
    await pdns?.stop();
  });

  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);

  it('detection → credential → automatic setup → propagation → verified, with no manual step', async () => {
    const before = (await post('/v1/domains:check', { hostname: `shop.${ZONE}` }).expect(200)).body;
    expect(before).toMatchObject({
      zone: ZONE,
      nameservers: ['ns1.pdns.test'],
      provider: { provider: 'powerdns', displayName: 'PowerDNS Authoritative', confidence: 'high', setup: 'api' },
      automatic: { possible: false, reason: 'needs_credential' },
    });

    const refused = await post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'powerdns', label: 'wrong', credentials: { apiKey: 'not-the-key' } }).expect(422);
    expect(refused.body.error).toMatchObject({ code: 'DNS_CREDENTIAL_REJECTED', details: { kind: 'auth' } });
    const credential = (await post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'powerdns', label: 'PowerDNS', credentials: { apiKey: pdns.apiKey } }).expect(201)).body;
    expect(credential.zones).toEqual(expect.arrayContaining([ZONE]));

    const ready = (await post('/v1/domains:check', { hostname: `shop.${ZONE}`, projectId }).expect(200)).body;
    expect(ready.automatic).toMatchObject({ possible: true, route: 'api', reason: 'ready', credentials: [{ id: credential.id }] });

    const domain = (await post(`/v1/organizations/${organizationId}/domains`, { hostname: `shop.${ZONE}`, projectId, dnsCredentialId: credential.id }).expect(201)).body;
    const done = await waitFor(
      async () => (await session.agent.get(`/v1/domains/${domain.id}`).expect(200)).body,
      (d: { status: string; statusMessage: string }) => d.status === 'verified' || /failed|in the way|did not appear/.test(d.statusMessage),
      150,
    );
    expect(done.status, done.statusMessage).toBe('verified');
    const events = (await session.agent.get(`/v1/domains/${domain.id}/events`).expect(200)).body.data;
    expect(events.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`)).toEqual([
      'pending:created',
      'propagating:records_applied',
      'verifying:records_visible',
      'verified:verified',
    ]);

    // What PowerDNS holds: the routing CNAME and the ownership TXT, each marked as Portico's by its comment.
    const raw = createPowerDnsClient({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
    const sets = await raw.getRecords(ZONE);
    expect(sets.map((s) => [s.name, s.type, s.values, s.comments])).toEqual([
      [`_portico-challenge.shop.${ZONE}`, 'TXT', [domain.instructions[0].value], ['heritage=portico,portico/owner=portico']],
      [`shop.${ZONE}`, 'CNAME', ['edge.saas.test'], ['heritage=portico,portico/owner=portico']],
    ]);
    expect((await session.agent.get(`/v1/domains/${domain.id}/dns-diff`).expect(200)).body.inSync).toBe(true);
  });

  it('a record a person created is reported, never overwritten', async () => {
    await pdns.setRecords(ZONE, { name: 'taken', type: 'CNAME', values: ['elsewhere.example.net'] });
    const credential = (await session.agent.get(`/v1/projects/${projectId}/dns-credentials`).expect(200)).body.data[0];
    const domain = (await post(`/v1/organizations/${organizationId}/domains`, { hostname: `taken.${ZONE}`, dnsCredentialId: credential.id }).expect(201)).body;
    const events = await waitFor(
      async () => (await session.agent.get(`/v1/domains/${domain.id}/events`).expect(200)).body.data,
      (list: unknown[]) => list.length > 1,
    );
    expect(events.at(-1)).toMatchObject({ toStatus: 'pending', reason: 'dns_setup_conflict' });
    const raw = createPowerDnsClient({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
    expect((await raw.getRecords(ZONE, { name: `taken.${ZONE}`, type: 'CNAME' }))[0].values).toEqual(['elsewhere.example.net']);
  });

  it('the API key never reached a response or a log line', () => {
    expect(portico.logs.filter((line) => line.includes(pdns.apiKey))).toEqual([]);
  });
});
