import { describe, expect, it } from 'vitest';
import { decodePunycode, relativeHost, toUnicode } from './hostnames.ts';

describe('hostnames as people read them', () => {
  it('decodes A-labels to Unicode (RFC 3492 samples) and keeps other labels', () => {
    expect(decodePunycode('mnchen-3ya')).toBe('münchen');
    expect(decodePunycode('bcher-kva')).toBe('bücher');
    expect(decodePunycode('wgv71a119e')).toBe('日本語');
    expect(decodePunycode('ls8h')).toBe('💩');
    expect(toUnicode('shop.xn--mnchen-3ya.example')).toBe('shop.münchen.example');
    expect(toUnicode('XN--BCHER-KVA.example')).toBe('bücher.example');
    expect(toUnicode('shop.example.com')).toBe('shop.example.com');
  });

  it('keeps a label that does not decode as it was', () => {
    expect(toUnicode('xn--!!.example')).toBe('xn--!!.example');
  });

  it('writes record names relative to the zone, @ for the apex', () => {
    expect(relativeHost('_portico-challenge.shop.customer.com', 'customer.com')).toBe('_portico-challenge.shop');
    expect(relativeHost('customer.com.', 'customer.com')).toBe('@');
    expect(relativeHost('shop.customer.com', null)).toBe('shop.customer.com');
    expect(relativeHost('shop.other.com', 'customer.com')).toBe('shop.other.com');
    expect(relativeHost('xcustomer.com', 'customer.com')).toBe('xcustomer.com');
  });
});
