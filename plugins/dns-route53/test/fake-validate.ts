/**
 * The fake's ChangeResourceRecordSets validation, after Route 53's documented rules and error texts: changes
 * apply in order to a copy of the zone (so DELETE then CREATE of one set is allowed), every problem is collected,
 * and any problem rejects the whole batch: nothing is written.
 */
import type { FakeRecordSet } from './fake-route53.ts';

export interface FakeChange {
  action: string;
  set: FakeRecordSet;
}

/** Route 53's quotas of one request; an UPSERT counts each record and each character twice. */
export const LIMITS = { records: 1000, characters: 32_000 };

const TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SOA', 'SRV', 'CAA', 'PTR', 'SPF', 'NAPTR', 'DS', 'TLSA', 'SSHFP', 'SVCB', 'HTTPS']);

const label = (set: FakeRecordSet) => `[name='${set.name}', type='${set.type}'${set.setIdentifier === undefined ? '' : `, set-identifier='${set.setIdentifier}'`}]`;

/** TXT `Value`: one or more quoted strings of at most 255 bytes each. Returns the problem, if any. */
function txtProblem(value: string): string | undefined {
  const strings = value.match(/"((?:[^"\\]|\\.)*)"|(\S+)/g) ?? [];
  for (const piece of strings) {
    if (!piece.startsWith('"')) return 'InvalidCharacterString (Value should be enclosed in quotation marks)';
    const bytes = piece
      .slice(1, -1)
      .replace(/\\[0-7]{3}/g, 'x')
      .replace(/\\./g, 'x');
    if (Buffer.byteLength(bytes) > 255) return 'CharacterStringTooLong (Value is too long)';
  }
  return strings.length === 0 ? 'InvalidCharacterString (Value should be enclosed in quotation marks)' : undefined;
}

function valueProblem(type: string, value: string): string | undefined {
  if (type === 'A' && !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(value)) return 'ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)';
  if (type === 'AAAA' && !/^[0-9a-f:.]+$/i.test(value)) return 'AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address)';
  if (type === 'TXT') return txtProblem(value);
  return undefined;
}

const sameValues = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

export function validateChanges(
  zoneName: string,
  sets: Map<string, FakeRecordSet>,
  changes: FakeChange[],
  keyOf: (set: FakeRecordSet) => string,
): { errors: string[]; sets: Map<string, FakeRecordSet> } {
  const errors: string[] = [];
  let records = 0;
  let characters = 0;
  const touched: FakeRecordSet[] = [];

  for (const { action, set } of changes) {
    if (!['CREATE', 'UPSERT', 'DELETE'].includes(action)) {
      errors.push(`Invalid request: Action '${action}' is not one of CREATE, UPSERT, DELETE`);
      continue;
    }
    if (!TYPES.has(set.type)) {
      errors.push(`Invalid request: type '${set.type}' is not a record type`);
      continue;
    }
    if (set.name !== zoneName && !set.name.endsWith(`.${zoneName}`)) {
      errors.push(`RRSet with DNS name ${set.name} is not permitted in zone ${zoneName}`);
      continue;
    }
    if (set.alias === undefined && (set.ttl === undefined || set.values === undefined || set.values.length === 0)) {
      errors.push(`Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with ${label(set)}`);
      continue;
    }
    const factor = action === 'UPSERT' ? 2 : 1;
    records += (set.values?.length ?? 0) * factor;
    characters += (set.values ?? []).reduce((sum, v) => sum + v.length, 0) * factor;
    const problems = (set.values ?? []).map((v) => [v, valueProblem(set.type, v)] as const).filter(([, problem]) => problem);
    for (const [value, problem] of problems) errors.push(`Invalid Resource Record: 'FATAL problem: ${problem} encountered with '${value}''`);
    if (set.type === 'CNAME' && (set.values?.length ?? 0) > 1) errors.push(`RRSet of type CNAME with DNS name ${set.name} has more than one record`);
    if (problems.length > 0) continue;

    const key = keyOf(set);
    const existing = sets.get(key);
    if (action === 'CREATE' && existing) {
      errors.push(`Tried to create resource record set ${label(set)} but it already exists`);
    } else if (action === 'DELETE' && !existing) {
      errors.push(`Tried to delete resource record set ${label(set)} but it was not found`);
    } else if (action === 'DELETE' && (existing!.ttl !== set.ttl || !sameValues(existing!.values, set.values))) {
      errors.push(`Tried to delete resource record set ${label(set)} but the values provided do not match the current values`);
    } else if (action === 'DELETE') {
      sets.delete(key);
    } else {
      sets.set(key, structuredClone(set));
      touched.push(set);
    }
  }

  if (records > LIMITS.records) errors.push(`Number of records limit of ${LIMITS.records} exceeded.`);
  if (characters > LIMITS.characters) errors.push(`RDATA character limit of ${LIMITS.characters} exceeded.`);

  // A CNAME never shares its name with other data (RFC 1034 §3.6.2), checked on the batch's result.
  for (const set of touched) {
    const atName = [...sets.values()].filter((other) => other.name === set.name);
    const cname = atName.find((other) => other.type === 'CNAME');
    if (!cname || atName.length === 1) continue;
    if (set.type === 'CNAME') {
      errors.push(`RRSet of type CNAME with DNS name ${set.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zoneName}`);
    } else {
      errors.push(`RRSet of type ${set.type} with DNS name ${set.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zoneName}`);
    }
  }
  return { errors, sets };
}
