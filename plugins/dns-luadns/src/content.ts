/**
 * LuaDNS's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * LuaDNS REST API v1 (https://luadns.com/api.html, "Records"):
 * - a record's `name` is the fully qualified name with a trailing dot (`www.example.org.`), the apex included;
 * - `content` is the address for A/AAAA, the target for CNAME (written fully qualified, with the dot) and the
 *   text for TXT, as plain text (the API's own example writes `Hello, world!`).
 * Portico: absolute names, lower case, no trailing dot; TXT is the unquoted text as one string.
 */

/** Portico's name form: lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** LuaDNS's name form: fully qualified, with the trailing dot. */
export const toFqdn = (name: string): string => `${normalName(name)}.`;

/** Whether `name` is `zone` or inside it. */
export const inZone = (name: string, zone: string): boolean => {
  const full = normalName(name);
  const apex = normalName(zone);
  return full === apex || full.endsWith(`.${apex}`);
};

/** A LuaDNS `content` → Portico's value for that type. */
export function fromContent(type: string, content: string): string {
  if (type === 'TXT') return content;
  if (type === 'CNAME') return normalName(content);
  // A and AAAA: lower case keeps IPv6 comparable.
  return content.trim().toLowerCase();
}

/** A Portico value → LuaDNS's `content` for that type. */
export function toContent(type: string, value: string): string {
  if (type === 'CNAME') return toFqdn(value);
  return value;
}
