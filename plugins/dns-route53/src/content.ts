/**
 * Route 53's wire form of names and values, to and from Portico's form (absolute, lower case, no trailing dot;
 * TXT one unquoted string; CNAME targets without the dot).
 *
 * Route 53 returns names absolute with the trailing dot and writes every character other than a-z, 0-9, `-`, `_`
 * and `.` as a three-digit octal escape (`\052` for the `*` of a wildcard). TXT values are one or more quoted
 * strings of at most 255 bytes each, with `"` and `\` backslash-escaped and bytes outside printable ASCII as octal
 * escapes.
 */
import type { RecordType } from '@portico/kernel';

/** The record types Portico writes; Route 53's other types are left out of every read. */
export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];

export const isRecordType = (type: string | undefined): type is RecordType => RECORD_TYPES.includes(type as RecordType);

/** Longest character-string of a TXT record, in bytes (RFC 1035). */
export const TXT_CHUNK_BYTES = 255;

/** `Example.COM.` → `example.com` (Portico's form of a name the caller gives). */
export const normalizeName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** Portico's name → the absolute name sent to Route 53 (`*.shop.example.com` → `*.shop.example.com.`). */
export const toRoute53Name = (name: string): string => `${normalizeName(name)}.`;

/** Portico's name → the `StartRecordName` of a listing, with the wildcard label escaped as Route 53 stores it. */
export const toStartRecordName = (name: string): string => toRoute53Name(name).replace(/^\*(?=\.)/, '\\052');

/** A name as Route 53 returns it (`\052.shop.example.com.`) → Portico's (`*.shop.example.com`). */
export function fromRoute53Name(name: string): string {
  return normalizeName(decodeOctal(name));
}

function decodeOctal(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) i = readChar(text, i, bytes);
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

const encoder = new TextEncoder();

/** Appends the bytes of the (possibly escaped) character at `i` to `bytes`; returns the index after it. */
function readChar(text: string, i: number, bytes: number[]): number {
  if (text[i] === '\\' && i + 1 < text.length) {
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8) & 0xff);
      return i + 4;
    }
    i++;
  }
  const char = String.fromCodePoint(text.codePointAt(i)!);
  bytes.push(...encoder.encode(char));
  return i + char.length;
}

/**
 * A TXT value → Route 53's `Value`: quoted strings of at most 255 bytes each. A UTF-8 character may be split
 * across two strings; that is fine for DNS (strings are bytes) and `decodeTxt` joins the bytes back.
 */
export function encodeTxt(value: string): string {
  const bytes = encoder.encode(value);
  if (bytes.length === 0) return '""';
  const strings: string[] = [];
  for (let start = 0; start < bytes.length; start += TXT_CHUNK_BYTES) {
    strings.push(`"${escapeBytes(bytes.subarray(start, start + TXT_CHUNK_BYTES))}"`);
  }
  return strings.join(' ');
}

function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/** Route 53's TXT `Value` (`"abc" "def"`, escapes and all) → the one unquoted string (`abcdef`). */
export function decodeTxt(value: string): string {
  const bytes: number[] = [];
  let i = 0;
  while (i < value.length) {
    if (value[i] === ' ' || value[i] === '\t') {
      i++;
      continue;
    }
    const quoted = value[i] === '"';
    if (quoted) i++;
    while (i < value.length && !(quoted ? value[i] === '"' : value[i] === ' ' || value[i] === '\t')) i = readChar(value, i, bytes);
    if (quoted) i++;
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** A Portico value → Route 53's `Value` for that type. */
export function toRoute53Value(type: RecordType, value: string): string {
  if (type === 'TXT') return encodeTxt(value);
  if (type === 'CNAME') return toRoute53Name(value);
  return value.trim();
}

/** Route 53's `Value` → Portico's canonical value, so re-reading what was written compares equal. */
export function fromRoute53Value(type: RecordType, value: string): string {
  if (type === 'TXT') return decodeTxt(value);
  if (type === 'CNAME') return fromRoute53Name(value);
  return value.trim().toLowerCase();
}
