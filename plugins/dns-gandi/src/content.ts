/**
 * Gandi LiveDNS's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * LiveDNS (https://api.gandi.net/docs/livedns/): a record set is addressed by `rrset_name` relative to the domain
 * (`@` at the apex, `*` for a wildcard) and `rrset_type`; `rrset_values` are zone-file presentation: CNAME targets
 * absolute with the trailing dot, TXT as quoted character strings of at most 255 bytes.
 */
import type { RecordType } from '@portico/kernel';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** `name` inside `zone` → LiveDNS's `rrset_name` (`@` at the apex). */
export function toRrsetName(name: string, zone: string): string {
  const n = normalName(name);
  const z = normalName(zone);
  if (n === z) return '@';
  if (!n.endsWith(`.${z}`)) throw new RangeError(`${n} is not inside ${z}`);
  return n.slice(0, -(z.length + 1));
}

/** LiveDNS's `rrset_name` → the absolute name. */
export const fromRrsetName = (rrsetName: string, zone: string): string => {
  const name = normalName(rrsetName);
  return name === '@' || name === '' ? normalName(zone) : `${name}.${normalName(zone)}`;
};

/** LiveDNS's TTL range: 300 s to 30 days. */
export const MIN_TTL = 300;
export const MAX_TTL = 2_592_000;
export const toGandiTtl = (ttl: number): number => Math.min(MAX_TTL, Math.max(MIN_TTL, Math.round(ttl)));

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
      const char = String.fromCodePoint(text.codePointAt(i)!);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A Portico value → LiveDNS's value for that type. */
export function toGandiValue(type: RecordType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return `${normalName(value)}.`;
  return value.trim().toLowerCase();
}

/** A LiveDNS value → Portico's value for that type. A relative CNAME target is made absolute in the zone. */
export function fromGandiValue(type: RecordType, value: string, zone: string): string {
  if (type === 'TXT') return decodeTxt(value);
  if (type === 'CNAME') return value.trim().endsWith('.') ? normalName(value) : fromRrsetName(value, zone);
  return value.trim().toLowerCase();
}
