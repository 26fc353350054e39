/**
 * RFC 2136 UPDATE and plain query messages, encoded with dns-packet. An UPDATE reuses the query layout: the zone
 * section is the question (the zone's SOA), prerequisites are the answer section, updates the authority section.
 */
import { randomInt } from 'node:crypto';
import packet, { type Answer } from 'dns-packet';
import type { RecordSet } from '@portico/kernel';
import { toAnswers } from './records.ts';
import { CLASS_NONE, normalName, recordPositions, TYPE_CODES, type TypeName } from './wire.ts';

/** OPCODE 5 (UPDATE) in the header flags; dns-packet takes the opcode from `flags`. */
export const OPCODE_UPDATE = 5 << 11;

/**
 * RFC 2136 §2.4 prerequisites, all without data:
 * - `rrset-exists`: `name` has records of `type`, whatever their values (class ANY);
 * - `rrset-absent`: `name` has no records of `type` (class NONE);
 * - `name-in-use`: `name` has records of any type (class ANY, type ANY);
 * - `name-not-in-use`: `name` has no records at all (class NONE, type ANY).
 */
export type Prerequisite =
  | { kind: 'rrset-exists'; name: string; type: TypeName }
  | { kind: 'rrset-absent'; name: string; type: TypeName }
  | { kind: 'name-in-use'; name: string }
  | { kind: 'name-not-in-use'; name: string };

export interface UpdateRequest {
  zone: string;
  /** Message ID. Default: random. */
  id?: number;
  prerequisites?: Prerequisite[];
  /** Record sets replaced whole: each is deleted (class ANY, TTL 0, no data), then its values are added. */
  replace?: RecordSet[];
  /** Record sets deleted (class ANY, TTL 0, no data). Deleting a set that does not exist changes nothing. */
  remove?: Array<{ name: string; type: TypeName }>;
}

export const randomId = (): number => randomInt(0, 0x10000);

/**
 * The UPDATE message, unsigned. Throws a RangeError for a malformed name or value (see `toAnswers`). Records
 * with empty data are written as dns-packet "unknown type" records, because its A/AAAA/TXT encoders refuse empty
 * data; class NONE cannot be written by dns-packet at all, so those records are patched after encoding.
 */
export function encodeUpdate({ zone, id = randomId(), prerequisites = [], replace = [], remove = [] }: UpdateRequest): Buffer {
  const prerequisiteRecords = prerequisites.map((prerequisite) => {
    switch (prerequisite.kind) {
      case 'rrset-exists':
        return emptyRecord(prerequisite.name, prerequisite.type);
      case 'rrset-absent':
        return emptyRecord(prerequisite.name, prerequisite.type, true);
      case 'name-in-use':
        return emptyRecord(prerequisite.name, 'ANY');
      case 'name-not-in-use':
        return emptyRecord(prerequisite.name, 'ANY', true);
    }
  });
  const updates: Answer[] = [
    ...replace.flatMap((set) => [emptyRecord(set.name, set.type).record, ...toAnswers(set)]),
    ...remove.map(({ name, type }) => emptyRecord(name, type).record),
  ];
  const wire = packet.encode({
    id,
    type: 'query',
    flags: OPCODE_UPDATE,
    questions: [{ name: normalName(zone), type: 'SOA', class: 'IN' }],
    answers: prerequisiteRecords.map(({ record }) => record),
    authorities: updates,
  });
  const positions = recordPositions(wire);
  prerequisiteRecords.forEach(({ classNone }, i) => {
    if (classNone) wire.writeUInt16BE(CLASS_NONE, positions[i].classOffset);
  });
  return wire;
}

/** A query for one name and type, without recursion desired (we ask the zone's own server). */
export function encodeQuery(name: string, type: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'NS' | 'SOA' | 'AXFR', id = randomId()): Buffer {
  return packet.encode({ id, type: 'query', flags: 0, questions: [{ name: normalName(name), type, class: 'IN' }] });
}

/** A record with TTL 0 and no data, class ANY (or NONE, patched in after encoding). */
function emptyRecord(name: string, type: TypeName, classNone = false): { record: Answer; classNone: boolean } {
  const code = TYPE_CODES[type] as number | undefined;
  if (code === undefined) throw new RangeError(`Record type ${type} cannot be used in an update here`);
  // `UNKNOWN_<code>` makes dns-packet write the raw (empty) data of any type; its typings do not know the form.
  const record = { name: normalName(name), type: `UNKNOWN_${code}`, class: 'ANY', ttl: 0, data: Buffer.alloc(0) } as unknown as Answer;
  return { record, classNone };
}
