import { describe, expect, it } from 'vitest';
import { checkBasePath, checkInternalPath, checkPort, checkSubdomain, protocolNotice } from './validation.ts';

describe('mapping field rules (FR-028–FR-031)', () => {
  it.each([
    ['', null],
    ['API', 'api'],
    ['v2.api', 'v2.api'],
    ['*', '*'],
    ['*.eu', '*.eu'],
    ['a'.repeat(63), 'a'.repeat(63)],
  ])('subdomain %j is valid as %j', (raw, value) => {
    expect(checkSubdomain(raw)).toEqual({ value });
  });

  it.each([
    ['my app', 'invalid_characters', 'my-app'],
    ['-api', 'invalid_characters', 'api'],
    ['a'.repeat(64), 'label_too_long', 'a'.repeat(63)],
    ['api..v2', 'empty_label', 'api.v2'],
    ['eu.*', 'invalid_characters', 'eu'],
    ['shop_1', 'invalid_characters', 'shop-1'],
  ])('subdomain %j is refused (%s), suggesting %j', (raw, reason, suggestion) => {
    expect(checkSubdomain(raw).issue).toMatchObject({ field: 'subdomain', reason, suggestion });
  });

  it.each([
    [undefined, '/'],
    ['/', '/'],
    ['/api', '/api'],
    ['/api/v2', '/api/v2'],
    ['/%61pi', '/api'],
    ['/a-b_c.d~e', '/a-b_c.d~e'],
  ])('base path %j is valid as %j', (raw, value) => {
    expect(checkBasePath(raw)).toEqual({ value });
  });

  it.each([
    ['api', 'missing_leading_slash', '/api'],
    ['/api/', 'trailing_slash', '/api'],
    ['/api//v2', 'empty_segment', '/api/v2'],
    ['/api/../admin', 'dot_segment', '/api/admin'],
    ['/api?x=1', 'query_or_fragment', '/api'],
    ['/my path', 'invalid_character', '/my-path'],
    ['/caf%C3%A9', 'invalid_character', '/caf'],
    ["/a!b", 'invalid_character', '/a-b'],
    [`/${'a'.repeat(255)}`, 'too_long', undefined],
  ])('base path %j is refused (%s), suggesting %j', (raw, reason, suggestion) => {
    const { issue } = checkBasePath(raw);
    expect(issue).toMatchObject({ field: 'basePath', reason });
    expect(issue?.suggestion).toBe(suggestion);
  });

  it('an internal path may end with a slash; the base path may not', () => {
    expect(checkInternalPath('/app/')).toEqual({ value: '/app/' });
    expect(checkBasePath('/app/').issue?.reason).toBe('trailing_slash');
    expect(checkInternalPath('app').issue).toMatchObject({ field: 'internalPath', reason: 'missing_leading_slash', suggestion: '/app' });
  });

  it.each([
    [1, undefined],
    [65535, undefined],
    [0, 1],
    [65536, 65535],
    [80.5, 81],
  ])('port %d → suggestion %j', (port, suggestion) => {
    const issue = checkPort(port);
    if (suggestion === undefined) expect(issue).toBeUndefined();
    else expect(issue).toMatchObject({ field: 'internalPort', reason: 'out_of_range', suggestion });
  });

  it('warns about plain HTTP (FR-038, FR-039)', () => {
    expect(protocolNotice('http')).toMatch(/^Not recommended for production/);
    expect(protocolNotice('both')).toMatch(/auto-redirect/);
    expect(protocolNotice('https')).toBeNull();
  });
});
