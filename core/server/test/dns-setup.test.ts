import getPort from 'get-port';
import { getMemoryDnsInstance } from '@portico/dns-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsCredential } from '../src/modules/credentials/entity.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { createOrganizationWithUser } from './factories.ts';
import { flakyDns } from './fixtures/flaky-dns.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Automatic DNS setup over HTTP, end to end in one process: provider detection (nameserver hints), a stored
// credential (verified on save, sealed), the apply job through the kernel's planner, propagation seen at the
// (in-process) authoritative server, then verification. PowerDNS does the same for real in dns-setup-powerdns.
const TOKEN = 'memory-token-5f1c0d9e2b';
const ZONE = 'example.test';

describe('automatic DNS setup (dns-memory)', () => {
  let portico: TestPortico;
  let agent: Awaited<ReturnType<typeof signIn>>['agent'];
  let csrf: string;
  let organizationId: string;
  let projectId: string;
  const bodies: unknown[] = [];

  const post = async (path: string, body: object, status: number) => {
    const res = await agent.post(path).set('x-csrf-token', csrf).send(body);
    bodies.push(res.body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  const get = async (path: string, status = 200) => {
    const res = await agent.get(path);
    bodies.push(res.body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  const zones = () => getMemoryDnsInstance()!.zones;
  const settled = (id: string, until: (status: string) => boolean) =>
    waitFor(
      () => get(`/v1/domains/${id}`),
      (d: { status: string }) => until(d.status),
    );
  const reasons = async (id: string) => (await get(`/v1/domains/${id}/events`)).data.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`);

  beforeAll(async () => {
    const dnsPort = await getPort({ host: '127.0.0.1' });
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      routing: { cnameTarget: 'edge.portico.test', ipv4: ['192.0.2.80'] },
      dnsSetup: { propagationIntervalSeconds: 0.2, applyRetryBaseSeconds: 0.5 },
      plugins: [
        { package: '@portico/dns-memory', options: { token: TOKEN, serve: { port: dnsPort }, zones: [{ name: ZONE }] } },
        { package: './core/server/test/fixtures/flaky-dns.ts' },
        { package: '@portico/verify-dns-txt' },
      ],
    });
    ({ agent, csrf } = await signIn(portico, 'demo@portico.local', 'portico-demo'));
    organizationId = (await get('/v1/organizations')).data[0].id;
    projectId = (await get(`/v1/organizations/${organizationId}/projects`)).data[0].id;
  });
  afterAll(async () => portico?.stop());

  let credentialId: string;

  it('lists enabled providers with their credential schema, then well-known ones for manual setup', async () => {
    const { data } = await get('/v1/providers');
    const memory = data.find((p: { provider: string }) => p.provider === 'memory');
    expect(memory).toMatchObject({ plugin: 'dns.memory', setup: 'api', capabilities: { ownership: 'txt', atomic: true } });
    expect(memory.credentialSchema).toMatchObject({ type: 'object', properties: { token: { type: 'string' } } });
    expect(memory.permissions.length).toBeGreaterThan(0);
    expect(data.find((p: { provider: string }) => p.provider === 'cloudflare')).toMatchObject({ plugin: null, setup: 'manual', nameservers: ['*.ns.cloudflare.com'] });
  });

  it('checks a hostname: zone, provider by nameservers, and that a credential is needed', async () => {
    const check = await post('/v1/domains:check', { hostname: 'Shop.Example.Test.' }, 200);
    expect(check).toMatchObject({
      hostname: 'shop.example.test',
      zone: ZONE,
      provider: { provider: 'memory', confidence: 'high', setup: 'api' },
      automatic: { possible: false, route: null, reason: 'needs_credential', credentials: [] },
      existing: null,
      available: true,
    });
    expect(check.provider.evidence[0]).toContain('*.memory.portico.test');
    expect(check.records).toEqual([
      { name: '_portico-challenge.shop.example.test', type: 'TXT', ttl: 300, values: [expect.stringContaining('<token')] },
      { name: 'shop.example.test', type: 'CNAME', ttl: 300, values: ['edge.portico.test'] },
    ]);
    const apex = await post('/v1/domains:check', { hostname: ZONE }, 200);
    expect(apex.records.find((r: { type: string }) => r.type === 'A')).toMatchObject({ name: ZONE, values: ['192.0.2.80'] });
    expect((await post('/v1/domains:check', { hostname: 'not a host' }, 400)).error.code).toBe('HOSTNAME_INVALID');
  });

  it('refuses a credential the provider rejects, one of the wrong shape, and an unknown provider: nothing stored', async () => {
    const path = `/v1/projects/${projectId}/dns-credentials`;
    const rejected = await post(path, { provider: 'memory', label: 'wrong', credentials: { token: 'not-the-token' } }, 422);
    expect(rejected.error).toMatchObject({ code: 'DNS_CREDENTIAL_REJECTED', details: { kind: 'auth' } });
    expect((await post(path, { provider: 'memory', label: 'shape', credentials: { token: 42 } }, 400)).error.code).toBe('DNS_CREDENTIALS_INVALID');
    expect((await post(path, { provider: 'nope', label: 'x', credentials: {} }, 400)).error.code).toBe('DNS_PROVIDER_UNKNOWN');
    expect((await get(path)).data).toEqual([]);
  });

  it('stores a verified credential sealed, and never shows its secret', async () => {
    const created = await post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: 'Reference', credentials: { token: TOKEN } }, 201);
    credentialId = created.id;
    expect(created).toMatchObject({ provider: 'memory', label: 'Reference', projectId, zones: [ZONE] });
    expect(JSON.stringify(created)).not.toContain(TOKEN);
    const row = await portico.container.cradle.orm.em.fork().findOneOrFail(DnsCredential, { id: credentialId }, { populate: ['sealed'] });
    expect(row.sealed).toMatch(/^v1\.k1\./);
    expect(row.sealed).not.toContain(TOKEN);
    const check = await post('/v1/domains:check', { hostname: 'shop.example.test' }, 200);
    expect(check.automatic).toEqual({ possible: true, route: 'api', reason: 'ready', credentials: [{ id: credentialId, label: 'Reference', projectId }] });
  });

  it('sets a new domain up with no manual step: records written, propagated, verified', async () => {
    const domain = await post(`/v1/organizations/${organizationId}/domains`, { hostname: 'shop.example.test', projectId, dnsCredentialId: credentialId }, 201);
    expect(domain.setup).toMatchObject({ mode: 'api', provider: 'memory', credentialId, zone: ZONE });
    const done = await settled(domain.id, (s) => s === 'verified');
    expect(done.status).toBe('verified');
    expect(await reasons(domain.id)).toEqual(['pending:created', 'propagating:records_applied', 'verifying:records_visible', 'verified:verified']);
    expect(zones().get('shop.example.test', 'CNAME')?.values).toEqual(['edge.portico.test']);
    expect(zones().get('_portico-owner.cname.shop.example.test', 'TXT')?.values).toEqual(['heritage=portico,portico/owner=portico']);
    const diff = await get(`/v1/domains/${domain.id}/dns-diff`);
    expect(diff).toMatchObject({ zone: ZONE, inSync: true });
    expect(diff.records.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok']);
  });

  it('stops at a record it did not write, shows it in the plan and the diff, and takes it over only when told', async () => {
    zones().apply({ zone: ZONE, upsert: [{ name: 'blocked.example.test', type: 'CNAME', ttl: 60, values: ['someone-else.example.net'] }], remove: [] });
    const domain = await post(`/v1/organizations/${organizationId}/domains`, { hostname: 'blocked.example.test', dnsCredentialId: credentialId }, 201);
    const events = await waitFor(
      () => reasons(domain.id),
      (list: string[]) => list.length > 1,
    );
    expect(events).toEqual(['pending:created', 'pending:dns_setup_conflict']);
    expect((await get(`/v1/domains/${domain.id}`)).statusMessage).toContain('someone-else.example.net');
    expect(zones().get('blocked.example.test', 'CNAME')?.values).toEqual(['someone-else.example.net']);
    expect(zones().get('_portico-challenge.blocked.example.test', 'TXT')).toBeUndefined(); // a conflicting plan writes nothing
    const plan = await get(`/v1/domains/${domain.id}/dns-plan?credentialId=${credentialId}`);
    expect(plan.changes.map((c: { action: string }) => c.action)).toEqual(['create', 'conflict']);
    expect(plan.changes[1]).toMatchObject({ name: 'blocked.example.test', type: 'CNAME', reason: 'not_owned', before: ['someone-else.example.net'] });
    const diff = await get(`/v1/domains/${domain.id}/dns-diff`);
    expect(diff.records.map((r: { status: string }) => r.status)).toEqual(['missing', 'different']);

    await post(`/v1/domains/${domain.id}/dns-setup`, { credentialId, adopt: true }, 202);
    expect((await settled(domain.id, (s) => s === 'verified')).status).toBe('verified');
    expect(zones().get('blocked.example.test', 'CNAME')?.values).toEqual(['edge.portico.test']);
  });

  it('retries a rate-limited write after Retry-After, and reports a permanent failure with the records to add by hand', async () => {
    const flaky = await post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'flaky', label: 'Flaky', credentials: {} }, 201);
    flakyDns().failures.push({ kind: 'rate_limit', retryAfterSeconds: 1 }, { kind: 'transient' });
    const retried = await post(`/v1/organizations/${organizationId}/domains`, { hostname: 'retry.example.test', dnsCredentialId: flaky.id }, 201);
    expect((await settled(retried.id, (s) => s === 'verified')).status).toBe('verified');
    expect(flakyDns().failures).toEqual([]);
    expect(flakyDns().writes).toBe(3);

    flakyDns().failures.push({ kind: 'validation' });
    const failed = await post(`/v1/organizations/${organizationId}/domains`, { hostname: 'refused.example.test', dnsCredentialId: flaky.id }, 201);
    const events = await waitFor(
      () => reasons(failed.id),
      (list: string[]) => list.length > 1,
    );
    expect(events).toEqual(['pending:created', 'pending:dns_setup_failed']);
    const after = await get(`/v1/domains/${failed.id}`);
    expect(after.statusMessage).toContain('scripted validation');
    expect(after.instructions).toEqual([expect.objectContaining({ name: '_portico-challenge.refused.example.test', type: 'TXT' })]);
  });

  it('gives up waiting for records that never appear, back to pending with what is missing', async () => {
    const domain = await post(`/v1/organizations/${organizationId}/domains`, { hostname: 'slow.example.test' }, 201);
    const em = portico.container.cradle.orm.em.fork();
    await em.nativeUpdate(Domain, { id: domain.id }, { status: 'propagating', dnsZone: ZONE, propagationStartedAt: new Date(Date.now() - 2 * 3_600_000) });
    await portico.container.cradle.dnsSetupService.runPropagation(domain.id);
    const after = await get(`/v1/domains/${domain.id}`);
    expect(after.status).toBe('pending');
    expect(after.statusMessage).toContain('_portico-challenge.slow.example.test TXT');
  });

  it('a domain outside every known zone: DNS_ZONE_NOT_FOUND, nothing queued', async () => {
    const domain = await post(`/v1/organizations/${organizationId}/domains`, { hostname: 'www.elsewhere.test' }, 201);
    expect((await post(`/v1/domains/${domain.id}/dns-setup`, { credentialId }, 422)).error.code).toBe('DNS_ZONE_NOT_FOUND');
    expect((await get(`/v1/domains/${domain.id}`)).setup.mode).toBe('manual');
  });

  it("keeps tenants apart: another organization's credential is not found, and cannot be used", async () => {
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    const stranger = await signIn(portico, other.email, other.password);
    const theirs = await stranger.agent.get(`/v1/projects/${projectId}/dns-credentials`);
    expect([theirs.status, theirs.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const removal = await stranger.agent.delete(`/v1/dns-credentials/${credentialId}`).set('x-csrf-token', stranger.csrf);
    expect([removal.status, removal.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const domain = await stranger.agent
      .post(`/v1/organizations/${other.organizationId}/domains`)
      .set('x-csrf-token', stranger.csrf)
      .send({ hostname: 'theirs.example.test', dnsCredentialId: credentialId });
    expect([domain.status, domain.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const list = await stranger.agent.get(`/v1/organizations/${other.organizationId}/domains`).expect(200);
    expect(list.body.data).toEqual([]); // the refused request created nothing
  });

  it('never put the credential in a response or a log line', () => {
    expect(JSON.stringify(bodies)).not.toContain(TOKEN);
    expect(portico.logs.length).toBeGreaterThan(10);
    expect(portico.logs.filter((line) => line.includes(TOKEN))).toEqual([]);
  });
});
