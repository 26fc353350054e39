/**
 * Record data between Portico's form (names lower case without trailing dot, TXT unquoted, one string per value)
 * and Cloud DNS's (`rrdatas` in zone file form: names absolute with a trailing dot, TXT as RFC 1035 quoted
 * character strings; https://cloud.google.com/dns/docs/reference/rest/v1/resourceRecordSets).
 */
import type { RecordType } from '@portico/kernel';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');
/** Absolute, with the trailing dot Cloud DNS wants in `name`, `dnsName` and CNAME data. */
export const absolute = (name: string): string => `${normalName(name)}.`;

const MAX_STRING_BYTES = 255;
const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** TXT text as quoted strings of at most 255 bytes, never split inside a UTF-8 sequence. */
export function encodeTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  let start = 0;
  do {
    let end = Math.min(bytes.length, start + MAX_STRING_BYTES);
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    strings.push(quote(bytes.subarray(start, end).toString('utf8')));
    start = end;
  } while (start < bytes.length);
  return strings.join(' ');
}

/** The text of TXT data: quoted strings decoded (`\"`, `\\`, `\DDD`) and joined; unquoted data is the text itself. */
export function decodeTxt(data: string): string {
  const text = data.trim();
  if (!text.startsWith('"')) return data;
  const bytes: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) {
        const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (digits) {
          bytes.push(Number(digits[0]) & 0xff);
          i += 4;
          continue;
        }
        i++;
      }
      const char = String.fromCodePoint(text.codePointAt(i)!);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
    i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

export function fromRrdata(type: RecordType, data: string): string {
  if (type === 'TXT') return decodeTxt(data);
  return normalName(data);
}

export function toRrdata(type: RecordType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return absolute(value);
  return value.trim();
}
