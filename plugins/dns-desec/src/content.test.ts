import { describe, expect, it } from 'vitest';
import { decodeTxt, encodeTxt, fromDesecRecord, toDesecRecord, toDesecTtl, toSubname } from './content.ts';

describe('deSEC content', () => {
  it('subnames are relative to the domain, empty at the apex, and refuse names outside it', () => {
    expect(toSubname('www.Example.com.', 'example.com')).toBe('www');
    expect(toSubname('*.shop.example.com', 'example.com')).toBe('*.shop');
    expect(toSubname('example.com', 'example.com')).toBe('');
    expect(() => toSubname('evilexample.com', 'example.com')).toThrow(RangeError);
  });

  it('TXT round-trips through quoted 255-byte strings without splitting a character', () => {
    const value = `a"b\\c ${'ü'.repeat(200)}`;
    const encoded = encodeTxt(value);
    for (const m of encoded.matchAll(/"((?:[^"\\]|\\.)*)"/g)) expect(Buffer.byteLength(m[1]!.replace(/\\(.)/g, '$1'))).toBeLessThanOrEqual(255);
    expect(decodeTxt(encoded)).toBe(value);
    expect(decodeTxt('"\\104\\101" "llo"')).toBe('hello');
    expect(decodeTxt('plain')).toBe('plain');
  });

  it('CNAME targets gain the dot on the way out and lose it on the way back; TTLs stay in deSEC\'s range', () => {
    expect(toDesecRecord('CNAME', 'Edge.Example.net')).toBe('edge.example.net.');
    expect(fromDesecRecord('CNAME', 'edge.example.net.')).toBe('edge.example.net');
    expect(fromDesecRecord('AAAA', '2001:DB8::1')).toBe('2001:db8::1');
    expect([toDesecTtl(60, 3600), toDesecTtl(7200, 3600), toDesecTtl(999999, 60)]).toEqual([3600, 7200, 86400]);
  });
});
