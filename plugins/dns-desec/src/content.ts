/**
 * deSEC's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * deSEC (https://desec.readthedocs.io/en/latest/dns/rrsets.html): an RRset is addressed by `subname` relative to
 * the domain (empty at the apex, `*` for a wildcard); `name` comes back absolute with the trailing dot; records are
 * zone-file presentation: CNAME targets absolute with the dot, TXT as quoted character strings of at most 255
 * bytes, which deSEC returns canonical (`\DDD` for bytes outside printable ASCII).
 */
import type { RecordType } from '@portico/kernel';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** `name` inside `zone` → deSEC's subname (`''` at the apex). */
export function toSubname(name: string, zone: string): string {
  const n = normalName(name);
  const z = normalName(zone);
  if (n === z) return '';
  if (!n.endsWith(`.${z}`)) throw new RangeError(`${n} is not inside ${z}`);
  return n.slice(0, -(z.length + 1));
}

/** deSEC's TTL range: the domain's `minimum_ttl` (3600 s unless deSEC lowered it for the account) to 1 day. */
export const MAX_TTL = 86_400;
export const toDesecTtl = (ttl: number, minimum: number): number => Math.min(MAX_TTL, Math.max(minimum, Math.round(ttl)));

const MAX_STRING_BYTES = 255;

/** TXT text as quoted strings of at most 255 bytes, `"` and `\` escaped, never splitting a UTF-8 character. */
export function encodeTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  let start = 0;
  do {
    let end = Math.min(bytes.length, start + MAX_STRING_BYTES);
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    strings.push(`"${bytes.subarray(start, end).toString('utf8').replace(/[\\"]/g, (c) => `\\${c}`)}"`);
    start = end;
  } while (start < bytes.length);
  return strings.join(' ');
}

/** Quoted strings (`\"`, `\\`, `\DDD` escapes) → the text, joined without separator; unquoted text is itself. */
export function decodeTxt(record: string): string {
  const text = record.trim();
  if (!text.startsWith('"')) return record;
  const bytes: number[] = [];
  let i = 0;
  let inside = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      inside = !inside;
      i++;
    } else if (!inside) {
      i++;
    } else if (c === '\\' && /^\d{3}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(Number(text.slice(i + 1, i + 4)));
      i += 4;
    } else if (c === '\\' && i + 1 < text.length) {
      bytes.push(...Buffer.from(text[i + 1]!, 'utf8'));
      i += 2;
    } else {
      const cp = text.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A Portico value → deSEC's record for that type. */
export function toDesecRecord(type: RecordType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return `${normalName(value)}.`;
  return value.trim().toLowerCase();
}

/** A deSEC record → Portico's value for that type. */
export function fromDesecRecord(type: RecordType, record: string): string {
  if (type === 'TXT') return decodeTxt(record);
  if (type === 'CNAME') return normalName(record);
  return record.trim().toLowerCase();
}
