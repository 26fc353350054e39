import { describe, expect, it } from 'vitest';
import { decodeTxt, encodeTxt, fromTarget, relativeName, toOvhTtl, toTarget } from './content.ts';

describe('OVHcloud names and values', () => {
  it('subDomain is relative to the zone, "" at the apex', () => {
    expect(relativeName('_portico-owner.a.www.example.com', 'example.com')).toBe('_portico-owner.a.www');
    expect(relativeName('example.com.', 'example.com')).toBe('');
    expect(() => relativeName('x.evilexample.com', 'example.com')).toThrow(RangeError);
  });

  it('CNAME targets are written absolute with the dot; one read without the dot is relative to the zone', () => {
    expect(toTarget('CNAME', 'Edge.Example.NET')).toBe('edge.example.net.');
    expect(fromTarget('CNAME', 'edge.example.net.', 'example.com')).toBe('edge.example.net');
    expect(fromTarget('CNAME', 'www', 'example.com')).toBe('www.example.com');
    expect(fromTarget('A', ' 192.0.2.1 ', 'example.com')).toBe('192.0.2.1');
  });

  it('TXT is quoted, split at 255 bytes and read back unchanged; TTLs are at least 60 s', () => {
    const long = `${'x'.repeat(300)} "q" \\`;
    expect(decodeTxt(toTarget('TXT', long))).toBe(long);
    expect(encodeTxt('a"b')).toBe('"a\\"b"');
    expect(fromTarget('TXT', 'v=spf1 -all', 'example.com')).toBe('v=spf1 -all');
    expect(toOvhTtl(0)).toBe(60);
    expect(toOvhTtl(3600)).toBe(3600);
  });
});
