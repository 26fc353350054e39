/**
 * Name.com's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * Name.com API v4 (https://www.name.com/api-docs/DNS):
 * - a record's `host` is relative to the zone; the apex is the empty host (or `@`); `fqdn` is read-only;
 * - `answer` is the address for A/AAAA, the target for CNAME and the text for TXT, as plain text (no zone-file
 *   quoting);
 * - the TTL is at least 300 seconds.
 * Portico: absolute names, lower case, no trailing dot; TXT is the unquoted text as one string.
 */

/** Name.com's smallest TTL. */
export const NAMECOM_MIN_TTL = 300;

/** Portico's name form: lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** An absolute name → Name.com's `host` inside `zone` (empty for the apex). */
export function toHost(name: string, zone: string): string {
  const full = normalName(name);
  const apex = normalName(zone);
  if (full === apex) return '';
  if (!full.endsWith(`.${apex}`)) throw new RangeError(`${full} is not inside the zone ${apex}`);
  return full.slice(0, -(apex.length + 1));
}

/** Name.com's relative `host` → Portico's absolute name. */
export function fromHost(host: string | undefined, zone: string): string {
  const apex = normalName(zone);
  const relative = normalName(host ?? '');
  if (relative === '' || relative === '@') return apex;
  return `${relative}.${apex}`;
}

/** A Name.com `answer` → Portico's value for that type. */
export function fromAnswer(type: string, answer: string): string {
  if (type === 'TXT') return answer;
  if (type === 'CNAME') return normalName(answer);
  // A and AAAA: lower case keeps IPv6 comparable.
  return answer.trim().toLowerCase();
}

/** A Portico value → Name.com's `answer` for that type. */
export function toAnswer(type: string, value: string): string {
  if (type === 'CNAME') return normalName(value);
  return value;
}

/** A TTL Name.com accepts: whole seconds, at least 300. */
export const toNamecomTtl = (ttl: number): number => Math.max(NAMECOM_MIN_TTL, Math.round(ttl));
