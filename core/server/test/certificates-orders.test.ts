import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Certificate } from '../src/modules/certificates/entity.ts';
import { CertificateOrder } from '../src/modules/certificates/order.entity.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { createOrganizationWithUser } from './factories.ts';
import { hold, scriptedIssuer } from './fixtures/scripted-issuer.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Certificate orders through the server with a scripted issuer (no CA): failures are retried with backoff and stay
// visible, one order per hostname at a time whoever asks, the CA's rate limits hold orders back with a status, and a
// hostname claimed again by another organization gets a certificate of its own.
const ISSUER = fileURLToPath(new URL('./fixtures/scripted-issuer.ts', import.meta.url));
const MINUTE = 60_000;

describe('certificate orders: retries, one order per hostname, rate limits', { timeout: 60_000 }, () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let projectId: string;
  const em = () => portico.container.cradle.orm.em.fork();
  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const row = (domainId: string, hostname: string) => em().findOne(Certificate, { domain: domainId, hostname });
  const settled = (domainId: string, hostname: string) =>
    waitFor(
      () => row(domainId, hostname),
      (c) => Boolean(c && !c.requestedAt && !c.orderingUntil && c.status !== 'issuing' && c.status !== 'renewing'),
      200,
      50,
    );
  const jobsFor = async (hostname: string) =>
    Number(
      (
        await em()
          .getConnection()
          .execute<Array<{ count: string }>>("select count(*) as count from pgboss.job where name = 'certificate.issue' and data->>'hostname' = ?", [hostname])
      )[0]!.count,
    );
  /** A verified domain of the demo organization's project. */
  const domain = async (hostname: string): Promise<string> => {
    const id = (await post(`/v1/projects/${projectId}/domains`, { hostnames: [hostname] }).expect(200)).body.created[0].id as string;
    await em().nativeUpdate(Domain, { id }, { status: 'verified' });
    return id;
  };

  beforeAll(async () => {
    portico = await startTestPortico({
      dns: { mode: 'resolver', servers: ['127.0.0.1:9'], timeoutMs: 200, tries: 1 },
      certificates: { limits: { certificatesPerRegisteredDomain: 3, failedValidationsPerHostname: 2 } },
      plugins: [{ package: '@portico/verify-dns-txt' }, { package: ISSUER }],
    });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
  }, 120_000);
  afterAll(async () => {
    await portico?.stop();
  }, 120_000);
  beforeEach(() => {
    const script = scriptedIssuer();
    script.outcomes.clear();
    script.calls.length = 0;
    script.maxRunning = 0;
  });

  it('retries a failed issuance after its backoff, showing the reason and the next attempt meanwhile', async () => {
    const id = await domain(`shop.retry.test`);
    scriptedIssuer().outcomes.set(`shop.retry.test`, [{ reason: 'challenge_unreachable' }]);
    await post(`/v1/domains/${id}/certificates`, {}).expect(202);
    const failed = await settled(id, `shop.retry.test`);
    expect(failed).toMatchObject({ status: 'failed', reason: 'challenge_unreachable', attempts: 1 });
    expect(failed!.nextAttemptAt!.getTime() - failed!.lastCheckedAt!.getTime()).toBe(5 * MINUTE);
    const [listed] = (await session.agent.get(`/v1/domains/${id}/certificates`).expect(200)).body.data;
    expect(listed).toMatchObject({ status: 'failed', reason: 'challenge_unreachable', attempts: 1, nextAttemptAt: failed!.nextAttemptAt!.toISOString() });

    const { certificateService } = portico.container.cradle;
    expect(await certificateService.renewDue(new Date(failed!.nextAttemptAt!.getTime() - MINUTE))).toBe(0); // not yet
    expect(await certificateService.renewDue(new Date(failed!.nextAttemptAt!.getTime() + 1000))).toBe(1);
    expect(await settled(id, `shop.retry.test`)).toMatchObject({ status: 'active', reason: null, attempts: 0, nextAttemptAt: null });
  });

  it('retries a failed renewal too: the old certificate stays in force meanwhile', async () => {
    const hostname = 'shop.renew.test';
    const id = await domain(hostname);
    await post(`/v1/domains/${id}/certificates`, {}).expect(202);
    const issued = await settled(id, hostname);
    expect(issued?.status).toBe('active');
    const soon = new Date(Date.now() + 10 * 86_400_000);
    await em().nativeUpdate(Certificate, { id: issued!.id }, { notAfter: soon, status: 'expiring' });
    scriptedIssuer().outcomes.set(hostname, [{ reason: 'timeout' }, { reason: 'directory' }]);
    const { certificateService } = portico.container.cradle;
    expect(await certificateService.renewDue()).toBeGreaterThanOrEqual(1);
    const first = await settled(id, hostname);
    expect(first).toMatchObject({ status: 'failed', reason: 'timeout', attempts: 1, notAfter: soon });
    expect(await certificateService.renewDue(new Date(first!.nextAttemptAt!.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    const second = await settled(id, hostname);
    expect(second).toMatchObject({ status: 'failed', reason: 'directory', attempts: 2 });
    expect(second!.nextAttemptAt!.getTime() - second!.lastCheckedAt!.getTime()).toBe(30 * MINUTE); // the next step
    expect(await certificateService.renewDue(new Date(second!.nextAttemptAt!.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    const renewed = await settled(id, hostname);
    expect(renewed?.status).toBe('active');
    expect(renewed!.notAfter!.getTime()).toBeGreaterThan(soon.getTime());
  });

  it('three sweeps queue one order for a hostname due for renewal', async () => {
    const hostname = 'shop.sweeps.test';
    const id = await domain(hostname);
    await post(`/v1/domains/${id}/certificates`, {}).expect(202);
    const issued = await settled(id, hostname);
    const before = await jobsFor(hostname);
    await em().nativeUpdate(Certificate, { id: issued!.id }, { notAfter: new Date(Date.now() + 5 * 86_400_000) });
    const open = hold();
    try {
      const { certificateService } = portico.container.cradle;
      await Promise.all([certificateService.renewDue(), certificateService.renewDue(), certificateService.renewDue()]);
      expect(await jobsFor(hostname)).toBe(before + 1);
    } finally {
      open();
    }
    expect((await settled(id, hostname))?.status).toBe('active');
    expect(scriptedIssuer().calls.filter((h) => h === hostname)).toHaveLength(2);
  });

  it('duplicate jobs run one order; asking again while it runs answers the running one', async () => {
    const hostname = 'shop.busy.test';
    const id = await domain(hostname);
    const open = hold();
    try {
      expect((await post(`/v1/domains/${id}/certificates`, { hostname }).expect(202)).body.orders).toEqual([expect.objectContaining({ hostname, state: 'queued' })]);
      const { jobs } = portico.container.cradle;
      for (let i = 0; i < 3; i++) await jobs.send('certificate.issue', { domainId: id, hostname });
      await waitFor(async () => scriptedIssuer().running.get(hostname) ?? 0, (n) => n === 1, 200, 50);
      const again = (await post(`/v1/domains/${id}/certificates`, { hostname }).expect(202)).body.orders;
      expect(again).toEqual([expect.objectContaining({ hostname, state: 'running' })]);
    } finally {
      open();
    }
    expect((await settled(id, hostname))?.status).toBe('active');
    // Let the duplicates reach the worker: each finds nothing wanted and does nothing.
    await waitFor(
      async () => Number((await em().getConnection().execute<Array<{ n: string }>>("select count(*) as n from pgboss.job where name = 'certificate.issue' and data->>'hostname' = ? and state in ('created', 'active', 'retry')", [hostname]))[0]!.n),
      (n) => n === 0,
      200,
      50,
    );
    expect(scriptedIssuer().calls.filter((h) => h === hostname)).toEqual([hostname]);
    expect(scriptedIssuer().maxRunning).toBe(1);
  });

  it('holds new certificates back at the registered-domain limit, with the time it lifts; renewals still go', async () => {
    const zone = 'limited.test';
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) ids.push(await domain(`${name}.${zone}`));
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      await post(`/v1/domains/${ids[i]}/certificates`, {}).expect(202);
      expect((await settled(ids[i]!, `${name}.${zone}`))?.status).toBe('active');
    }
    await post(`/v1/domains/${ids[3]}/certificates`, {}).expect(202);
    const held = await settled(ids[3]!, `d.${zone}`);
    expect(held).toMatchObject({ status: 'rate_limited', reason: 'registered_domain_limit' });
    const oldest = await em().findOneOrFail(CertificateOrder, { registeredDomain: zone, outcome: 'issued' }, { orderBy: { createdAt: 'asc' } });
    expect(held!.nextAttemptAt!.getTime()).toBe(oldest.createdAt.getTime() + 168 * 3_600_000);
    expect(scriptedIssuer().calls).not.toContain(`d.${zone}`);
    // Asking again while held answers the hold, and queues nothing.
    const again = (await post(`/v1/domains/${ids[3]}/certificates`, {}).expect(202)).body.orders[0];
    expect(again).toMatchObject({ state: 'held', retryAt: held!.nextAttemptAt!.toISOString() });
    // A renewal is never held back by this limit.
    const a = await row(ids[0]!, `a.${zone}`);
    await em().nativeUpdate(Certificate, { id: a!.id }, { notAfter: new Date(Date.now() + 86_400_000) });
    await portico.container.cradle.certificateService.renewDue();
    await waitFor(() => row(ids[0]!, `a.${zone}`), (c) => c!.notAfter!.getTime() > Date.now() + 30 * 86_400_000, 200, 50);
    expect(scriptedIssuer().calls.filter((h) => h === `a.${zone}`)).toHaveLength(2);
  });

  it('holds a hostname back after too many failed validations within the hour', async () => {
    const hostname = 'shop.flaky.test';
    const id = await domain(hostname);
    scriptedIssuer().outcomes.set(hostname, [{ reason: 'challenge_failed' }, { reason: 'challenge_failed' }]);
    for (let i = 0; i < 2; i++) {
      await post(`/v1/domains/${id}/certificates`, {}).expect(202);
      expect((await settled(id, hostname))?.reason).toBe('challenge_failed');
    }
    await post(`/v1/domains/${id}/certificates`, {}).expect(202);
    const held = await settled(id, hostname);
    expect(held).toMatchObject({ status: 'rate_limited', reason: 'failed_validation_limit' });
    expect(held!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 50 * MINUTE);
    expect(scriptedIssuer().calls.filter((h) => h === hostname)).toHaveLength(2);
  });

  it("honours the CA's rate limit and Retry-After", async () => {
    const hostname = 'shop.ca-limit.test';
    const id = await domain(hostname);
    scriptedIssuer().outcomes.set(hostname, [{ reason: 'rate_limited', retryAfterSeconds: 7200 }]);
    await post(`/v1/domains/${id}/certificates`, {}).expect(202);
    const held = await settled(id, hostname);
    expect(held).toMatchObject({ status: 'rate_limited', reason: 'rate_limited' });
    expect(held!.nextAttemptAt!.getTime() - held!.lastCheckedAt!.getTime()).toBe(7200 * 1000);
  });

  it('keys certificates per claim: a hostname claimed again by another organization gets its own row', async () => {
    const hostname = 'shop.moved.test';
    const first = await domain(hostname);
    await post(`/v1/domains/${first}/certificates`, {}).expect(202);
    const old = await settled(first, hostname);
    expect(old?.status).toBe('active');
    await em().nativeUpdate(Domain, { id: first }, { status: 'archived' });

    const other = await createOrganizationWithUser(portico);
    const otherSession = await signIn(portico, other.email, other.password);
    const added = await otherSession.agent.post(`/v1/projects/${other.projectId}/domains`).set('x-csrf-token', otherSession.csrf).send({ hostnames: [hostname] }).expect(200);
    const second = added.body.created[0].id as string;
    await em().nativeUpdate(Domain, { id: second }, { status: 'verified' });
    await otherSession.agent.post(`/v1/domains/${second}/certificates`).set('x-csrf-token', otherSession.csrf).send({}).expect(202);
    const mine = await settled(second, hostname);
    expect(mine?.status).toBe('active');
    expect(mine!.id).not.toBe(old!.id);
    expect((await otherSession.agent.get(`/v1/domains/${second}/certificates`).expect(200)).body.data).toEqual([expect.objectContaining({ id: mine!.id, hostname })]);
    expect((await row(first, hostname))?.notAfter).toEqual(old!.notAfter); // the old claim's row is untouched
  });

  it('supplies edges only the certificates of claims that hold their hostname and route it, keys unsealed', async () => {
    const hostname = 'app.shop.deliver.test';
    const id = await domain('shop.deliver.test');
    await post(`/v1/domains/${id}/certificates`, { hostname }).expect(202);
    const issued = await settled(id, hostname);
    expect(issued?.status).toBe('active');
    const { certificateService } = portico.container.cradle;
    const mine = async () => (await certificateService.supplied()).filter((c) => c.hostnames.includes(hostname));
    expect(await mine()).toEqual([]); // not routed yet
    const stamp = await certificateService.suppliedStamp();
    const service = (await post(`/v1/projects/${projectId}/services`, { name: 'deliver', upstreamHost: '127.0.0.1', upstreamPort: 9 }).expect(201)).body;
    await post(`/v1/projects/${projectId}/mappings`, { serviceId: service.id, domainId: id, subdomain: 'app', basePath: '/', protocol: 'https' }).expect(201);
    const [supplied] = await mine();
    expect(supplied).toMatchObject({ hostnames: [hostname], notAfter: issued!.notAfter });
    expect(supplied!.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await certificateService.suppliedStamp()).not.toBe(stamp);
    await em().nativeUpdate(Domain, { id }, { status: 'disabled' });
    expect(await mine()).toEqual([]);
  });

  it('marks certificates expired once notAfter passes, and leaves archived claims out of /metrics', async () => {
    const hostname = 'shop.lapse.test';
    const id = await domain(hostname);
    // A certificate an edge obtained (the sweep never orders those), found expired by the sweep.
    const lapsed = em().create(Certificate, { domain: em().getReference(Domain, id), hostname, source: 'edge:caddy-1', status: 'active', notAfter: new Date(Date.now() - 1000) });
    await em().persist(lapsed).flush();
    // An archived claim's certificate, long expired, must not drive the earliest expiry.
    const gone = await domain('shop.gone.test');
    const old = em().create(Certificate, { domain: em().getReference(Domain, gone), hostname: 'shop.gone.test', source: 'edge:caddy-1', status: 'expired', notAfter: new Date(Date.now() - 365 * 86_400_000) });
    await em().persist(old).flush();
    await em().nativeUpdate(Domain, { id: gone }, { status: 'archived' });
    await portico.container.cradle.certificateService.renewDue();
    expect((await row(id, hostname))?.status).toBe('expired');
    const text = (await portico.http.get('/metrics').expect(200)).text;
    const earliest = Number(/^portico_certificate_earliest_expiry_seconds (\S+)$/m.exec(text)![1]);
    expect(earliest).toBeLessThan(0);
    expect(earliest).toBeGreaterThan(-86_400);
    expect(Number(/^portico_certificates\{status="expired"\} (\S+)$/m.exec(text)![1])).toBe(1);
  });
});

describe('certificate metrics on an empty install', { timeout: 60_000 }, () => {
  let portico: TestPortico;
  beforeAll(async () => {
    portico = await startTestPortico({ seedDemo: false });
  }, 120_000);
  afterAll(async () => {
    await portico?.stop();
  }, 120_000);

  it('reports no earliest expiry (NaN, never 0) and nothing expiring', async () => {
    const text = (await portico.http.get('/metrics').expect(200)).text;
    // NaN (prom-client writes `Nan`, which Prometheus parses as NaN): a `< 14 * 86400` alert never fires on it.
    const earliest = /^portico_certificate_earliest_expiry_seconds (\S+)$/m.exec(text)?.[1];
    expect(earliest).toMatch(/^nan$/i);
    expect(/^portico_certificates_expiring_14d (\S+)$/m.exec(text)?.[1]).toBe('0');
  });
});
