/**
 * Record content between Portico's form (records.ts: absolute names, lower case, no trailing dot; TXT unquoted, one
 * string per value) and DNSimple's (a record's `name` relative to its zone, `""` at the apex; `content` holding the
 * address, host name or TXT character strings).
 */
import type { RecordType } from '@portico/kernel';

/** The record types Portico writes; DNSimple records of other types are left out of every read. */
export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];

export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot: how names and CNAME targets compare. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** DNSimple's `name` for an absolute name in `zone`: relative, `""` at the apex. */
export function relativeName(name: string, zone: string): string {
  const full = normalName(name);
  const apex = normalName(zone);
  if (full === apex) return '';
  if (!full.endsWith(`.${apex}`)) throw new RangeError(`${full} is not inside ${apex}`);
  return full.slice(0, -(apex.length + 1));
}

/** The absolute name of a DNSimple record `name` (relative, `""` at the apex). */
export function absoluteName(name: string, zone: string): string {
  const relative = normalName(name);
  const apex = normalName(zone);
  return relative === '' ? apex : `${relative}.${apex}`;
}

const MAX_STRING_BYTES = 255;

/**
 * TXT text as zone-file character strings: quoted, at most 255 bytes each, `"` and `\` escaped, never split inside a
 * UTF-8 character. DNSimple stores TXT content in this form.
 */
export function encodeTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  let start = 0;
  do {
    let end = Math.min(bytes.length, start + MAX_STRING_BYTES);
    // Back off continuation bytes (10xxxxxx) so a multi-byte character stays in one string.
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    strings.push(`"${bytes.subarray(start, end).toString('utf8').replace(/[\\"]/g, '\\$&')}"`);
    start = end;
  } while (start < bytes.length);
  return strings.join(' ');
}

/** TXT content → the text: quoted strings joined without separator and unescaped; unquoted content is the text. */
export function decodeTxt(content: string): string {
  if (!/^\s*("(?:[^"\\]|\\.)*"\s*)+$/.test(content)) return content;
  return [...content.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1')).join('');
}

/** DNSimple's `content` for a Portico value. */
export function toContent(type: RecordType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  return type === 'CNAME' ? normalName(value) : value;
}

/** Portico's value for a DNSimple `content`. */
export function fromContent(type: RecordType, content: string): string {
  if (type === 'TXT') return decodeTxt(content);
  return type === 'CNAME' ? normalName(content) : content.trim().toLowerCase();
}

/** DNSimple's smallest TTL outside Enterprise plans (https://support.dnsimple.com/articles/what-is-ttl/). */
export const MIN_TTL = 60;

export const toDnsimpleTtl = (ttl: number): number => Math.max(MIN_TTL, Math.round(ttl));
