import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderLifecycleDoc } from './lifecycle-doc.ts';
import { DOMAIN_STATUSES, findTransition, TRANSITIONS, VERIFIABLE, WATCHED } from './lifecycle.ts';

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
    expect([...VERIFIABLE].sort()).toEqual(['drifted', 'failed_permanent', 'failed_temporary', 'pending', 'propagating', 'stalled']);
    expect(findTransition('archived', 'verifying', 'verification_requested')).toBeUndefined();
    expect(findTransition('verified', 'verifying', 'verification_requested')).toBeUndefined();
  });

  it('never retries a permanent mismatch automatically, and drifts only from watched states', () => {
    expect(findTransition('failed_permanent', 'verifying', 'automatic_retry')).toBeUndefined();
    for (const t of TRANSITIONS.filter((t) => t.to === 'drifted')) expect(WATCHED.has(t.from!)).toBe(true);
  });

  it('can archive every status except archived itself', () => {
    for (const s of DOMAIN_STATUSES.filter((s) => s !== 'archived')) expect(findTransition(s, 'archived', 'deleted'), s).toBeDefined();
  });
});
