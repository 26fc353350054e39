/**
 * DigitalOcean's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * DigitalOcean (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Domain-Records):
 * - a record's `name` is relative to the domain, `@` for the apex;
 * - a CNAME's `data` is a fully qualified host name with a trailing dot (`@` stands for the apex);
 * - a TXT record's `data` is the text itself, unquoted: DigitalOcean splits long text into 255-byte strings.
 * Portico: absolute names, lower case, no trailing dot; TXT is the unquoted text as one string.
 */

/** Portico's name form: lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** An absolute name → DigitalOcean's `name` inside `zone` (`@` for the apex). */
export function toRelativeName(name: string, zone: string): string {
  const full = normalName(name);
  const apex = normalName(zone);
  if (full === apex) return '@';
  if (!full.endsWith(`.${apex}`)) throw new RangeError(`${full} is not inside the zone ${apex}`);
  return full.slice(0, -(apex.length + 1));
}

/** DigitalOcean's relative `name` (or an absolute one, as some answers give) → Portico's absolute name. */
export function fromRelativeName(name: string, zone: string): string {
  const apex = normalName(zone);
  const relative = normalName(name);
  if (relative === '@' || relative === '' || relative === apex) return apex;
  return relative.endsWith(`.${apex}`) ? relative : `${relative}.${apex}`;
}

/** TXT text as read back: quoted strings (`"a" "b"`) are joined and unescaped, anything else is the text. */
export function decodeTxt(data: string): string {
  if (!/^\s*"/.test(data)) return data;
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(\d{3}|.)/g, (_, esc: string) => (/^\d{3}$/.test(esc) ? String.fromCharCode(Number(esc)) : esc)));
  return parts.length > 0 ? parts.join('') : data;
}

/** A value read from DigitalOcean → Portico's form for that type. */
export function fromData(type: string, data: string, zone: string): string {
  if (type === 'TXT') return decodeTxt(data);
  if (type === 'CNAME') return data.trim() === '@' ? normalName(zone) : normalName(data);
  // A and AAAA: lower case keeps IPv6 comparable.
  return data.trim().toLowerCase();
}

/** A Portico value → DigitalOcean's `data` for that type: CNAME targets fully qualified, with the dot. */
export function toData(type: string, value: string): string {
  if (type === 'CNAME') return `${normalName(value)}.`;
  return value;
}

/** DigitalOcean's lowest TTL is 30 seconds. */
export const MIN_TTL = 30;
export const toTtl = (ttl: number): number => Math.max(MIN_TTL, Math.round(ttl));
