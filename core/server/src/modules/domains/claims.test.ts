import { describe, expect, it } from 'vitest';
import { ROUTABLE } from '../routing/mappings.service.ts';
import { coveringHostnames } from './claims.ts';
import { CLAIM_HELD, VERIFIABLE, findTransition } from './lifecycle.ts';

describe('hostname claim rules', () => {
  it('looks for the claims that may cover a host from the host itself up to its last parent', () => {
    expect(coveringHostnames('a.shop.example.com')).toEqual(['a.shop.example.com', 'shop.example.com', 'example.com']);
    expect(coveringHostnames('*.shop.example.com')).toEqual(['shop.example.com', 'example.com']);
    expect(coveringHostnames('example.test')).toEqual(['example.test']);
  });

  it('routes only claims that hold their hostname, so two organizations never route one hostname', () => {
    for (const status of ROUTABLE) expect(CLAIM_HELD.has(status), status).toBe(true);
  });

  it('lets a taken-over domain prove control again or be deleted, and never holds it meanwhile', () => {
    expect(CLAIM_HELD.has('taken_over')).toBe(false);
    expect(VERIFIABLE.has('taken_over')).toBe(true);
    expect(findTransition('taken_over', 'archived', 'deleted')).toBeDefined();
    for (const status of CLAIM_HELD) expect(findTransition(status, 'taken_over', 'taken_over'), status).toBeDefined();
  });
});
