/**
 * Record content between Portico's form (records.ts: names lower case without trailing dot, TXT unquoted, one
 * string per value) and Cloudflare's (`content` strings; TXT as RFC 1035 quoted character strings).
 */
import type { RecordType } from '@portico/kernel';

/** The record types Portico writes; Cloudflare records of other types are left out of every read. */
export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];

export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot: how names and CNAME targets compare. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** Cloudflare's TTL range: 60 s to 1 day (`1` means automatic, which is 300 s). Enterprise zones allow 30 s. */
export const MIN_TTL = 60;
export const MAX_TTL = 86_400;
export const AUTOMATIC_TTL_SECONDS = 300;

/** The TTL Cloudflare accepts for `ttl` seconds: rounded into its range (records.ts lets providers round). */
export const toCloudflareTtl = (ttl: number): number => Math.min(MAX_TTL, Math.max(MIN_TTL, Math.round(ttl)));

/** A TTL read from Cloudflare, in seconds. */
export const fromCloudflareTtl = (ttl: number | undefined): number => (ttl === undefined || ttl === 1 ? AUTOMATIC_TTL_SECONDS : ttl);

const MAX_STRING_BYTES = 255;

/**
 * TXT text as Cloudflare wants it: quoted character strings of at most 255 bytes each, separated by a space, with
 * `"` and `\` escaped. Never splits inside a UTF-8 sequence, so every string is valid text on its own.
 */
export function encodeTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  let start = 0;
  do {
    let end = Math.min(bytes.length, start + MAX_STRING_BYTES);
    // Back off continuation bytes (10xxxxxx) so a multi-byte character stays in one string.
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    strings.push(quote(bytes.subarray(start, end).toString('utf8')));
    start = end;
  } while (start < bytes.length);
  return strings.join(' ');
}

const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * The text of Cloudflare TXT content: quoted strings (any number, any spacing, `\"`, `\\` and `\DDD` escapes) are
 * decoded and joined without separator, as resolvers join them; content that does not start with a quote (records
 * written before Cloudflare quoted TXT content) is the text itself.
 */
export function decodeTxt(content: string): string {
  const text = content.trim();
  if (!text.startsWith('"')) return content;
  const bytes: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++; // whitespace between strings
      continue;
    }
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) {
        const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (digits) {
          bytes.push(Number(digits[0]) & 0xff);
          i += 4;
        } else {
          const escaped = String.fromCodePoint(text.codePointAt(i + 1)!);
          bytes.push(...Buffer.from(escaped, 'utf8'));
          i += 1 + escaped.length;
        }
        continue;
      }
      const char = String.fromCodePoint(text.codePointAt(i)!);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
    i++; // closing quote
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A value in Portico's form from Cloudflare `content`. */
export function fromContent(type: RecordType, content: string): string {
  if (type === 'TXT') return decodeTxt(content);
  if (type === 'CNAME') return normalName(content);
  return content.trim().toLowerCase();
}

/** Cloudflare `content` for a value in Portico's form. */
export function toContent(type: RecordType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return normalName(value);
  return value.trim();
}

/** The form two values of one type are compared in (TXT exact; other types without case or trailing dot). */
export const comparable = (type: RecordType, value: string): string => (type === 'TXT' ? value : normalName(value));
