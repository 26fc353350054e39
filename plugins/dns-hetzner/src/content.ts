/**
 * Hetzner DNS's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * Hetzner DNS Console API (https://dns.hetzner.com/api-docs#tag/Records):
 * - a record's `name` is relative to the zone, `@` for the apex;
 * - a CNAME's `value` is a fully qualified host name with a trailing dot (without it Hetzner appends the zone);
 * - a TXT record's `value` is stored as sent: Portico sends RFC 1035 quoted strings of at most 255 bytes
 *   (`"first 255 bytes" "the rest"`, `"` and `\` escaped), so long text is valid in the zone file too.
 * Portico: absolute names, lower case, no trailing dot; TXT is the unquoted text as one string.
 */

/** Portico's name form: lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** An absolute name → Hetzner's `name` inside `zone` (`@` for the apex). */
export function toRelativeName(name: string, zone: string): string {
  const full = normalName(name);
  const apex = normalName(zone);
  if (full === apex) return '@';
  if (!full.endsWith(`.${apex}`)) throw new RangeError(`${full} is not inside the zone ${apex}`);
  return full.slice(0, -(apex.length + 1));
}

/** Hetzner's relative `name` → Portico's absolute name. */
export function fromRelativeName(name: string, zone: string): string {
  const apex = normalName(zone);
  const relative = name.trim().toLowerCase();
  if (relative === '@' || relative === '') return apex;
  // A name with the trailing dot is absolute already.
  if (relative.endsWith('.')) return normalName(relative);
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

/** A TXT `value` as read back: quoted strings are joined and unescaped; an unquoted value (written by hand) is the text. */
export function decodeTxt(value: string): string {
  if (!/^\s*"/.test(value)) return value;
  const parts = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(.)/g, '$1'));
  return parts.length > 0 ? parts.join('') : value;
}

/** A value read from Hetzner → Portico's form for that type. */
export function fromValue(type: string, value: string, zone: string): string {
  if (type === 'TXT') return decodeTxt(value);
  if (type === 'CNAME') {
    const target = value.trim();
    if (target === '@') return normalName(zone);
    // Without the trailing dot Hetzner reads a target relative to the zone.
    return target.endsWith('.') ? normalName(target) : `${normalName(target)}.${normalName(zone)}`;
  }
  // A and AAAA: lower case keeps IPv6 comparable.
  return value.trim().toLowerCase();
}

/** A Portico value → Hetzner's `value` for that type. */
export function toValue(type: string, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return `${normalName(value)}.`;
  return value;
}
