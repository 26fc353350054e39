import { describe, expect, it } from 'vitest';
import { decodeTxt, encodeTxt, fromRoute53Name, fromRoute53Value, toRoute53Name, toRoute53Value, toStartRecordName } from './content.ts';

describe('names', () => {
  it('sends names absolute and lower case', () => {
    expect(toRoute53Name('Shop.Example.COM')).toBe('shop.example.com.');
    expect(toRoute53Name('shop.example.com.')).toBe('shop.example.com.');
    expect(toRoute53Name('*.shop.example.com')).toBe('*.shop.example.com.');
  });

  it('escapes the wildcard label of a listing start as Route 53 stores it', () => {
    expect(toStartRecordName('*.shop.example.com')).toBe('\\052.shop.example.com.');
    expect(toStartRecordName('shop.example.com')).toBe('shop.example.com.');
  });

  it('decodes the trailing dot and octal escapes Route 53 returns', () => {
    expect(fromRoute53Name('\\052.shop.example.com.')).toBe('*.shop.example.com');
    expect(fromRoute53Name('_portico-owner.a._wildcard.Example.com.')).toBe('_portico-owner.a._wildcard.example.com');
    expect(fromRoute53Name('a\\100b.example.com.')).toBe('a@b.example.com');
    expect(fromRoute53Name('example.com')).toBe('example.com');
  });
});

describe('TXT values', () => {
  it('quotes a short value as one string', () => {
    expect(encodeTxt('v=spf1 -all')).toBe('"v=spf1 -all"');
    expect(encodeTxt('')).toBe('""');
  });

  it('escapes quotes, backslashes, control characters and non-ASCII bytes', () => {
    expect(encodeTxt('say "hi"')).toBe('"say \\"hi\\""');
    expect(encodeTxt('a\\b')).toBe('"a\\\\b"');
    expect(encodeTxt('tab\there')).toBe('"tab\\011here"');
    expect(encodeTxt('é')).toBe('"\\303\\251"');
  });

  it('splits into strings of at most 255 bytes', () => {
    const encoded = encodeTxt('a'.repeat(600));
    const strings = encoded.split(' ');
    expect(strings.map((s) => s.length - 2)).toEqual([255, 255, 90]);
    expect(decodeTxt(encoded)).toBe('a'.repeat(600));
  });

  it('joins a UTF-8 character split across two strings', () => {
    const value = `${'a'.repeat(254)}é${'b'.repeat(3)}`;
    const encoded = encodeTxt(value);
    expect(encoded.split('" "')).toHaveLength(2);
    expect(decodeTxt(encoded)).toBe(value);
  });

  it('decodes what Route 53 may hold: several strings, escapes, unquoted words', () => {
    expect(decodeTxt('"abc" "def"')).toBe('abcdef');
    expect(decodeTxt('"say \\"hi\\"" "\\303\\251"')).toBe('say "hi"é');
    expect(decodeTxt('"a\\\\b"')).toBe('a\\b');
    expect(decodeTxt('plain')).toBe('plain');
    expect(decodeTxt('""')).toBe('');
  });

  it('round-trips arbitrary text', () => {
    for (const value of ['x', 'with space', '"', '\\', `${'é'.repeat(300)}`, 'emoji 🚀 ok', 'heritage=portico,portico/owner=org_1']) {
      expect(decodeTxt(encodeTxt(value))).toBe(value);
    }
  });
});

describe('values by type', () => {
  it('makes CNAME targets absolute and back', () => {
    expect(toRoute53Value('CNAME', 'Edge.Portico.example')).toBe('edge.portico.example.');
    expect(fromRoute53Value('CNAME', 'edge.portico.example.')).toBe('edge.portico.example');
  });

  it('passes addresses through (AAAA lower case on the way back)', () => {
    expect(toRoute53Value('A', ' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(fromRoute53Value('AAAA', '2001:DB8::1')).toBe('2001:db8::1');
  });

  it('quotes TXT', () => {
    expect(toRoute53Value('TXT', 'hello')).toBe('"hello"');
    expect(fromRoute53Value('TXT', '"hello"')).toBe('hello');
  });
});
