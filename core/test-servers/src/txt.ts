/** TXT content in presentation form: quoted character-strings of at most 255 bytes each, escaped. */
export function quoteTxt(value: string): string {
  const bytes = Buffer.from(value);
  const chunks: string[] = [];
  for (let offset = 0; offset < bytes.length || chunks.length === 0; offset += 255) {
    chunks.push(`"${[...bytes.subarray(offset, offset + 255)].map(escapeByte).join('')}"`);
  }
  return chunks.join(' ');
}

function escapeByte(byte: number): string {
  if (byte === 0x22 || byte === 0x5c) return `\\${String.fromCharCode(byte)}`;
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return `\\${String(byte).padStart(3, '0')}`;
}
