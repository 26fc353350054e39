/**
 * Porkbun's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * Porkbun (https://porkbun.com/api/json/v3/documentation): `dns/retrieve` returns single records with an `id`, the
 * absolute `name` without the trailing dot, `content` as plain text (TXT unquoted, CNAME targets without the dot)
 * and `ttl` as a string; `dns/create` takes the `name` relative to the domain (empty at the apex, `*` for a
 * wildcard) and a TTL of at least 600 seconds.
 */
import type { RecordSet, RecordType } from '@portico/kernel';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** `name` inside `zone` → Porkbun's subdomain (`''` at the apex). */
export function toSubdomain(name: string, zone: string): string {
  const n = normalName(name);
  const z = normalName(zone);
  if (n === z) return '';
  if (!n.endsWith(`.${z}`)) throw new RangeError(`${n} is not inside ${z}`);
  return n.slice(0, -(z.length + 1));
}

/** Porkbun's lowest TTL. */
export const MIN_TTL = 600;
export const toPorkbunTtl = (ttl: number): string => String(Math.max(MIN_TTL, Math.round(ttl)));

/** A Portico value → Porkbun's `content` for that type. */
export function toContent(type: RecordType, value: string): string {
  if (type === 'TXT') return value;
  return type === 'CNAME' ? normalName(value) : value.trim().toLowerCase();
}

/** Porkbun's `content` → Portico's value for that type. */
export function fromContent(type: RecordType, content: string): string {
  if (type === 'TXT') return content;
  return type === 'CNAME' ? normalName(content) : content.trim().toLowerCase();
}

/** One record as Porkbun returns it. */
export interface PorkbunRecord { id: string; name: string; type: string; content: string; ttl: string | number; prio?: string | null; notes?: string | null }

/** A record set in Portico's form, with the Porkbun records (ids and values) behind it. */
export interface PorkbunRecordSet extends RecordSet {
  records: Array<{ id: string; value: string }>;
}

/** Porkbun's single records → record sets, one per name and type, in the order first seen. */
export function groupRecords(records: readonly PorkbunRecord[]): PorkbunRecordSet[] {
  const sets = new Map<string, PorkbunRecordSet>();
  for (const record of records) {
    const type = record.type.toUpperCase();
    if (!isRecordType(type)) continue;
    const name = normalName(record.name);
    const value = fromContent(type, record.content);
    const key = `${name} ${type}`;
    const set = sets.get(key) ?? { name, type, ttl: Number(record.ttl) || MIN_TTL, values: [], records: [] };
    sets.set(key, set);
    set.values.push(value);
    set.records.push({ id: String(record.id), value });
  }
  return [...sets.values()];
}
