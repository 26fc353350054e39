import { describe, expect, it } from 'vitest';
import { comparable, decodeTxt, encodeTxt, fromCloudflareTtl, fromContent, toCloudflareTtl, toContent } from './content.ts';

const strings = (content: string) => content.match(/"(?:[^"\\]|\\.)*"/g) ?? [];

describe('TXT content', () => {
  it('quotes and escapes', () => {
    expect(encodeTxt('v=spf1 -all')).toBe('"v=spf1 -all"');
    expect(encodeTxt('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(encodeTxt('')).toBe('""');
  });

  it('splits at 255 bytes, never inside a UTF-8 character', () => {
    expect(strings(encodeTxt('x'.repeat(255)))).toHaveLength(1);
    expect(strings(encodeTxt('x'.repeat(256)))).toEqual([`"${'x'.repeat(255)}"`, '"x"']);
    // 'é' is two bytes: 254 x and then é would straddle byte 255.
    const parts = strings(encodeTxt(`${'x'.repeat(254)}é`));
    expect(parts).toEqual([`"${'x'.repeat(254)}"`, '"é"']);
    for (const part of strings(encodeTxt('é'.repeat(400)))) expect(Buffer.byteLength(decodeTxt(part))).toBeLessThanOrEqual(255);
  });

  it('decodes what it encodes', () => {
    for (const value of ['plain', 'say "hi"', 'back\\slash', 'é'.repeat(300), `${'a'.repeat(600)}"`, ' spaced  out ', '']) {
      expect(decodeTxt(encodeTxt(value))).toBe(value);
    }
  });

  it('joins several quoted strings without separator and reads \\DDD escapes as bytes', () => {
    expect(decodeTxt('"abc" "def"')).toBe('abcdef');
    expect(decodeTxt('"abc"   "def"')).toBe('abcdef');
    expect(decodeTxt('"caf\\195\\169"')).toBe('café');
    expect(decodeTxt('"a\\;b"')).toBe('a;b');
  });

  it('reads content that was stored unquoted as the text itself', () => {
    expect(decodeTxt('google-site-verification=abc')).toBe('google-site-verification=abc');
    expect(decodeTxt('has "inner" quotes')).toBe('has "inner" quotes');
  });
});

describe('values and TTLs', () => {
  it('CNAME targets lose case and trailing dot; A and AAAA lose case only', () => {
    expect(fromContent('CNAME', 'Edge.Example.NET.')).toBe('edge.example.net');
    expect(toContent('CNAME', 'edge.example.net.')).toBe('edge.example.net');
    expect(fromContent('AAAA', '2001:DB8::1')).toBe('2001:db8::1');
    expect(fromContent('TXT', '"Case Kept"')).toBe('Case Kept');
    expect(comparable('A', ' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(comparable('TXT', 'Case')).not.toBe(comparable('TXT', 'case'));
  });

  it('rounds TTLs into Cloudflare\'s 60 s to 1 day, and reads automatic (1) as 300 s', () => {
    expect(toCloudflareTtl(30)).toBe(60);
    expect(toCloudflareTtl(300)).toBe(300);
    expect(toCloudflareTtl(604_800)).toBe(86_400);
    expect(fromCloudflareTtl(1)).toBe(300);
    expect(fromCloudflareTtl(undefined)).toBe(300);
    expect(fromCloudflareTtl(3600)).toBe(3600);
  });
});
