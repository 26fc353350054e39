/**
 * TXT values in the zone-file presentation form many DNS APIs take and give: quoted character-strings of at most 255
 * bytes each. Portico's own form is the text unquoted (records.ts); a provider whose API speaks the presentation
 * form converts with these.
 */
const MAX_STRING_BYTES = 255;

/** TXT text as quoted strings of at most 255 bytes, `"` and `\` escaped, never splitting a UTF-8 character. */
export function encodeTxtStrings(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  let start = 0;
  do {
    let end = Math.min(bytes.length, start + MAX_STRING_BYTES);
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    strings.push(`"${bytes.subarray(start, end).toString('utf8').replace(/[\\"]/g, (c) => `\\${c}`)}"`);
    start = end;
  } while (start < bytes.length);
  return strings.join(' ');
}

/** Quoted strings (`\"`, `\\`, `\DDD` escapes) → the text, joined without separator; unquoted text is itself. */
export function decodeTxtStrings(record: string): string {
  const text = record.trim();
  if (!text.startsWith('"')) return record;
  const bytes: number[] = [];
  let i = 0;
  let inside = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      inside = !inside;
      i++;
    } else if (!inside) {
      i++;
    } else if (c === '\\' && /^\d{3}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(Number(text.slice(i + 1, i + 4)));
      i += 4;
    } else if (c === '\\' && i + 1 < text.length) {
      bytes.push(...Buffer.from(text[i + 1]!, 'utf8'));
      i += 2;
    } else {
      const cp = text.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
