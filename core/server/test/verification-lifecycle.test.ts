import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answer, checksOf, sequenceVerifier } from './fixtures/sequence-verifier.ts';
import { waitFor } from './helpers.ts';
import { startHarness, type Harness } from './verification-harness.ts';

// Checker errors are Portico's problem, never the customer's: they never count as misses, never use up the
// automatic retry budget and never stall a domain. A check that throws, a check that never reports back, a watch
// job that raced a status change and a method no plugin offers any more never leave a domain stuck or break reads.
describe('verification lifecycle: checker errors and stuck checks', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ driftThreshold: 2, checkErrorRetryMinutes: 5 });
  });
  afterAll(async () => h?.portico.stop());
  beforeEach(() => {
    sequenceVerifier().gate = null;
  });

  it('a method that only answers "error" never stalls and never uses the retry budget; misses still do', async () => {
    await h.api.patch(`/v1/organizations/${h.owner.organizationId}/settings`, { maxAutoRetries: 2 }).expect(200);
    const domain = await h.add('error-only', 'error');
    expect((await h.verifyNow(domain.id)).status).toBe(202);
    let d = await h.settled(domain.id);
    expect(d.status).toBe('failed_temporary');
    for (let i = 0; i < 5; i++) {
      d = await h.retryCycle(domain.id);
      expect(d.status).toBe('failed_temporary');
      expect(d.autoRetryCount).toBe(0);
      expect(d.nextCheckAt).not.toBeNull();
    }
    const events = await h.events(domain.id);
    expect(events.map((e) => e.reason)).not.toContain('retries_exhausted');
    const failures = events.filter((e) => e.toStatus === 'failed_temporary');
    expect(failures.map((e) => e.reason)).toEqual(Array(6).fill('checker_error'));
    // Backoff of its own: doubling from checkErrorRetryMinutes, capped at the automatic retry interval (6 h).
    expect(failures.map((e) => e.details?.retryInMinutes)).toEqual([5, 10, 20, 40, 80, 160]);
    expect(events.filter((e) => e.reason === 'automatic_retry').every((e) => e.details?.afterCheckError === true)).toBe(true);

    // The record is simply missing now: the untouched budget (2 automatic retries) applies, then it stalls.
    answer(domain.hostname, 'missing');
    d = await h.retryCycle(domain.id);
    expect([d.status, d.autoRetryCount]).toEqual(['failed_temporary', 0]);
    d = await h.retryCycle(domain.id);
    expect([d.status, d.autoRetryCount]).toEqual(['failed_temporary', 1]);
    d = await h.retryCycle(domain.id);
    expect([d.status, d.autoRetryCount]).toEqual(['stalled', 2]);
    expect((await h.reasons(domain.id)).slice(-2)).toEqual(['failed_temporary:record_missing', 'stalled:retries_exhausted']);
    await h.api.patch(`/v1/organizations/${h.owner.organizationId}/settings`, { maxAutoRetries: 10 }).expect(200);
  });

  it('miss, error, miss does not drift a verified domain: only misses in a row count', async () => {
    const domain = await h.addVerified('miss-error-miss', 'missing', 'error', 'missing', 'missing');
    expect((await h.watchCycle(domain.id)).status).toBe('verified'); // miss 1
    expect((await h.watchCycle(domain.id)).status).toBe('verified'); // checker error: the count starts again
    expect((await h.watchCycle(domain.id)).status).toBe('verified'); // miss 1 again
    expect((await h.watchCycle(domain.id)).status).toBe('drifted'); // miss 2 in a row
    expect((await h.reasons(domain.id)).at(-1)).toBe('drifted:record_removed');
  });

  it('a plugin that throws on every check leaves verifying with a checker error, and retries without using the budget', async () => {
    const domain = await h.add('throws', 'throw');
    expect((await h.verifyNow(domain.id)).status).toBe(202);
    const d = await h.settled(domain.id);
    expect(d.status).toBe('failed_temporary');
    expect(d.nextCheckAt).not.toBeNull();
    const last = (await h.events(domain.id)).at(-1)!;
    expect(last.reason).toBe('checker_error');
    expect(last.message).not.toContain('secret-ish'); // the plugin's own text is logged, never shown
    const again = await h.retryCycle(domain.id);
    expect([again.status, again.autoRetryCount]).toEqual(['failed_temporary', 0]);
  });

  it('a watched domain whose plugin throws stays verified and keeps being watched', async () => {
    const domain = await h.addVerified('watch-throws', 'throw');
    for (let i = 0; i < 3; i++) {
      const d = await h.watchCycle(domain.id);
      expect(d.status).toBe('verified');
      expect(d.nextCheckAt).not.toBeNull();
    }
  });

  it('"verify now" on a domain whose check was lost gives that check up and starts a new one', async () => {
    const domain = await h.add('lost-check', 'verified');
    // A check that died with its job: verifying since 20 minutes (the deadline is 15), no job left.
    await h.update(domain.id, { status: 'verifying', statusChangedAt: new Date(Date.now() - 20 * 60_000), nextCheckAt: null });
    const calls = checksOf(domain.hostname);
    const res = await h.verifyNow(domain.id);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('verifying');
    expect((await h.settled(domain.id)).status).toBe('verified');
    expect(checksOf(domain.hostname)).toBe(calls + 1);
    expect((await h.reasons(domain.id)).slice(-3)).toEqual(['failed_temporary:check_timed_out', 'verifying:verification_requested', 'verified:verified']);
  });

  it('"verify now" during a check that is still within its deadline answers with the running check', async () => {
    const domain = await h.add('running-check', 'verified');
    await h.update(domain.id, { status: 'verifying', statusChangedAt: new Date(), nextCheckAt: null });
    const calls = checksOf(domain.hostname);
    const res = await h.verifyNow(domain.id);
    expect([res.status, res.body.status]).toEqual([202, 'verifying']);
    expect(checksOf(domain.hostname)).toBe(calls);
    expect((await h.reasons(domain.id)).at(-1)).toBe('pending:created');
  });

  it('a watch job that finds the domain in another status leaves it scheduled, so the watch goes on', async () => {
    const domain = await h.addVerified('raced', 'verified');
    const script = sequenceVerifier();
    let release!: () => void;
    script.gate = new Promise((r) => (release = r));
    const calls = checksOf(domain.hostname);
    await h.update(domain.id, { nextCheckAt: new Date(Date.now() - 1000) });
    await h.portico.container.cradle.verificationService.dispatchDue();
    await waitFor(async () => checksOf(domain.hostname), (c) => c > calls);
    // While the check runs, the domain leaves the watched statuses (and later comes back without a new schedule).
    await h.update(domain.id, { status: 'propagating' });
    release();
    await waitFor(async () => script.running, (r) => r === 0);
    await h.update(domain.id, { status: 'verified' });
    const after = await h.read(domain.id);
    expect(after.nextCheckAt).not.toBeNull();
    // Once the dispatched check's deadline has passed, the sweep dispatches the domain again.
    const later = new Date(Date.now() + 16 * 60_000);
    await h.portico.container.cradle.verificationService.dispatchDue(later);
    await waitFor(async () => checksOf(domain.hostname), (c) => c > calls + 1);
    expect(checksOf(domain.hostname)).toBeGreaterThan(calls + 1);
  });

  it('a domain whose method no plugin offers any more: lists and reads answer, and "verify now" refuses before writing', async () => {
    const domain = await h.add('method-gone', 'verified');
    await h.update(domain.id, { method: 'no-such-method' });
    const list = await h.api.get(`/v1/organizations/${h.owner.organizationId}/domains`).expect(200);
    const listed = list.body.data.find((d: { id: string }) => d.id === domain.id);
    expect(listed).toMatchObject({ methodAvailable: false, instructions: [] });
    expect(list.body.data.filter((d: { methodAvailable: boolean }) => d.methodAvailable).length).toBeGreaterThan(0);
    expect((await h.read(domain.id)).methodAvailable).toBe(false);

    const before = await h.events(domain.id);
    const res = await h.verifyNow(domain.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('VERIFY_METHOD_UNAVAILABLE');
    expect((await h.read(domain.id)).status).toBe('pending');
    expect(await h.events(domain.id)).toHaveLength(before.length);

    // An automatic check of it is a checker error (not the customer's doing), not a domain stuck in verifying.
    const retried = await h.retryCycle(domain.id);
    expect(retried.status).toBe('failed_temporary');
    expect((await h.reasons(domain.id)).at(-1)).toBe('failed_temporary:checker_error');
  });
});
