import { describe, expect, it } from 'vitest';
import { decodeTxt, encodeTxt, fromGandiValue, fromRrsetName, toGandiTtl, toGandiValue, toRrsetName } from './content.ts';

describe('Gandi content', () => {
  it('rrset names are relative, @ at the apex, and refuse names outside the domain', () => {
    expect(toRrsetName('www.Example.com.', 'example.com')).toBe('www');
    expect(toRrsetName('example.com', 'example.com')).toBe('@');
    expect(fromRrsetName('@', 'example.com')).toBe('example.com');
    expect(fromRrsetName('*.shop', 'example.com')).toBe('*.shop.example.com');
    expect(() => toRrsetName('evilexample.com', 'example.com')).toThrow(RangeError);
  });

  it('TXT round-trips through quoted 255-byte strings', () => {
    const value = `a"b\\c ${'ü'.repeat(200)}`;
    expect(decodeTxt(encodeTxt(value))).toBe(value);
    expect(decodeTxt('"\\104\\101" "llo"')).toBe('hello');
  });

  it('CNAME targets are absolute on the way out; relative ones read back inside the zone; TTLs stay in range', () => {
    expect(toGandiValue('CNAME', 'Edge.Example.net')).toBe('edge.example.net.');
    expect(fromGandiValue('CNAME', 'edge.example.net.', 'example.com')).toBe('edge.example.net');
    expect(fromGandiValue('CNAME', 'www', 'example.com')).toBe('www.example.com');
    expect([toGandiTtl(60), toGandiTtl(3600), toGandiTtl(1e9)]).toEqual([300, 3600, 2592000]);
  });
});
