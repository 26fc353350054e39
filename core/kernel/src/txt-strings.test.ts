import { describe, expect, it } from 'vitest';
import { decodeTxtStrings, encodeTxtStrings } from './txt-strings.ts';

describe('TXT presentation form', () => {
  it('quotes and escapes, splits at 255 bytes without cutting a UTF-8 character, and reads it back', () => {
    expect(encodeTxtStrings('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    const long = `${'a'.repeat(254)}é${'b'.repeat(10)}`;
    const encoded = encodeTxtStrings(long);
    expect(encoded.split('" "')).toHaveLength(2);
    expect(decodeTxtStrings(encoded)).toBe(long);
    expect(decodeTxtStrings('"\\104\\101" "llo"')).toBe('hello');
    expect(decodeTxtStrings('plain')).toBe('plain');
    expect(decodeTxtStrings(encodeTxtStrings(''))).toBe('');
  });
});
