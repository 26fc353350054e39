/**
 * Record content between Portico's form (records.ts: absolute names, lower case, no trailing dot; TXT unquoted, one
 * string per value) and Linode's (a record's `name` relative to its domain, `""` at the apex; `target` holding the
 * address, host name or text).
 */
import type { RecordType } from '@portico/kernel';

/** The record types Portico writes; Linode records of other types are left out of every read. */
export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];

export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot: how names and CNAME targets compare. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** Linode's `name` for an absolute name in `zone`: relative, `""` at the apex. */
export function relativeName(name: string, zone: string): string {
  const full = normalName(name);
  const apex = normalName(zone);
  if (full === apex) return '';
  if (!full.endsWith(`.${apex}`)) throw new RangeError(`${full} is not inside ${apex}`);
  return full.slice(0, -(apex.length + 1));
}

/** The absolute name of a Linode record `name` (relative, `""` or `@` at the apex; an FQDN in the zone is kept). */
export function absoluteName(name: string, zone: string): string {
  const relative = normalName(name);
  const apex = normalName(zone);
  if (relative === '' || relative === '@') return apex;
  return relative === apex || relative.endsWith(`.${apex}`) ? relative : `${relative}.${apex}`;
}

/**
 * TXT text as read back: Linode stores the text as given. A value that is a run of quoted character strings
 * (written by another tool in zone-file form) is unquoted and joined, so it compares with what was meant.
 */
export function decodeTxt(target: string): string {
  if (!/^\s*("(?:[^"\\]|\\.)*"\s*)+$/.test(target)) return target;
  return [...target.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1')).join('');
}

/** Linode's `target` for a Portico value. */
export const toTarget = (type: RecordType, value: string): string => (type === 'CNAME' ? normalName(value) : value);

/** Portico's value for a Linode `target`. */
export function fromTarget(type: RecordType, target: string): string {
  if (type === 'TXT') return decodeTxt(target);
  return type === 'CNAME' ? normalName(target) : target.trim().toLowerCase();
}

/**
 * The TTLs Linode keeps: "any other value is rounded up to the nearest valid value"; 0 means the domain default.
 * (https://techdocs.akamai.com/linode-api/reference/post-domain-record, `ttl_sec`.)
 */
export const LINODE_TTLS: readonly number[] = [30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200];

/** The Linode TTL for `ttl` seconds, rounded up as Linode would. */
export const toLinodeTtl = (ttl: number): number => LINODE_TTLS.find((valid) => valid >= ttl) ?? LINODE_TTLS[LINODE_TTLS.length - 1]!;
