/**
 * Vultr DNS's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * Vultr API v2 (https://www.vultr.com/api/#tag/dns):
 * - a record's `name` is relative to the domain, the empty string for the apex;
 * - a CNAME's `data` is a host name, without a trailing dot;
 * - a TXT record's `data` is the record's text as the zone file has it: Portico sends RFC 1035 quoted strings of
 *   at most 255 bytes (`"first 255 bytes" "the rest"`, `"` and `\` escaped).
 * Portico: absolute names, lower case, no trailing dot; TXT is the unquoted text as one string.
 */

/** Portico's name form: lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** An absolute name → Vultr's `name` inside `zone` (empty for the apex). */
export function toRelativeName(name: string, zone: string): string {
  const full = normalName(name);
  const apex = normalName(zone);
  if (full === apex) return '';
  if (!full.endsWith(`.${apex}`)) throw new RangeError(`${full} is not inside the zone ${apex}`);
  return full.slice(0, -(apex.length + 1));
}

/** Vultr's relative `name` → Portico's absolute name. */
export function fromRelativeName(name: string, zone: string): string {
  const apex = normalName(zone);
  const relative = normalName(name);
  if (relative === '' || relative === '@') return apex;
  return `${relative}.${apex}`;
}

/** The longest string inside one TXT record (a DNS limit). */
const TXT_CHUNK_BYTES = 255;

/** One TXT value as quoted strings of at most 255 bytes, never splitting a character. */
export function encodeTxt(text: string): string {
  const chunks: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > TXT_CHUNK_BYTES) {
      chunks.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  chunks.push(chunk);
  return chunks.map((part) => `"${part.replace(/[\\"]/g, '\\$&')}"`).join(' ');
}

/** A TXT `data` as read back: quoted strings are joined and unescaped; unquoted data (written by hand) is the text. */
export function decodeTxt(data: string): string {
  if (!/^\s*"/.test(data)) return data;
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(.)/g, '$1'));
  return parts.length > 0 ? parts.join('') : data;
}

/** A value read from Vultr → Portico's form for that type. */
export function fromData(type: string, data: string): string {
  if (type === 'TXT') return decodeTxt(data);
  if (type === 'CNAME') return normalName(data);
  // A and AAAA: lower case keeps IPv6 comparable.
  return data.trim().toLowerCase();
}

/** A Portico value → Vultr's `data` for that type. */
export function toData(type: string, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return normalName(value);
  return value;
}
