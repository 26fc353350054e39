import getPort from 'get-port';
import { Domain } from '../src/modules/domains/entity.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// The thin flow through every layer: HTTP → service → PostgreSQL → pg-boss job → kernel verify hook →
// verify-dns-txt → DNS over UDP/TCP to dns-memory's authoritative server → status and events over HTTP.
describe('domain verification flow (dns-memory + verify-dns-txt)', () => {
  let portico: TestPortico;
  let agent: Awaited<ReturnType<typeof signIn>>['agent'];
  let csrf: string;
  let organizationId: string;

  beforeAll(async () => {
    const dnsPort = await getPort({ host: '127.0.0.1' });
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      plugins: [
        { package: '@portico/dns-memory', options: { serve: { port: dnsPort }, zones: [{ name: 'example.test' }] } },
        { package: '@portico/verify-dns-txt' },
      ],
    });
    ({ agent, csrf } = await signIn(portico, 'demo@portico.local', 'portico-demo'));
    organizationId = (await agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => portico?.stop());

  const publishTxt = (name: string, value: string) =>
    portico.kernel.applyRecords('memory', { zone: 'example.test', upsert: [{ name, type: 'TXT', ttl: 60, values: [value] }], remove: [] });

  const addDomain = async (hostname: string) =>
    (await agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname }).expect(201)).body;

  const verifyAndSettle = async (id: string) => {
    // "Verify now" is rate-limited per domain (1/minute by default): move the last manual check into the past.
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id }, { lastManualCheckAt: null });
    const queued = await agent.post(`/v1/domains/${id}/verify`).set('x-csrf-token', csrf).expect(202);
    expect(queued.body.status).toBe('verifying');
    return waitFor(
      async () => (await agent.get(`/v1/domains/${id}`).expect(200)).body,
      (d) => d.status !== 'verifying',
    );
  };

  it('adds a domain and returns the TXT record to create', async () => {
    const domain = await addDomain('Shop.Example.Test.');
    expect(domain).toMatchObject({ hostname: 'shop.example.test', status: 'pending', method: 'dns-txt' });
    expect(domain.instructions).toHaveLength(1);
    expect(domain.instructions[0]).toMatchObject({ type: 'TXT', name: '_portico-challenge.shop.example.test' });
  });

  it('goes pending → verifying → failed_temporary while the record is missing, then verified once it is published', async () => {
    const domain = await addDomain('www.example.test');
    const missing = await verifyAndSettle(domain.id);
    expect(missing.status).toBe('failed_temporary');
    expect(missing.statusMessage).toContain('_portico-challenge.www.example.test');

    const [record] = domain.instructions;
    await publishTxt(record.name, record.value);
    const verified = await verifyAndSettle(domain.id);
    expect(verified.status).toBe('verified');
    expect(verified.verifiedAt).not.toBeNull();

    const events = (await agent.get(`/v1/domains/${domain.id}/events`).expect(200)).body.data;
    expect(events.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`)).toEqual([
      'pending:created',
      'verifying:verification_requested',
      'failed_temporary:record_missing',
      'verifying:verification_requested',
      'verified:verified',
    ]);
    expect(events.every((e: { message: string }) => e.message.length > 0)).toBe(true);
  });

  it('reports a wrong TXT value as a permanent mismatch showing expected and found', async () => {
    const domain = await addDomain('api.example.test');
    await publishTxt(domain.instructions[0].name, 'portico-verification=not-the-token');
    const failed = await verifyAndSettle(domain.id);
    expect(failed.status).toBe('failed_permanent');
    const events = (await agent.get(`/v1/domains/${domain.id}/events`).expect(200)).body.data;
    const last = events.at(-1);
    expect(last.reason).toBe('record_mismatch');
    expect(last.details.found).toContain('portico-verification=not-the-token');
    expect(last.details.expected[0].value).toBe(domain.instructions[0].value);
  });

  it('treats a checker failure (the server refuses the zone) as temporary, never as a missing record', async () => {
    const domain = await addDomain('shop.not-served.test');
    const failed = await verifyAndSettle(domain.id);
    expect(failed.status).toBe('failed_temporary');
    const events = (await agent.get(`/v1/domains/${domain.id}/events`).expect(200)).body.data;
    expect(events.at(-1)).toMatchObject({ reason: 'checker_error', details: { check: 'error' } });
  });

  it('refuses a second claim of the same hostname and a verification of a verified domain', async () => {
    const res = await agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname: 'shop.example.test' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('HOSTNAME_TAKEN');

    const { data } = (await agent.get(`/v1/organizations/${organizationId}/domains`).expect(200)).body;
    const verified = data.find((d: { hostname: string }) => d.hostname === 'www.example.test');
    expect(verified.status).toBe('verified');
    const again = await agent.post(`/v1/domains/${verified.id}/verify`).set('x-csrf-token', csrf);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DOMAIN_NOT_VERIFIABLE');
  });

  it('lists the verification methods the enabled plugins offer', async () => {
    const { data } = (await agent.get('/v1/verification-methods').expect(200)).body;
    expect(data).toEqual([{ method: 'dns-txt', title: 'TXT record', plugin: 'verify.dns-txt', default: true }]);
  });

  it('rejects bad hostnames with HOSTNAME_INVALID', async () => {
    for (const hostname of ['', 'localhost', '127.0.0.1', 'exa mple.com', '-bad.example.com', 'a'.repeat(64) + '.com', 'http://x.com/']) {
      const res = await agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname });
      expect(res.status, hostname).toBe(400);
      expect(['HOSTNAME_INVALID', 'VALIDATION_FAILED'], hostname).toContain(res.body.error.code);
    }
  });
});
