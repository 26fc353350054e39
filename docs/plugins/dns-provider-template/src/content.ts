/**
 * ExampleDNS's record format ↔ Portico's (records.ts in @portico/kernel). Pure functions, no I/O.
 *
 * COPIER: this is the file that makes "re-reading what was written compares equal" true. Whatever your
 * vendor does to names and values (trailing dots, upper case, quoting, 255-byte TXT chunks, `@` for the apex),
 * undo it here, in both directions, and test the round trip.
 *
 * ExampleDNS (see README.md, "The ExampleDNS API"):
 * - names are absolute with a trailing dot, any case: `WWW.Example.com.`;
 * - CNAME targets are absolute with a trailing dot: `target.example.net.`;
 * - a TXT record is one or more quoted strings of at most 255 bytes each, `\"` and `\\` escaped:
 *   `"first 255 bytes" "the rest"`.
 * Portico: lower case, no trailing dot; TXT is the unquoted text as one string.
 */

/** Portico's name form: lower case, no trailing dot. */
export const fromVendorName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** ExampleDNS's name form: with the trailing dot. */
export const toVendorName = (name: string): string => `${fromVendorName(name)}.`;

/** The longest string inside one TXT record (a DNS limit, not ExampleDNS's). */
const TXT_CHUNK_BYTES = 255;

/** One TXT value as ExampleDNS wants it: quoted strings of at most 255 bytes, never splitting a character. */
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

/** One TXT record as ExampleDNS returns it → the text, chunks joined without separator (what was written). */
export function decodeTxt(record: string): string {
  const parts = [...record.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!.replace(/\\(.)/g, '$1'));
  // An unquoted value (some APIs return one for short strings) is the text itself.
  return parts.length > 0 ? parts.join('') : record;
}

/** A value read from ExampleDNS → Portico's form for that type. */
export function fromVendorValue(type: string, value: string): string {
  if (type === 'TXT') return decodeTxt(value);
  if (type === 'CNAME') return fromVendorName(value);
  // A and AAAA: ExampleDNS returns addresses as written; lower case keeps IPv6 comparable.
  return value.trim().toLowerCase();
}

/** A Portico value → what ExampleDNS accepts for that type. */
export function toVendorValue(type: string, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return toVendorName(value);
  return value;
}
