import type { Answer, DecodedPacket, RecordType } from 'dns-packet';
import type { DnsServerEvidence } from '../services.ts';
import { rcodeOf } from './wire.ts';

/** Lower case, no trailing dot: the form every name takes in a `DnsAnswer` and in comparisons. */
export function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** Whether a normalised name can be asked at all: labels of 1 to 63 bytes, 253 bytes in all. */
export function isAskable(name: string): boolean {
  return name !== '' && Buffer.byteLength(name) <= 253 && name.split('.').every((label) => label !== '' && Buffer.byteLength(label) <= 63);
}

/** `name` is `zone` or below it. */
export const isWithin = (name: string, zone: string) => zone === '' || name === zone || name.endsWith(`.${zone}`);

/**
 * What one authoritative server said about one question:
 * - `found`: records of the asked type at the name (presentation form); `glue` holds addresses the reply
 *   carried for the names in `values` (NS questions);
 * - `alias`: the name is a CNAME (asked for another type); `target` is where it points;
 * - `nxdomain` / `nodata`: an authoritative negative answer; `soa` is the zone its SOA names;
 * - `referral`: not authoritative, but pointing down to the servers of a delegated zone below the one asked;
 * - `error`: a failure, or an answer that proves nothing (no AA bit, REFUSED, SERVFAIL, a referral sideways).
 */
export type ServerOutcome =
  | { status: 'found'; values: string[]; glue?: Record<string, string[]> }
  | { status: 'alias'; target: string }
  | { status: 'nxdomain' | 'nodata'; soa?: string }
  | { status: 'referral'; zone: string; nameservers: string[]; glue: Record<string, string[]> }
  | { status: 'error'; code: string; message: string };

const RCODE_ERRORS: Record<string, string> = {
  REFUSED: 'EREFUSED',
  SERVFAIL: 'ESERVFAIL',
  NOTAUTH: 'ENOTAUTH',
  FORMERR: 'EFORMERR',
  NOTIMP: 'ENOTIMP',
};

function rcodeError(packet: DecodedPacket): ServerOutcome | undefined {
  const rcode = rcodeOf(packet);
  if (rcode === 'NOERROR' || rcode === 'NXDOMAIN') return undefined;
  return { status: 'error', code: RCODE_ERRORS[rcode] ?? 'EBADRESP', message: `answered ${rcode}` };
}

/** One record's value in presentation form. */
export function presentation(record: Answer): string {
  if (record.type === 'TXT') {
    // A TXT record arrives as its character-strings (255 bytes each); the value is their concatenation.
    const data = (record as { data: string | Buffer | Array<string | Buffer> }).data;
    const chunks = Array.isArray(data) ? data : [data];
    return chunks.map((chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))).join('');
  }
  if (record.type === 'CNAME' || record.type === 'NS' || record.type === 'DNAME') return normaliseHost(record.data);
  if (record.type === 'SOA') return normaliseHost(record.name);
  const data = (record as { data?: unknown }).data;
  return typeof data === 'string' ? data : String(data);
}

const owned = (records: Answer[] | undefined, name: string) => (records ?? []).filter((record) => normaliseHost(record.name) === name);

/** Addresses among `records` for the given hostnames, kept only when they lie inside `bailiwick`. */
function glueFor(records: Answer[] | undefined, hosts: string[], bailiwick: string): Record<string, string[]> {
  const glue: Record<string, string[]> = {};
  for (const record of records ?? []) {
    const owner = normaliseHost(record.name);
    if ((record.type !== 'A' && record.type !== 'AAAA') || !hosts.includes(owner) || !isWithin(owner, bailiwick)) continue;
    (glue[owner] ??= []).push(presentation(record));
  }
  return glue;
}

/**
 * Reads a reply from a server of `zone` to the question `name`/`type` (both normalised). Only an answer with the
 * AA bit counts; without it, only a referral to a zone below `zone` that encloses `name` is usable.
 */
export function classifyAuthoritative(packet: DecodedPacket, name: string, type: RecordType, zone: string): ServerOutcome {
  const failed = rcodeError(packet);
  if (failed) return failed;
  const mine = owned(packet.answers, name);
  if (packet.flag_aa) {
    const typed = mine.filter((record) => record.type === type);
    if (typed.length > 0) {
      const values = [...new Set(typed.map(presentation))];
      return type === 'NS' ? { status: 'found', values, glue: glueFor(packet.additionals, values, zone) } : { status: 'found', values };
    }
    const alias = mine.find((record) => record.type === 'CNAME');
    if (alias && type !== 'CNAME') return { status: 'alias', target: presentation(alias) };
    const soa = packet.authorities?.find((record) => record.type === 'SOA');
    const status = rcodeOf(packet) === 'NXDOMAIN' ? 'nxdomain' : 'nodata';
    return soa ? { status, soa: normaliseHost(soa.name) } : { status };
  }
  const delegation = (packet.authorities ?? []).filter((record) => record.type === 'NS');
  if (rcodeOf(packet) === 'NOERROR' && mine.length === 0 && delegation.length > 0) {
    const child = normaliseHost(delegation[0].name);
    const below = child !== zone && isWithin(child, zone) && isWithin(name, child);
    if (below && delegation.every((record) => normaliseHost(record.name) === child)) {
      const nameservers = [...new Set(delegation.map(presentation))].sort();
      return { status: 'referral', zone: child, nameservers, glue: glueFor(packet.additionals, nameservers, zone) };
    }
    return { status: 'error', code: 'ELAME', message: `referred to ${child || 'the root'}, not to a zone below ${zone}` };
  }
  return { status: 'error', code: 'ENOTAUTH', message: 'answered without authority (AA bit not set)' };
}

/**
 * Reads a resolver's reply (recursion done by the server, no AA expected): the records of `type` at the end of
 * the CNAME chain that starts at `name`, as a stub resolver reads them.
 */
export function classifyRecursive(packet: DecodedPacket, name: string, type: RecordType): ServerOutcome {
  const failed = rcodeError(packet);
  if (failed) return failed;
  let current = name;
  for (let hops = 0; hops <= 16; hops++) {
    const mine = owned(packet.answers, current);
    const typed = mine.filter((record) => record.type === type);
    if (typed.length > 0) return { status: 'found', values: typed.map(presentation) };
    const alias = mine.find((record) => record.type === 'CNAME');
    if (!alias || type === 'CNAME') break;
    current = presentation(alias);
  }
  return { status: rcodeOf(packet) === 'NXDOMAIN' ? 'nxdomain' : 'nodata' };
}

/** One nameserver's outcome, named for evidence. */
export interface Said {
  nameserver: string;
  server: string;
  outcome: ServerOutcome;
}

/** What the servers of a zone said together: one outcome (with the evidence), or an error. */
export type Agreed = { outcome: Exclude<ServerOutcome, { status: 'error' }>; evidence: DnsServerEvidence[] } | { outcome: Extract<ServerOutcome, { status: 'error' }>; evidence: DnsServerEvidence[] };

function keyOf(outcome: ServerOutcome, withSoa: boolean): string {
  switch (outcome.status) {
    case 'found':
      return `found ${[...outcome.values].sort().join('\n')}`;
    case 'alias':
      return `alias ${outcome.target}`;
    case 'referral':
      return `referral ${outcome.zone} ${outcome.nameservers.join(' ')}`;
    case 'nxdomain':
    case 'nodata':
      // Zone discovery (SOA questions) asks only which zone answers: a name one server has and another not yet is
      // still in that zone, and the question itself will show the disagreement.
      return withSoa ? `negative ${outcome.soa ?? ''}` : outcome.status;
    case 'error':
      return 'error';
  }
}

export function evidenceOf({ nameserver, server, outcome }: Said): DnsServerEvidence {
  const base = { nameserver, server, status: outcome.status };
  switch (outcome.status) {
    case 'found':
      return { ...base, values: [...outcome.values] };
    case 'alias':
      return { ...base, values: [outcome.target] };
    case 'referral':
      return { ...base, values: [outcome.zone, ...outcome.nameservers] };
    case 'error':
      return { ...base, code: outcome.code, message: outcome.message };
    default:
      return base;
  }
}

/** `ns1.example.net (192.0.2.1:53) found "a", "b"` — one server's part of a message. */
export function describeEvidence(evidence: DnsServerEvidence): string {
  const who = evidence.server === evidence.nameserver ? evidence.server : `${evidence.nameserver} (${evidence.server})`;
  if (evidence.status === 'error') return `${who} ${evidence.code}: ${evidence.message}`;
  if (evidence.status === 'referral') return `${who} referral to ${evidence.values?.[0]}`;
  if (evidence.values) return `${who} ${evidence.status} ${evidence.values.map((value) => JSON.stringify(value)).join(', ')}`;
  return `${who} ${evidence.status}`;
}

/**
 * The zone's answer from what each of its nameservers said. The rule:
 * - the servers that answered (anything but `error`) all say the same → that is the answer, even if others
 *   failed: an authoritative answer from a current nameserver is the zone's word, and a lame or unreachable
 *   server takes nothing away from it;
 * - servers that answered say different things (one has the record, another not; different values) → error
 *   `EINCONSISTENT`, with every server's part in the evidence: never read as a miss, and never as a proof;
 * - no server answered → error with the first server's code (servers are asked in a fixed order).
 * Values are compared as sets; the answer keeps the first agreeing server's order.
 */
export function agree(said: Said[], subject: string, withSoa = false): Agreed {
  const evidence = said.map(evidenceOf);
  const answered = said.filter((s) => s.outcome.status !== 'error');
  const keys = new Set(answered.map((s) => keyOf(s.outcome, withSoa)));
  if (keys.size === 1) return { outcome: answered[0].outcome as Exclude<ServerOutcome, { status: 'error' }>, evidence };
  if (keys.size > 1) {
    return {
      outcome: { status: 'error', code: 'EINCONSISTENT', message: `The nameservers disagree about ${subject}: ${evidence.map(describeEvidence).join('; ')}` },
      evidence,
    };
  }
  const first = said[0]?.outcome;
  const code = first?.status === 'error' ? first.code : 'ENOADDRESS';
  const detail = evidence.length > 0 ? evidence.map(describeEvidence).join('; ') : 'no nameserver to ask';
  return { outcome: { status: 'error', code, message: `${subject}: ${detail}` }, evidence };
}
