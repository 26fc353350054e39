import { describe, expect, it } from 'vitest';
import { decodeTxt, encodeTxt, fromCanonical, fromContent, isInZone, toCanonical, toContent } from './content.ts';

describe('names', () => {
  it('turns any spelling into the canonical form with one trailing dot, lower-case', () => {
    expect(toCanonical('Example.COM')).toBe('example.com.');
    expect(toCanonical('example.com.')).toBe('example.com.');
    expect(toCanonical(' www.example.com.. ')).toBe('www.example.com.');
  });

  it('drops the trailing dot on the way back', () => {
    expect(fromCanonical('www.example.com.')).toBe('www.example.com');
    expect(fromCanonical('www.example.com')).toBe('www.example.com');
  });

  it('knows which names are in a zone', () => {
    expect(isInZone('example.com', 'example.com.')).toBe(true);
    expect(isInZone('_x.WWW.example.com.', 'example.com')).toBe(true);
    expect(isInZone('badexample.com', 'example.com')).toBe(false);
    expect(isInZone('example.org', 'example.com')).toBe(false);
  });
});

describe('TXT content', () => {
  it('quotes a short value as one string', () => {
    expect(encodeTxt('portico-verification=abc')).toBe('"portico-verification=abc"');
    expect(encodeTxt('')).toBe('""');
  });

  it('escapes quotes, backslashes and bytes outside printable ASCII', () => {
    expect(encodeTxt('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
    expect(encodeTxt('é\n')).toBe('"\\195\\169\\010"');
  });

  it('splits into strings of at most 255 bytes', () => {
    const value = 'x'.repeat(600);
    const strings = encodeTxt(value).match(/"[^"]*"/g) ?? [];
    expect(strings.map((s) => s.length - 2)).toEqual([255, 255, 90]);
  });

  it('counts escaped bytes, not characters, when splitting', () => {
    const value = 'é'.repeat(200); // 400 bytes
    const strings = encodeTxt(value).match(/"[^"]*"/g) ?? [];
    expect(strings.map((s) => (s.length - 2) / 4)).toEqual([255, 145]);
  });

  it('decodes what it encodes, a character cut between two strings included', () => {
    for (const value of ['', 'plain', 'a "quoted" \\ value', 'é'.repeat(200), 'x'.repeat(254) + 'é' + 'y'.repeat(300), '🙂 emoji 🙂', 'tab\there']) {
      expect(decodeTxt(encodeTxt(value))).toBe(value);
    }
  });

  it('reads what PowerDNS returns: several strings, decimal escapes, raw UTF-8, bare words', () => {
    expect(decodeTxt('"a\\"b\\\\c" "second"')).toBe('a"b\\csecond');
    expect(decodeTxt('"\\195\\169t\\233"')).toBe(`ét${Buffer.from([0xe9]).toString('utf8')}`);
    expect(decodeTxt('"été"')).toBe('été');
    expect(decodeTxt('"two words"  "and more"')).toBe('two wordsand more');
    expect(decodeTxt('bare words')).toBe('barewords');
  });
});

describe('record content', () => {
  it('makes CNAME targets absolute and reads them back without the dot', () => {
    expect(toContent('CNAME', 'Target.Example.net')).toBe('target.example.net.');
    expect(fromContent('CNAME', 'target.example.net.')).toBe('target.example.net');
  });

  it('passes addresses through and TXT through the TXT codec', () => {
    expect(toContent('A', ' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(fromContent('AAAA', '2001:db8::1')).toBe('2001:db8::1');
    expect(toContent('TXT', 'v=1')).toBe('"v=1"');
    expect(fromContent('TXT', '"v=1"')).toBe('v=1');
  });
});
