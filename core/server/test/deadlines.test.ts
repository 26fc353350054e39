import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES, SCHEDULES } from '../src/jobs/queues.ts';
import { answer } from './fixtures/sequence-verifier.ts';
import { startHarness, type Harness } from './verification-harness.ts';

// Every status that waits for a job has an owner: the `domain.deadlines` sweep moves a domain on once it sat in
// that status past its deadline (a job that dead-lettered, a worker that died), with an event that says why and a
// way to go on. Time is moved by running the sweep at a later `now`, never by sleeping.
describe('domain deadlines', () => {
  let h: Harness;
  const MINUTE = 60_000;
  const sweep = (minutesFromNow: number) => h.portico.container.cradle.verificationService.sweepDeadlines(new Date(Date.now() + minutesFromNow * MINUTE));

  beforeAll(async () => {
    // Defaults: checks 15 min, deploying 30 min, propagation 60 (+15) min, grace 72 h.
    h = await startHarness();
  });
  afterAll(async () => h?.portico.stop());

  it('is a queue of the one queue table, swept every minute; long jobs send heartbeats', () => {
    expect(QUEUES['domain.deadlines']).toMatchObject({ retryLimit: 0, policy: 'singleton' });
    expect(SCHEDULES['domain.deadlines']).toBe('* * * * *');
    for (const queue of ['domain.verify', 'domain.dns-apply', 'domain.probe', 'edge.reconcile'] as const) {
      expect(QUEUES[queue]).toMatchObject({ heartbeatSeconds: expect.any(Number) });
    }
  });

  it('moves a verifying domain whose check never reported back to failed_temporary, retried outside the budget', async () => {
    const domain = await h.add('stuck-verifying', 'verified');
    // The check's job died (dead-lettered): the domain is verifying, nothing is queued.
    await h.update(domain.id, { status: 'verifying', statusChangedAt: new Date(), nextCheckAt: null });
    await sweep(10);
    expect((await h.read(domain.id)).status).toBe('verifying'); // not yet due
    await sweep(16);
    const moved = await h.read(domain.id);
    expect(moved.status).toBe('failed_temporary');
    expect(moved.nextCheckAt).not.toBeNull();
    const last = (await h.events(domain.id)).at(-1)!;
    expect(last).toMatchObject({ reason: 'check_timed_out', details: { minutes: 15, retryInMinutes: 5 } });
    // The retry is a normal check that does not use up the automatic budget.
    const retried = await h.retryCycle(domain.id);
    expect([retried.status, retried.autoRetryCount]).toEqual(['verified', 0]);
  });

  it('moves a propagating domain whose propagation job died back to pending, from where setup or verify starts again', async () => {
    const domain = await h.add('stuck-propagating', 'verified');
    await h.update(domain.id, { status: 'propagating', statusChangedAt: new Date() });
    await sweep(70);
    expect((await h.read(domain.id)).status).toBe('propagating');
    await sweep(76);
    expect((await h.read(domain.id)).status).toBe('pending');
    expect((await h.reasons(domain.id)).at(-1)).toBe('pending:propagation_timeout');
    expect((await h.verifyNow(domain.id)).status).toBe(202);
    expect((await h.settled(domain.id)).status).toBe('verified');
  });

  it('moves a deploying or issuing domain that nothing confirmed back to verified, for the next reconcile', async () => {
    const deploying = await h.addVerified('stuck-deploying');
    const issuing = await h.addVerified('stuck-issuing');
    await h.update(deploying.id, { status: 'deploying', statusChangedAt: new Date() });
    await h.update(issuing.id, { status: 'issuing', statusChangedAt: new Date() });
    await sweep(20);
    expect((await h.read(deploying.id)).status).toBe('deploying');
    const result = await sweep(31);
    expect(result.expired.deploying).toBeGreaterThanOrEqual(1);
    expect((await h.read(deploying.id)).status).toBe('verified');
    expect((await h.reasons(deploying.id)).at(-1)).toBe('verified:deploy_timed_out');
    expect((await h.read(issuing.id)).status).toBe('verified');
    expect((await h.reasons(issuing.id)).at(-1)).toBe('verified:issue_timed_out');
  });

  it('gives a watched domain left without a next check (its watch job dead-lettered) a check, and the watch goes on', async () => {
    const domain = await h.addVerified('unscheduled', 'verified');
    await h.update(domain.id, { nextCheckAt: null });
    const result = await sweep(0);
    expect(result.rescheduled).toBeGreaterThanOrEqual(1);
    expect((await h.read(domain.id)).nextCheckAt).not.toBeNull();
    const checked = await h.watchCycle(domain.id);
    expect(checked.status).toBe('verified');
  });

  it('suspends a drifted domain only once its grace period is over, and restores it when the record is back', async () => {
    const domain = await h.addVerified('grace', 'missing');
    await h.watchCycle(domain.id);
    expect((await h.watchCycle(domain.id)).status).toBe('drifted');
    const drift = (await h.events(domain.id)).at(-1)!;
    expect(drift.details).toMatchObject({ graceHours: 72, graceEndsAt: expect.any(String) });
    await sweep(71 * 60);
    expect((await h.read(domain.id)).status).toBe('drifted');
    await sweep(73 * 60);
    expect((await h.read(domain.id)).status).toBe('suspended');
    expect((await h.reasons(domain.id)).at(-1)).toBe('suspended:drift_grace_expired');
    expect((await h.watchCycle(domain.id)).status).toBe('suspended'); // still watched
    answer(domain.hostname, 'verified');
    expect((await h.watchCycle(domain.id)).status).toBe('verified');
    expect((await h.reasons(domain.id)).at(-1)).toBe('verified:record_restored');
  });
});
