import { describe, expect, it } from 'vitest';
import { normaliseBasePath, normaliseInternalPath } from './routing-paths.ts';

describe('normaliseBasePath', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/api', '/api'],
    ['/api/', '/api'],
    ['/v1/users', '/v1/users'],
    ['/API', '/API'],
    ['/a~b_c.d-e', '/a~b_c.d-e'],
    ['/%61pi', '/api'],
    [`/${'a'.repeat(254)}`, `/${'a'.repeat(254)}`],
    [`/${'a'.repeat(254)}/`, `/${'a'.repeat(254)}`],
  ])('%j → %j', (input, path) => {
    expect(normaliseBasePath(input)).toEqual({ ok: true, path });
  });

  it.each([
    ['api', 'missing_leading_slash', '/api'],
    [' /api', 'missing_leading_slash', '/api'],
    ['/api?x=1', 'query_or_fragment', '/api'],
    ['/api#top', 'query_or_fragment', '/api'],
    ['api?x', 'query_or_fragment', '/api'],
    ['/a//b', 'empty_segment', '/a/b'],
    ['/api//', 'empty_segment', '/api'],
    ['//', 'empty_segment', '/'],
    ['/a/../b', 'dot_segment', '/a/b'],
    ['/./a', 'dot_segment', '/a'],
    ['/%2e%2e/a', 'dot_segment', '/a'],
    ['/my path', 'invalid_character', '/my-path'],
    ['/a%20b', 'invalid_character', '/a-b'],
    ['/a%2Fb', 'invalid_character', '/a/b'],
    ['/a;b', 'invalid_character', '/a-b'],
    ['/ü', 'invalid_character', undefined],
    ['/a%zz', 'invalid_character', '/a-zz'],
    [`/${'a'.repeat(255)}`, 'too_long', undefined],
  ])('%j is refused: %s, suggestion %j', (input, reason, suggestion) => {
    const result = normaliseBasePath(input);
    expect(result).toMatchObject({ ok: false, reason, message: expect.any(String) });
    expect(result.ok === false && result.suggestion).toBe(suggestion ?? undefined);
    if (suggestion !== undefined) expect(normaliseBasePath(suggestion)).toEqual({ ok: true, path: suggestion });
  });
});

describe('normaliseInternalPath', () => {
  it.each([
    ['', { ok: true, path: '/' }],
    ['/', { ok: true, path: '/' }],
    ['/svc', { ok: true, path: '/svc' }],
    ['/svc/', { ok: true, path: '/svc/' }],
    [`/${'a'.repeat(300)}`, { ok: true, path: `/${'a'.repeat(300)}` }],
    ['svc', { ok: false, reason: 'missing_leading_slash', suggestion: '/svc' }],
    ['/svc//x', { ok: false, reason: 'empty_segment', suggestion: '/svc/x' }],
    ['/a b/', { ok: false, reason: 'invalid_character', suggestion: '/a-b/' }],
  ])('%j → %j', (input, expected) => {
    expect(normaliseInternalPath(input)).toMatchObject(expected);
  });
});
