import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Verification as jobs: rate limit, automatic retries until stalled, the drift watch, and the per-organization
// concurrency cap. A scripted verification method decides each check's outcome; time is moved by setting
// `nextCheckAt` / `lastManualCheckAt` in the past and running the sweep the cron would run.
const script = scriptedVerifier();
const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));

describe('verification jobs', () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  let n = 0;

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted', driftThreshold: 2 }, plugins: [{ package: SCRIPTED }] });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => portico?.stop());
  beforeEach(() => {
    script.outcomes.clear();
    script.gate = null;
    script.maxRunning = 0;
  });

  const api = () => session.agent;
  const add = async (outcome: 'verified' | 'missing' | 'mismatch' | 'error') => {
    const hostname = `d${++n}.verification.example.com`;
    script.outcomes.set(hostname, outcome);
    return (await api().post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', session.csrf).send({ hostname }).expect(201)).body as { id: string; hostname: string };
  };
  const read = async (id: string) => (await api().get(`/v1/domains/${id}`).expect(200)).body;
  const settled = (id: string) => waitFor(() => read(id), (d) => d.status !== 'verifying');
  const verifyNow = (id: string) => api().post(`/v1/domains/${id}/verify`).set('x-csrf-token', session.csrf);
  const events = async (id: string) => (await api().get(`/v1/domains/${id}/events`).expect(200)).body.data.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`);
  /** Make the domain's next automatic check (and the manual rate limit) due now, then run the sweep. */
  const advance = async (id: string) => {
    const em = portico.container.cradle.orm.em.fork();
    await em.nativeUpdate(Domain, { id }, { nextCheckAt: new Date(Date.now() - 1000), lastManualCheckAt: new Date(Date.now() - 3_600_000) });
    return portico.container.cradle.verificationService.dispatchDue();
  };
  const patchSettings = (body: object) =>
    api().patch(`/v1/organizations/${organizationId}/settings`).set('x-csrf-token', session.csrf).send(body).expect(200);

  it('answers a second "verify now" during a check with the running check (one job, one call)', async () => {
    const domain = await add('verified');
    let release!: () => void;
    script.gate = new Promise((r) => (release = r));
    const callsBefore = script.calls.length;
    expect((await verifyNow(domain.id)).status).toBe(202);
    await waitFor(async () => script.running, (r) => r >= 1);
    const again = await verifyNow(domain.id);
    expect(again.status).toBe(202);
    expect(again.body.status).toBe('verifying');
    release();
    expect((await settled(domain.id)).status).toBe('verified');
    expect(script.calls.length - callsBefore).toBe(1);
  });

  it('rate-limits "verify now" per domain with 429, Retry-After and the seconds left', async () => {
    const domain = await add('missing');
    expect((await verifyNow(domain.id)).status).toBe(202);
    expect((await settled(domain.id)).status).toBe('failed_temporary');
    const limited = await verifyNow(domain.id);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('VERIFICATION_RATE_LIMITED');
    const seconds = Number(limited.headers['retry-after']);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(limited.body.error.details.retryAfterSeconds).toBe(seconds);
    expect((await read(domain.id)).status).toBe('failed_temporary'); // nothing changed
  });

  it('retries a temporary failure automatically and stalls after the organization’s limit', async () => {
    await patchSettings({ maxAutoRetries: 2 });
    const domain = await add('missing');
    expect((await verifyNow(domain.id)).status).toBe(202);
    let d = await settled(domain.id);
    expect(d.status).toBe('failed_temporary');
    expect(d.nextCheckAt).not.toBeNull();

    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await advance(domain.id)).toBeGreaterThanOrEqual(1);
      d = await settled(domain.id);
      expect(d.autoRetryCount).toBe(attempt);
    }
    expect(d.status).toBe('stalled');
    expect(d.nextCheckAt).toBeNull();
    expect((await events(domain.id)).slice(-3)).toEqual(['verifying:automatic_retry', 'failed_temporary:record_missing', 'stalled:retries_exhausted']);

    // A person can still ask; a permanent mismatch is never retried automatically.
    script.outcomes.set(domain.hostname, 'mismatch');
    expect((await verifyNow(domain.id)).status).toBe(202);
    d = await settled(domain.id);
    expect(d.status).toBe('failed_permanent');
    expect(d.nextCheckAt).toBeNull();
    await patchSettings({ maxAutoRetries: 10 });
  });

  it('drifts a verified domain only after confirmed misses in a row, never on a checker error, and restores it', async () => {
    const domain = await add('verified');
    await verifyNow(domain.id);
    expect((await settled(domain.id)).status).toBe('verified');

    script.outcomes.set(domain.hostname, 'error'); // the checker fails: no miss counted
    for (let i = 0; i < 3; i++) {
      await advance(domain.id);
      await waitFor(() => read(domain.id), (x) => x.lastCheckedAt !== null && script.calls.filter((h) => h === domain.hostname).length >= 2 + i);
    }
    expect((await read(domain.id)).status).toBe('verified');

    script.outcomes.set(domain.hostname, 'missing'); // first confirmed miss: still verified
    const calls = () => script.calls.filter((h) => h === domain.hostname).length;
    let before = calls();
    await advance(domain.id);
    await waitFor(async () => calls(), (c) => c > before);
    await waitFor(() => read(domain.id), (x) => x.nextCheckAt !== null);
    expect((await read(domain.id)).status).toBe('verified');

    before = calls(); // second miss in a row: drifted
    await advance(domain.id);
    const drifted = await waitFor(() => read(domain.id), (x) => x.status === 'drifted');
    expect(drifted.status).toBe('drifted');
    expect(calls()).toBeGreaterThan(before);

    script.outcomes.set(domain.hostname, 'verified');
    await advance(domain.id);
    expect((await waitFor(() => read(domain.id), (x) => x.status === 'verified')).status).toBe('verified');
    expect((await events(domain.id)).slice(-2)).toEqual(['drifted:record_removed', 'verified:record_restored']);
  });

  /** `count` new domains whose automatic check is long overdue (due before any other domain of the run). */
  const overdue = async (count: number) => {
    const domains = [];
    for (let i = 0; i < count; i++) domains.push(await add('verified'));
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: { $in: domains.map((d) => d.id) } }, { nextCheckAt: new Date('2000-01-01T00:00:00Z') });
    return domains;
  };
  const statuses = async (domains: Array<{ id: string }>) => (await Promise.all(domains.map((d) => read(d.id)))).map((d) => d.status as string);

  it('dispatches every due check in one sweep, a batch per transaction, each check once', async () => {
    const domains = await overdue(5);
    const callsBefore = script.calls.length;
    expect(await portico.container.cradle.verificationService.dispatchDue(new Date(), { batchSize: 2 })).toBeGreaterThanOrEqual(5);
    for (const d of domains) expect((await settled(d.id)).status).toBe('verified');
    const calls = script.calls.slice(callsBefore).filter((h) => domains.some((d) => d.hostname === h));
    expect(calls.sort()).toEqual(domains.map((d) => d.hostname).sort());
  });

  it('stops a sweep after its time budget, between batches; the next sweep dispatches the rest', async () => {
    const domains = await overdue(3);
    const { verificationService } = portico.container.cradle;
    expect(await verificationService.dispatchDue(new Date(), { batchSize: 2, budgetMs: 0 })).toBe(2);
    expect((await statuses(domains)).filter((s) => s === 'pending')).toHaveLength(1);
    expect(await verificationService.dispatchDue(new Date(), { batchSize: 2, budgetMs: 0 })).toBeGreaterThanOrEqual(1);
    for (const d of domains) expect((await settled(d.id)).status).toBe('verified');
  });

  it('runs at most maxConcurrentVerifications checks at once per organization; the rest wait in the queue', async () => {
    await patchSettings({ maxConcurrentVerifications: 1 });
    const domains = [await add('verified'), await add('verified'), await add('verified')];
    let release!: () => void;
    script.gate = new Promise((r) => (release = r));
    for (const d of domains) expect((await verifyNow(d.id)).status).toBe(202);
    await waitFor(async () => script.running, (r) => r >= 1);
    // Give idle workers several polls to (wrongly) start a second check.
    await new Promise((r) => setTimeout(r, 2000));
    expect(script.maxRunning).toBe(1);
    release();
    for (const d of domains) expect((await settled(d.id)).status).toBe('verified');
    expect(script.maxRunning).toBe(1);
    await patchSettings({ maxConcurrentVerifications: 5 });
  });
});
