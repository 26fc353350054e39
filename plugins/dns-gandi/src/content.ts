/**
 * Gandi LiveDNS's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * LiveDNS (https://api.gandi.net/docs/livedns/): a record set is addressed by `rrset_name` relative to the domain
 * (`@` at the apex, `*` for a wildcard) and `rrset_type`; `rrset_values` are zone-file presentation: CNAME targets
 * absolute with the trailing dot, TXT as quoted character strings of at most 255 bytes.
 */
import { decodeTxtStrings as decodeTxt, encodeTxtStrings as encodeTxt, type RecordType } from '@portico/kernel';

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

/** TXT text ↔ quoted strings of at most 255 bytes (the kernel's presentation-form codec). */
export { decodeTxt, encodeTxt };

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
