import type { DnsAnswer } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { canonicalIp, decide, decideAddresses, expectedRecords, shouldAskCname, type Edge, type Evidence } from './check.ts';

const edge: Edge = { ipv4: ['192.0.2.10', '192.0.2.11'], ipv6: ['2001:DB8:0::10'], recordName: '_portico-challenge' };
const found = (...values: string[]): DnsAnswer => ({ status: 'found', values });
const none: DnsAnswer = { status: 'nodata' };
const token = found('portico-verification=tok1');
const evidence = (over: Partial<Evidence>): Evidence => ({ a: none, aaaa: none, txt: token, ...over });

describe('canonicalIp', () => {
  it('gives one form per address and refuses what is not one', () => {
    expect(canonicalIp('2001:0DB8:0000::0010')).toBe('2001:db8::10');
    expect(canonicalIp(' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(canonicalIp('::ffff:192.0.2.1')).toBe(canonicalIp('::ffff:c000:201'));
    for (const bad of ['10.1', '01.2.3.4', '256.0.0.1', 'fe80::1%eth0', 'example.com', '']) expect(canonicalIp(bad)).toBeUndefined();
  });
});

describe('expectedRecords', () => {
  it('lists one A per IPv4, one AAAA per IPv6 (canonical), then the TXT token', () => {
    expect(expectedRecords(edge, 'Example.COM.', 'tok1')).toEqual([
      { name: 'example.com', type: 'A', value: '192.0.2.10' },
      { name: 'example.com', type: 'A', value: '192.0.2.11' },
      { name: 'example.com', type: 'AAAA', value: '2001:db8::10' },
      { name: '_portico-challenge.example.com', type: 'TXT', value: 'portico-verification=tok1' },
    ]);
  });
});

describe('decide', () => {
  const run = (over: Partial<Evidence>) => decide(evidence(over), edge, 'example.com', 'tok1');

  it('verifies when every address is ours (one is enough) and the token is there', () => {
    for (const over of [{ a: found('192.0.2.10') }, { aaaa: found('2001:db8:0:0::10') }, { a: found('192.0.2.11', '192.0.2.10'), aaaa: found('2001:db8::10') }]) {
      const result = run(over);
      expect(result.status).toBe('verified');
      expect(result.expected).toHaveLength(4);
      expect(result.found).toBeUndefined();
    }
  });

  it('reports a foreign address among ours as mismatch naming it: some traffic would go elsewhere', () => {
    const result = run({ a: found('192.0.2.10', '203.0.113.5') });
    expect(result).toMatchObject({ status: 'mismatch', found: ['192.0.2.10', '203.0.113.5'] });
    expect(result.message).toContain('example.com has the address 203.0.113.5, which is not the platform');
    expect(result.message).toContain('A 192.0.2.10, A 192.0.2.11, AAAA 2001:db8::10');
  });

  it('reports addresses that point elsewhere as mismatch listing them', () => {
    const result = run({ a: found('198.51.100.1'), aaaa: found('2001:db8::99') });
    expect(result).toMatchObject({ status: 'mismatch', found: ['198.51.100.1', '2001:db8::99'] });
    expect(result.message).toContain('addresses 198.51.100.1, 2001:db8::99, which are not');
  });

  it('reports a CNAME where addresses belong as mismatch', () => {
    const result = run({ cname: found('Shop.Elsewhere.NET.') });
    expect(result).toMatchObject({ status: 'mismatch', found: ['shop.elsewhere.net'] });
    expect(result.message).toContain('example.com is a CNAME to shop.elsewhere.net');
  });

  it('reports a CNAME whose target cannot be looked up (refused, no zone, disagreeing servers) as error, not mismatch', () => {
    for (const code of ['EREFUSED', 'ENOZONE', 'EINCONSISTENT', 'ETIMEOUT']) {
      const failed: DnsAnswer = { status: 'error', code, message: code };
      expect(shouldAskCname(failed, none), code).toBe(false);
      const result = run({ a: failed, aaaa: failed, cname: found('shop.typo.example') });
      expect(result.status, code).toBe('error');
      expect(result.found, code).toBeUndefined();
      expect(result.message, code).toContain(code);
    }
  });

  it('is missing without addresses (nxdomain or nodata), saying which records to add', () => {
    for (const a of [{ status: 'nxdomain' } as const, none]) {
      const result = run({ a, aaaa: a });
      expect(result.status).toBe('missing');
      expect(result.message).toContain('Add these records at example.com: A 192.0.2.10, A 192.0.2.11, AAAA 2001:db8::10');
    }
  });

  it('is error when an address lookup fails and nothing is definitely wrong, never missing', () => {
    const result = run({ a: { status: 'error', code: 'ETIMEOUT', message: 'timed out' }, aaaa: found('2001:db8::10') });
    expect(result.status).toBe('error');
    expect(result.message).toContain('ETIMEOUT');
  });

  it('still reports a definite mismatch when the other family failed to look up', () => {
    const result = run({ a: found('203.0.113.5'), aaaa: { status: 'error', code: 'ETIMEOUT', message: 't' } });
    expect(result).toMatchObject({ status: 'mismatch', found: ['203.0.113.5'] });
  });

  it('needs the TXT token too: missing, wrong or unreadable token decide the result', () => {
    const a = found('192.0.2.10');
    const missing = run({ a, txt: { status: 'nxdomain' } });
    expect(missing.status).toBe('missing');
    expect(missing.message).toContain('Add one with the value portico-verification=tok1');
    expect(run({ a, txt: found('"Portico-Verification=tok1"') }).status).toBe('verified');
    expect(run({ a, txt: found('portico-verification=old') })).toMatchObject({ status: 'mismatch', found: ['portico-verification=old'] });
    expect(run({ a, txt: { status: 'error', code: 'ESERVFAIL', message: 's' } }).status).toBe('error');
  });

  it('puts mismatch before error before missing, and tells every open step', () => {
    const result = run({ a: found('203.0.113.5'), txt: { status: 'nxdomain' } });
    expect(result.status).toBe('mismatch');
    expect(result.found).toEqual(['203.0.113.5']);
    expect(result.message).toMatch(/203\.0\.113\.5.*No TXT record at _portico-challenge\.example\.com yet/);
    expect(run({ a: { status: 'error', code: 'ETIMEOUT', message: 't' }, txt: { status: 'nxdomain' } }).status).toBe('error');
  });
});

describe('decideAddresses', () => {
  it('compares IPv6 addresses by value, not by spelling', () => {
    expect(decideAddresses({ a: none, aaaa: found('2001:0db8:0000:0000:0000:0000:0000:0010') }, edge, 'example.com').status).toBe('verified');
  });
});
