import { describe, expect, it } from 'vitest';
import { fromContent, groupRecords, toContent, toPorkbunTtl, toSubdomain } from './content.ts';

describe('Porkbun content', () => {
  it('subdomains are relative, empty at the apex, and refuse names outside the domain', () => {
    expect(toSubdomain('www.Example.com.', 'example.com')).toBe('www');
    expect(toSubdomain('example.com', 'example.com')).toBe('');
    expect(toSubdomain('*.example.com', 'example.com')).toBe('*');
    expect(() => toSubdomain('evilexample.com', 'example.com')).toThrow(RangeError);
  });

  it('groups single records into sets with their ids, leaving other types out', () => {
    const sets = groupRecords([
      { id: '1', name: 'WWW.example.com', type: 'A', content: '192.0.2.1', ttl: '600' },
      { id: '2', name: 'www.example.com', type: 'A', content: '192.0.2.2', ttl: '600' },
      { id: '3', name: 'example.com', type: 'MX', content: 'mail.example.com', ttl: '600' },
      { id: '4', name: 'x.example.com', type: 'CNAME', content: 'Target.example.net.', ttl: '3600' },
    ]);
    expect(sets).toEqual([
      { name: 'www.example.com', type: 'A', ttl: 600, values: ['192.0.2.1', '192.0.2.2'], records: [{ id: '1', value: '192.0.2.1' }, { id: '2', value: '192.0.2.2' }] },
      { name: 'x.example.com', type: 'CNAME', ttl: 3600, values: ['target.example.net'], records: [{ id: '4', value: 'target.example.net' }] },
    ]);
  });

  it('TXT is plain text both ways; CNAME has no trailing dot; TTLs are at least 600', () => {
    expect(toContent('TXT', 'a "b" c')).toBe('a "b" c');
    expect(fromContent('TXT', 'a "b" c')).toBe('a "b" c');
    expect(toContent('CNAME', 'Edge.example.net.')).toBe('edge.example.net');
    expect([toPorkbunTtl(60), toPorkbunTtl(3600)]).toEqual(['600', '3600']);
  });
});
