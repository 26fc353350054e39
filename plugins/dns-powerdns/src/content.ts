/**
 * Names and record content between Portico's form (absolute names without the trailing dot, TXT as one
 * unquoted string) and PowerDNS's (canonical names with the dot, zone-file presentation format).
 */

/** `Example.COM` or `example.com.` → `example.com.`, the form PowerDNS wants for zone and record names. */
export function toCanonical(name: string): string {
  const bare = fromCanonical(name.trim()).toLowerCase();
  return `${bare}.`;
}

/** `example.com.` → `example.com`. */
export function fromCanonical(name: string): string {
  return name.replace(/\.+$/, '');
}

/** Whether `name` (any form) is `zone` itself or a name below it. */
export function isInZone(name: string, zone: string): boolean {
  const n = toCanonical(name);
  const z = toCanonical(zone);
  return n === z || n.endsWith(`.${z}`);
}

const MAX_STRING_BYTES = 255;

/**
 * One TXT value → PowerDNS content: quoted character-strings of at most 255 bytes each, `"` and `\` escaped,
 * bytes outside printable ASCII as `\DDD`. Splits on bytes; the decoder joins bytes before reading UTF-8, so a
 * character cut in two comes back whole.
 */
export function encodeTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  for (let offset = 0; offset < bytes.length || strings.length === 0; offset += MAX_STRING_BYTES) {
    strings.push(`"${[...bytes.subarray(offset, offset + MAX_STRING_BYTES)].map(escapeByte).join('')}"`);
  }
  return strings.join(' ');
}

function escapeByte(byte: number): string {
  if (byte === 0x22 || byte === 0x5c) return `\\${String.fromCharCode(byte)}`;
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return `\\${String(byte).padStart(3, '0')}`;
}

/**
 * PowerDNS TXT content → the value: every character-string (quoted or bare) joined, escapes undone
 * (`\"`, `\\`, `\DDD`), read as UTF-8.
 */
export function decodeTxt(content: string): string {
  const bytes: number[] = [];
  const pushChar = (char: string) => bytes.push(...Buffer.from(char, 'utf8'));
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const char = content[i];
    if (char === '\\') {
      const digits = content.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        bytes.push(Number(digits) & 0xff);
        i += 3;
      } else if (i + 1 < content.length) {
        pushChar(content[++i]);
      }
    } else if (char === '"') {
      quoted = !quoted;
    } else if (quoted || !/\s/.test(char)) {
      // Between strings only whitespace separates them; inside (or in a bare string) it is content.
      // Code points above U+FFFF take two UTF-16 units: copy the pair together.
      const codePoint = content.codePointAt(i) ?? 0;
      const whole = String.fromCodePoint(codePoint);
      pushChar(whole);
      i += whole.length - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Record types this client reads and writes (Portico's `RecordType`). */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT'] as const;
export type SupportedType = (typeof RECORD_TYPES)[number];

export function isSupportedType(type: string): type is SupportedType {
  return (RECORD_TYPES as readonly string[]).includes(type);
}

/** A value in Portico's form → PowerDNS content. */
export function toContent(type: SupportedType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return toCanonical(value);
  return value.trim();
}

/** PowerDNS content → a value in Portico's form. */
export function fromContent(type: SupportedType, content: string): string {
  if (type === 'TXT') return decodeTxt(content);
  if (type === 'CNAME') return fromCanonical(content).toLowerCase();
  return content;
}
