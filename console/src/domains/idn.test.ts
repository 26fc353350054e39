import { describe, expect, it } from 'vitest';
import { unicodeHostname } from './idn';

describe('unicodeHostname', () => {
  it.each([
    ['xn--bcher-kva.example', 'bücher.example'],
    ['shop.xn--mnchen-3ya.de', 'shop.münchen.de'],
    ['xn--fsqu00a.xn--55qx5d', '例子.公司'],
    ['XN--BCHER-KVA.example', 'bücher.example'],
  ])('%s → %s', (ascii, unicode) => {
    expect(unicodeHostname(ascii)).toBe(unicode);
  });

  it('is null for plain ASCII hostnames, and keeps labels that do not decode', () => {
    expect(unicodeHostname('shop.example.com')).toBeNull();
    expect(unicodeHostname('xn--ab!c.example')).toBeNull();
    expect(unicodeHostname('www.xn--zz.example')).toBeNull();
  });
});
