import { describe, expect, it } from 'vitest';
import { absoluteName, decodeTxt, encodeTxt, fromContent, relativeName, toContent, toDnsimpleTtl } from './content.ts';

describe('DNSimple names and values', () => {
  it('names are relative to the zone, "" at the apex', () => {
    expect(relativeName('_acme.WWW.example.com.', 'example.com')).toBe('_acme.www');
    expect(relativeName('example.com', 'example.com')).toBe('');
    expect(absoluteName('', 'example.com')).toBe('example.com');
    expect(absoluteName('www', 'example.com')).toBe('www.example.com');
  });

  it('TXT: quoted strings of at most 255 bytes, never splitting a character, joined back unchanged', () => {
    const long = `v=1; "quoted" \\ ${'é'.repeat(200)}${'x'.repeat(300)}`;
    const encoded = encodeTxt(long);
    const strings = [...encoded.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
    expect(strings.length).toBe(3);
    for (const s of strings) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255);
    expect(decodeTxt(encoded)).toBe(long);
    expect(encodeTxt('')).toBe('""');
    expect(decodeTxt('plain text')).toBe('plain text');
  });

  it('CNAME and addresses compare without case or trailing dot; TTLs are at least 60 s', () => {
    expect(toContent('CNAME', 'Edge.Example.net.')).toBe('edge.example.net');
    expect(fromContent('CNAME', 'edge.example.net.')).toBe('edge.example.net');
    expect(fromContent('AAAA', '2001:DB8::1')).toBe('2001:db8::1');
    expect(toDnsimpleTtl(30)).toBe(60);
    expect(toDnsimpleTtl(3600)).toBe(3600);
  });
});
