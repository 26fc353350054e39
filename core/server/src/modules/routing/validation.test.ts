import { describe, expect, it } from 'vitest';
import { checkBasePath, checkInternalPath, checkPort, checkSubdomain, checkUpstreamHost, compileUpstreamPolicy, parseUpstreamPattern, protocolNotice } from './validation.ts';

describe('mapping field rules: subdomain, base path, internal path, port', () => {
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

  it('warns about plain HTTP and about accepting both protocols', () => {
    expect(protocolNotice('http')).toMatch(/^Not recommended for production/);
    expect(protocolNotice('both')).toMatch(/auto-redirect/);
    expect(protocolNotice('https')).toBeNull();
  });
});

describe('upstream hosts', () => {
  const open = compileUpstreamPolicy({});

  it.each([
    ['web', 'web'],
    ['Web.Internal.', 'web.internal'],
    ['  api-1.svc.cluster.local ', 'api-1.svc.cluster.local'],
    ['10.0.0.7', '10.0.0.7'],
    ['127.0.0.1', '127.0.0.1'],
    ['[FD12::7]', 'fd12::7'],
    ['2606:4700::1', '2606:4700::1'],
    ['1.2.3.4.nip.io', '1.2.3.4.nip.io'],
  ])('%j is an upstream host, stored as %j', (raw, value) => {
    expect(checkUpstreamHost(raw, open)).toEqual({ value });
  });

  it.each([
    ['a b', 'invalid_host', undefined],
    ['http://evil/', 'invalid_host', 'evil'],
    ['https://web.internal:8443/admin', 'invalid_host', 'web.internal'],
    ['web.internal:8080', 'invalid_host', 'web.internal'],
    ['evil host"; }', 'invalid_host', undefined],
    ['user@web', 'invalid_host', 'web'],
    ['web_1', 'invalid_host', undefined],
    ['-web', 'invalid_host', undefined],
    ['web..internal', 'invalid_host', undefined],
    ['a'.repeat(64), 'invalid_host', undefined],
    ['0x7f.1', 'invalid_host', undefined],
    ['2130706433', 'invalid_host', undefined],
    ['10.0.0', 'invalid_host', undefined],
    ['[web]', 'invalid_host', undefined],
    ['fe80::1%eth0', 'invalid_host', undefined],
    ['169.254.169.254', 'link_local', undefined],
    ['::ffff:169.254.169.254', 'link_local', undefined],
    ['FE80::1', 'link_local', undefined],
    ['fd00:ec2::254', 'metadata', undefined],
    ['fd00:ec2:0:0:0:0:0:254', 'metadata', undefined],
    ['100.100.100.200', 'metadata', undefined],
    ['metadata.google.internal.', 'metadata', undefined],
    ['instance-data', 'metadata', undefined],
    ['0.0.0.0', 'unspecified', undefined],
    ['::', 'unspecified', undefined],
    ['ff02::1', 'multicast', undefined],
  ])('%j is refused (%s)', (raw, reason, suggestion) => {
    const { issue } = checkUpstreamHost(raw, open);
    expect(issue).toMatchObject({ field: 'upstreamHost', reason });
    expect(issue?.suggestion).toBe(suggestion);
  });

  it('applies the allow-list to IP literals by network and to names by pattern, and the deny-list over it', () => {
    const policy = compileUpstreamPolicy({ allow: ['10.0.0.0/8', 'fd12::/16', '192.0.2.7', '*.svc.cluster.local', 'web.internal'], deny: ['10.9.0.0/16', 'admin.svc.cluster.local'] });
    for (const host of ['10.1.2.3', '::ffff:10.1.2.3', 'fd12::1', '192.0.2.7', 'a.b.svc.cluster.local', 'web.internal']) {
      expect(checkUpstreamHost(host, policy).issue, host).toBeUndefined();
    }
    for (const host of ['10.9.1.1', 'admin.svc.cluster.local', '192.0.2.8', 'svc.cluster.local', 'api.web.internal', 'localhost', '8.8.8.8']) {
      expect(checkUpstreamHost(host, policy).issue, host).toMatchObject({ reason: 'not_allowed' });
    }
    // The fixed rules hold whatever is listed.
    expect(checkUpstreamHost('169.254.169.254', compileUpstreamPolicy({ allow: ['169.254.0.0/16'] })).issue).toMatchObject({ reason: 'link_local' });
    expect(checkUpstreamHost('metadata.google.internal', compileUpstreamPolicy({ allow: ['*'] })).issue).toMatchObject({ reason: 'metadata' });
  });

  it('lets "*" allow every name and a deny-list alone refuse some destinations', () => {
    const names = compileUpstreamPolicy({ allow: ['*'] });
    expect(checkUpstreamHost('anything.example', names).issue).toBeUndefined();
    expect(checkUpstreamHost('10.0.0.1', names).issue).toMatchObject({ reason: 'not_allowed' });
    const denyLoopback = compileUpstreamPolicy({ deny: ['127.0.0.0/8', '::1', 'localhost'] });
    expect(checkUpstreamHost('127.0.0.2', denyLoopback).issue).toMatchObject({ reason: 'not_allowed' });
    expect(checkUpstreamHost('localhost', denyLoopback).issue).toMatchObject({ reason: 'not_allowed' });
    expect(checkUpstreamHost('10.0.0.1', denyLoopback).issue).toBeUndefined();
  });

  it('parses allow-list entries and refuses anything else', () => {
    expect(parseUpstreamPattern('10.0.0.0/8')).toMatchObject({ kind: 'range' });
    expect(parseUpstreamPattern('*')).toEqual({ kind: 'any-name' });
    expect(parseUpstreamPattern('*.Internal.')).toEqual({ kind: 'suffix', suffix: '.internal' });
    expect(parseUpstreamPattern('web')).toEqual({ kind: 'name', name: 'web' });
    for (const bad of ['10.0.0.0/40', '*.', '**.x', 'a b', 'http://x', '*.10.0.0.1/8', '']) expect(parseUpstreamPattern(bad), bad).toBeUndefined();
    expect(() => compileUpstreamPolicy({ allow: ['nope nope'] })).toThrow(/routing\.upstreams/);
  });
});
