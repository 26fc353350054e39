/**
 * deSEC's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * deSEC (https://desec.readthedocs.io/en/latest/dns/rrsets.html): an RRset is addressed by `subname` relative to
 * the domain (empty at the apex, `*` for a wildcard); `name` comes back absolute with the trailing dot; records are
 * zone-file presentation: CNAME targets absolute with the dot, TXT as quoted character strings of at most 255
 * bytes, which deSEC returns canonical (`\DDD` for bytes outside printable ASCII).
 */
import { decodeTxtStrings as decodeTxt, encodeTxtStrings as encodeTxt, type RecordType } from '@portico/kernel';

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

/** TXT text ↔ quoted strings of at most 255 bytes (the kernel's presentation-form codec). */
export { decodeTxt, encodeTxt };

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
