import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderLifecycleDoc } from './lifecycle-doc.ts';
import { checkErrorDelayMinutes, DEADLINES, formatMinutes } from './deadlines.ts';
import { DOMAIN_STATUSES, findTransition, RECHECKABLE, TRANSITIONS, VERIFIABLE, WATCHED } from './lifecycle.ts';

describe('lifecycle table', () => {
  it('is documented exactly in docs/reference/lifecycle.md (run `npm run docs:generate` after changing it)', () => {
    expect(readFileSync(new URL('../../../../../docs/reference/lifecycle.md', import.meta.url), 'utf8')).toBe(renderLifecycleDoc());
  });

  it('names only known statuses, has no duplicate rows, and gives every row a message', () => {
    const keys = TRANSITIONS.map((t) => `${t.from}>${t.to}:${t.reason}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of TRANSITIONS) {
      if (t.from) expect(DOMAIN_STATUSES).toContain(t.from);
      expect(DOMAIN_STATUSES).toContain(t.to);
      expect(t.message.length).toBeGreaterThan(5);
    }
  });

  it('lets people verify again from every failure state and while records propagate, but not while verified or archived', () => {
    expect([...VERIFIABLE].sort()).toEqual(['failed_permanent', 'failed_temporary', 'pending', 'propagating', 'stalled', 'taken_over']);
    expect(findTransition('archived', 'verifying', 'verification_requested')).toBeUndefined();
    expect(findTransition('verified', 'verifying', 'verification_requested')).toBeUndefined();
  });

  it('never retries a permanent mismatch automatically, and drifts only from watched states', () => {
    expect(findTransition('failed_permanent', 'verifying', 'automatic_retry')).toBeUndefined();
    for (const t of TRANSITIONS.filter((t) => t.to === 'drifted')) expect(WATCHED.has(t.from!)).toBe(true);
  });

  it('re-checks a drifted or suspended domain in place: "verify now" never takes a drifted domain out of its routes', () => {
    expect([...RECHECKABLE].sort()).toEqual(['drifted', 'suspended']);
    for (const s of RECHECKABLE) {
      expect(VERIFIABLE.has(s)).toBe(false);
      expect(WATCHED.has(s)).toBe(true);
      expect(findTransition(s, 'verified', 'record_restored')).toBeDefined();
    }
  });

  it('suspends only a drifted domain (after its grace period), and never blames the customer for a checker error', () => {
    expect(TRANSITIONS.filter((t) => t.to === 'suspended' && t.from !== 'suspended').map((t) => `${t.from}:${t.reason}`)).toEqual(['drifted:drift_grace_expired']);
    for (const reason of ['checker_error', 'check_timed_out']) {
      expect(findTransition('verifying', 'failed_temporary', reason)!.message).toContain('not a problem with your records');
    }
  });

  it('gives every status that waits for a job an owner in the deadline sweep, and each deadline its transition', () => {
    const reasons: Record<string, string> = { verifying: 'check_timed_out', propagating: 'propagation_timeout', deploying: 'deploy_timed_out', issuing: 'issue_timed_out', drifted: 'drift_grace_expired' };
    expect(DEADLINES.map((d) => d.status).sort()).toEqual(Object.keys(reasons).sort());
    for (const d of DEADLINES) expect(TRANSITIONS.some((t) => t.from === d.status && t.reason === reasons[d.status]), d.status).toBe(true);
  });

  it('retries checker errors on a doubling backoff with a ceiling', () => {
    expect([1, 2, 3, 4, 10].map((n) => checkErrorDelayMinutes(n, 5, 360))).toEqual([5, 10, 20, 40, 360]);
    expect(formatMinutes(5)).toBe('5 minutes');
    expect(formatMinutes(360)).toBe('6 hours');
  });

  it('can archive every status except archived itself', () => {
    for (const s of DOMAIN_STATUSES.filter((s) => s !== 'archived')) expect(findTransition(s, 'archived', 'deleted'), s).toBeDefined();
  });
});
