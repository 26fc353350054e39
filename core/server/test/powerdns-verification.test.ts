import { fileURLToPath } from 'node:url';
import { requirePowerDns, startPowerDns, type PowerDns } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Ownership verification against a real PowerDNS, asked the way production asks: the zone's authoritative
// servers are discovered (NS + glue) and asked directly. Time is moved by making checks due and running the sweep.
const available = requirePowerDns();
const ZONE = 'customer.test';

describe.skipIf(!available)('verification against a real PowerDNS (authoritative lookups)', () => {
  let pdns: PowerDns;
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;

  beforeAll(async () => {
    pdns = await startPowerDns({ zones: [{ name: ZONE, records: [{ name: 'ns1', type: 'A', values: ['127.0.0.1'] }] }] });
    portico = await startTestPortico({
      dns: { mode: 'authoritative', servers: [`127.0.0.1:${pdns.dnsPort}`], nameserverPort: pdns.dnsPort, timeoutMs: 1000, tries: 1 },
      verification: { driftThreshold: 2 },
      plugins: [{ package: fileURLToPath(new URL('../../../plugins/verify-dns-txt', import.meta.url)) }],
    });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => {
    await portico?.stop();
    await pdns?.stop();
  });

  const add = async (hostname: string, method = 'dns-txt') =>
    (await session.agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', session.csrf).send({ hostname, method }).expect(201)).body;
  const read = async (id: string) => (await session.agent.get(`/v1/domains/${id}`).expect(200)).body;
  const lastEvent = async (id: string) => (await session.agent.get(`/v1/domains/${id}/events`).expect(200)).body.data.at(-1);
  const verify = async (id: string) => {
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id }, { lastManualCheckAt: null });
    expect((await session.agent.post(`/v1/domains/${id}/verify`).set('x-csrf-token', session.csrf)).status).toBe(202);
    return waitFor(() => read(id), (d) => d.status !== 'verifying');
  };
  const sweep = async (id: string) => {
    const before = (await read(id)).lastCheckedAt;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id }, { nextCheckAt: new Date(Date.now() - 1000) });
    await portico.container.cradle.verificationService.dispatchDue();
    return waitFor(() => read(id), (d) => d.status !== 'verifying' && d.lastCheckedAt !== before);
  };
  const publish = (record: { name: string; value: string }, value = record.value) => pdns.setRecords(ZONE, { name: record.name, type: 'TXT', values: [value] });

  it('dns-txt: pending → verified once the TXT record is published at the authoritative server', async () => {
    const domain = await add(`shop.${ZONE}`);
    expect(domain.status).toBe('pending');
    expect((await verify(domain.id)).status).toBe('failed_temporary');
    expect((await lastEvent(domain.id)).reason).toBe('record_missing');
    await publish(domain.instructions[0]);
    expect((await verify(domain.id)).status).toBe('verified');
  });

  it('dns-txt: a wrong value is a permanent mismatch showing expected and found', async () => {
    const domain = await add(`wrong.${ZONE}`);
    await publish(domain.instructions[0], 'portico-verification=not-it');
    const failed = await verify(domain.id);
    expect(failed.status).toBe('failed_permanent');
    expect(failed.nextCheckAt).toBeNull();
    const event = await lastEvent(domain.id);
    expect(event.details.found).toEqual(['portico-verification=not-it']);
    expect(event.details.expected[0].value).toBe(domain.instructions[0].value);
  });

  it('a stopped DNS server is a checker error: temporary for a new domain, and a verified domain stays verified', async () => {
    const fresh = await add(`late.${ZONE}`);
    const watched = await add(`kept.${ZONE}`);
    await publish(watched.instructions[0]);
    expect((await verify(watched.id)).status).toBe('verified');

    await pdns.stop();
    const failed = await verify(fresh.id);
    expect(failed.status).toBe('failed_temporary');
    expect((await lastEvent(fresh.id)).reason).toBe('checker_error');
    for (let i = 0; i < 3; i++) expect((await sweep(watched.id)).status).toBe('verified');
    expect((await read(watched.id)).statusMessage).toBe('Ownership verified.');

    // Bring DNS back on the same port for the next test.
    pdns = await startPowerDns({ dnsPort: pdns.dnsPort, zones: [{ name: ZONE, records: [{ name: 'ns1', type: 'A', values: ['127.0.0.1'] }] }] });
  });

  it('removing a verified domain’s record makes it drifted only on the second miss in a row', async () => {
    const domain = await add(`drift.${ZONE}`);
    await publish(domain.instructions[0]);
    expect((await verify(domain.id)).status).toBe('verified');
    await pdns.deleteRecords(ZONE, domain.instructions[0].name, 'TXT');
    expect((await sweep(domain.id)).status).toBe('verified');
    expect((await sweep(domain.id)).status).toBe('drifted');
    expect((await lastEvent(domain.id)).reason).toBe('record_removed');
  });

  it('a missing record is retried on schedule and stalls after the limit', async () => {
    await session.agent.patch(`/v1/organizations/${organizationId}/settings`).set('x-csrf-token', session.csrf).send({ maxAutoRetries: 2 }).expect(200);
    const domain = await add(`never.${ZONE}`);
    expect((await verify(domain.id)).status).toBe('failed_temporary');
    expect((await sweep(domain.id)).status).toBe('failed_temporary');
    const stalled = await sweep(domain.id);
    expect(stalled.status).toBe('stalled');
    expect((await lastEvent(domain.id)).reason).toBe('retries_exhausted');
  });
});
