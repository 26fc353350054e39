/**
 * Portico's record values ↔ dns-packet records. Portico's form: names absolute, lower-case, without the trailing
 * dot; TXT one unquoted string (split here into 255-byte character-strings, joined back when read); CNAME a host
 * name without the dot, always meant absolute.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Answer } from 'dns-packet';
import type { RecordSet, RecordType } from '@portico/kernel';
import { nameLabels, normalName } from './wire.ts';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];

export const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Whether `name` is `zone` or below it; both in any case, with or without the trailing dot. */
export function isInZone(name: string, zone: string): boolean {
  const labels = nameLabels(name);
  const apex = nameLabels(zone);
  return labels.length >= apex.length && apex.every((label, i) => labels[labels.length - apex.length + i] === label);
}

/** Splits a TXT value into character-strings of at most 255 bytes (UTF-8; a character may straddle two). */
export function txtChunks(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length || chunks.length === 0; offset += 255) chunks.push(bytes.subarray(offset, offset + 255));
  return chunks;
}

/**
 * The records of one set in dns-packet form, checking each value. Throws a RangeError naming the bad value:
 * not an address for A/AAAA, not a host name or more than one value for CNAME, a TTL that is not a whole number
 * of seconds in 0…2147483647.
 */
export function toAnswers({ name, type, ttl, values }: RecordSet): Answer[] {
  const owner = normalName(name);
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0x7fffffff) throw new RangeError(`${owner} ${type}: ttl must be a whole number of seconds (0 to 2147483647)`);
  if (type === 'CNAME' && values.length > 1) throw new RangeError(`${owner} CNAME: a CNAME record set holds one value, got ${values.length}`);
  return values.map((value): Answer => {
    switch (type) {
      case 'A':
        if (!isIPv4(value)) throw new RangeError(`${owner} A: ${JSON.stringify(value)} is not an IPv4 address`);
        return { name: owner, type, ttl, class: 'IN', data: value };
      case 'AAAA':
        if (!isIPv6(value)) throw new RangeError(`${owner} AAAA: ${JSON.stringify(value)} is not an IPv6 address`);
        return { name: owner, type, ttl, class: 'IN', data: value };
      case 'CNAME': {
        const target = normalName(value);
        if (target === '') throw new RangeError(`${owner} CNAME: the target is empty`);
        return { name: owner, type, ttl, class: 'IN', data: target };
      }
      case 'TXT':
        return { name: owner, type, ttl, class: 'IN', data: txtChunks(value) };
      default:
        throw new RangeError(`Record type ${String(type)} is not supported (A, AAAA, CNAME, TXT)`);
    }
  });
}

/** A record's value in Portico's form, or undefined for a type Portico does not handle. */
export function fromAnswer(answer: Answer): string | undefined {
  switch (answer.type) {
    case 'A':
      return answer.data;
    case 'AAAA':
      return canonicalIPv6(answer.data);
    case 'CNAME':
      return answer.data.toLowerCase().replace(/\.$/, '');
    case 'TXT': {
      const data = answer.data;
      const parts = Array.isArray(data) ? data : [data];
      return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))).toString('utf8');
    }
    default:
      return undefined;
  }
}

/** Groups records into sets by name and type (A, AAAA, CNAME, TXT only), sorted by name then type, values sorted. */
export function toRecordSets(answers: Answer[]): RecordSet[] {
  const sets = new Map<string, RecordSet>();
  for (const answer of answers) {
    if (!isRecordType(answer.type) || ('class' in answer && answer.class !== undefined && answer.class !== 'IN')) continue;
    const value = fromAnswer(answer);
    if (value === undefined) continue;
    const name = answer.name.toLowerCase().replace(/\.$/, '');
    const key = `${name} ${answer.type}`;
    const set = sets.get(key) ?? { name, type: answer.type, ttl: 'ttl' in answer ? (answer.ttl ?? 0) : 0, values: [] };
    if (!set.values.includes(value)) set.values.push(value);
    sets.set(key, set);
  }
  // Servers rotate the order of records in a set; the order means nothing, so make it stable.
  for (const set of sets.values()) set.values.sort();
  return [...sets.values()].sort(compareSets);
}

export function compareSets(a: { name: string; type: string }, b: { name: string; type: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/** Whether two lists of values in Portico's form hold the same values (order and IPv6 spelling aside). */
export function sameValues(type: RecordType, a: string[], b: string[]): boolean {
  const normal = (value: string) => (type === 'AAAA' && isIPv6(value) ? canonicalIPv6(value) : type === 'CNAME' ? value.toLowerCase().replace(/\.$/, '') : value);
  const left = new Set(a.map(normal));
  const right = new Set(b.map(normal));
  return left.size === right.size && [...left].every((value) => right.has(value));
}

/** RFC 5952 text form (what `new URL` prints for a host), so `2001:DB8:0::1` and `2001:db8::1` compare equal. */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
