import { describe, expect, it } from 'vitest';
import { absoluteName, decodeTxt, fromTarget, relativeName, toLinodeTtl, toTarget } from './content.ts';

describe('Linode names and values', () => {
  it('names are relative to the domain, "" at the apex, and read back absolute', () => {
    expect(relativeName('www.Example.com.', 'example.com')).toBe('www');
    expect(relativeName('example.com', 'example.com')).toBe('');
    expect(relativeName('*.shop.example.com', 'example.com')).toBe('*.shop');
    expect(() => relativeName('www.evilexample.com', 'example.com')).toThrow(RangeError);
    expect(absoluteName('', 'example.com')).toBe('example.com');
    expect(absoluteName('@', 'example.com')).toBe('example.com');
    expect(absoluteName('WWW', 'example.com')).toBe('www.example.com');
    expect(absoluteName('www.example.com', 'example.com')).toBe('www.example.com');
  });

  it('TXT is sent as is; zone-file quoting is undone on read', () => {
    expect(toTarget('TXT', 'say "hi"')).toBe('say "hi"');
    expect(decodeTxt('say "hi"')).toBe('say "hi"');
    expect(decodeTxt('"a\\"b" "c"')).toBe('a"bc');
    expect(fromTarget('CNAME', 'Edge.Example.NET.')).toBe('edge.example.net');
    expect(fromTarget('AAAA', '2001:DB8::1')).toBe('2001:db8::1');
  });

  it('TTLs round up to the values Linode keeps', () => {
    expect(toLinodeTtl(1)).toBe(30);
    expect(toLinodeTtl(300)).toBe(300);
    expect(toLinodeTtl(301)).toBe(3600);
    expect(toLinodeTtl(10_000_000)).toBe(2419200);
  });
});
