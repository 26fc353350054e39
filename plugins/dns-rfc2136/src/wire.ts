/**
 * Wire-format pieces dns-packet does not give us: canonical names for TSIG, reading names that use compression
 * pointers, and the byte offsets of records (dns-packet decodes records but does not say where they start).
 */

export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;
export const TYPE_TSIG = 250;

/** Record types by name, for the records written without data (prerequisites, deletions). */
export const TYPE_CODES = { A: 1, NS: 2, CNAME: 5, SOA: 6, TXT: 16, AAAA: 28, ANY: 255 } as const;
export type TypeName = keyof typeof TYPE_CODES;

const HEADER_LENGTH = 12;

/**
 * The labels of an absolute name (`Example.COM.` → `['example', 'com']`, `.` → `[]`), lower-cased. Refuses what
 * cannot be a DNS name: empty labels, labels over 63 bytes, names over 255 bytes on the wire, non-ASCII
 * characters (names must already be A-labels) and backslash escapes.
 */
export function nameLabels(name: string): string[] {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed === '') return [];
  if (!/^[\x21-\x7e]+$/.test(trimmed) || trimmed.includes('\\')) throw new RangeError(`${JSON.stringify(name)} is not a DNS name in ASCII (A-label) form`);
  const labels = trimmed.toLowerCase().split('.');
  if (labels.some((label) => label.length === 0 || label.length > 63)) throw new RangeError(`${JSON.stringify(name)} has an empty label or one longer than 63 bytes`);
  if (labels.reduce((length, label) => length + label.length + 1, 1) > 255) throw new RangeError(`${JSON.stringify(name)} is longer than 255 bytes`);
  return labels;
}

/** A name as Portico writes it: lower-case, no trailing dot (the root is `''`). */
export function normalName(name: string): string {
  return nameLabels(name).join('.');
}

/** The canonical wire form (RFC 4034 §6.2, required for TSIG names): lower-case, uncompressed, root-terminated. */
export function canonicalName(name: string): Buffer {
  const labels = nameLabels(name);
  const parts = labels.flatMap((label) => [Buffer.from([label.length]), Buffer.from(label, 'ascii')]);
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/**
 * Reads a name at `offset`, following compression pointers (only backwards, as RFC 1035 allows). Returns the
 * lower-cased name without trailing dot and the offset just after the name's bytes at `offset`.
 */
export function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let position = offset;
  let end: number | undefined;
  let limit = offset;
  for (let steps = 0; steps < 128; steps++) {
    if (position >= buf.length) throw new RangeError('name runs past the end of the message');
    const length = buf[position];
    if (length === 0) return { name: labels.join('.').toLowerCase(), end: end ?? position + 1 };
    if ((length & 0xc0) === 0xc0) {
      if (position + 1 >= buf.length) throw new RangeError('name runs past the end of the message');
      const target = buf.readUInt16BE(position) & 0x3fff;
      if (target >= limit) throw new RangeError('name has a compression pointer that does not point backwards');
      end ??= position + 2;
      position = limit = target;
      continue;
    }
    if ((length & 0xc0) !== 0) throw new RangeError('name has an unknown label type');
    if (position + 1 + length > buf.length) throw new RangeError('name runs past the end of the message');
    labels.push(buf.toString('latin1', position + 1, position + 1 + length));
    position += 1 + length;
  }
  throw new RangeError('name has too many labels');
}

export interface Header {
  id: number;
  flags: number;
  /** RCODE from the header (4 bits; this package sends no EDNS, so there is no extended RCODE). */
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export function readHeader(buf: Buffer): Header {
  if (buf.length < HEADER_LENGTH) throw new RangeError('message shorter than a DNS header');
  const flags = buf.readUInt16BE(2);
  return {
    id: buf.readUInt16BE(0),
    flags,
    rcode: flags & 0xf,
    qdcount: buf.readUInt16BE(4),
    ancount: buf.readUInt16BE(6),
    nscount: buf.readUInt16BE(8),
    arcount: buf.readUInt16BE(10),
  };
}

/** Where one resource record sits in a message. */
export interface RecordPosition {
  /** Offset of the record's first byte (its owner name). */
  start: number;
  /** Offset of the CLASS field. */
  classOffset: number;
  type: number;
  rdataOffset: number;
  rdlength: number;
  /** Offset just after the record. */
  end: number;
}

/** The positions of every record after the question section (answer, authority, additional), in order. */
export function recordPositions(buf: Buffer): RecordPosition[] {
  const header = readHeader(buf);
  let offset = HEADER_LENGTH;
  for (let i = 0; i < header.qdcount; i++) {
    offset = readName(buf, offset).end + 4;
    if (offset > buf.length) throw new RangeError('question runs past the end of the message');
  }
  const positions: RecordPosition[] = [];
  const total = header.ancount + header.nscount + header.arcount;
  for (let i = 0; i < total; i++) {
    const start = offset;
    const nameEnd = readName(buf, offset).end;
    if (nameEnd + 10 > buf.length) throw new RangeError('record runs past the end of the message');
    const rdlength = buf.readUInt16BE(nameEnd + 8);
    const end = nameEnd + 10 + rdlength;
    if (end > buf.length) throw new RangeError('record data runs past the end of the message');
    positions.push({ start, classOffset: nameEnd + 2, type: buf.readUInt16BE(nameEnd), rdataOffset: nameEnd + 10, rdlength, end });
    offset = end;
  }
  return positions;
}
