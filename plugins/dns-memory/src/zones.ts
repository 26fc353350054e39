import { isIPv4, isIPv6 } from 'node:net';
import type { ApplyRecordsInput, ApplyRecordsResult, RecordChange, RecordSet, RecordType } from '@portico/kernel';

/** Nameservers every in-memory zone claims (matched by the descriptor's `*.memory.portico.test`). */
export const MEMORY_NAMESERVERS = ['ns1.memory.portico.test', 'ns2.memory.portico.test'];

/** Negative-caching TTL and the TTL of the synthesized SOA and NS records. */
const ZONE_TTL = 60;
/** Longest CNAME chain followed inside our zones before answering with what we have. */
const MAX_CNAME_CHAIN = 8;
const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export interface Soa {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** One resource record as the server puts it on the wire. */
export type ZoneRecord =
  | { name: string; type: RecordType | 'NS'; ttl: number; value: string }
  | { name: string; type: 'SOA'; ttl: number; value: Soa };

/**
 * What an authoritative server answers for one question. NODATA is `NOERROR` with no answers and the zone's
 * SOA in `authority`; NXDOMAIN carries the SOA too; REFUSED means the name is in none of our zones.
 */
export interface LookupResult {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED';
  answers: ZoneRecord[];
  authority: ZoneRecord[];
}

export interface ZoneSpec {
  name: string;
  records?: RecordSet[];
}

/** One zone with its SOA serial and every record set: what `snapshot` returns and a zone file holds. */
export interface ZoneSnapshot {
  name: string;
  serial: number;
  records: RecordSet[];
}

interface Zone {
  apex: string;
  serial: number;
  /** Keyed by `name type`. */
  sets: Map<string, RecordSet>;
}

/** Lower case, no trailing dot: the form every name is stored and compared in. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

const keyOf = (name: string, type: string) => `${name} ${type}`;
const isWithin = (name: string, apex: string) => name === apex || name.endsWith(`.${apex}`);

/**
 * An in-memory set of authoritative zones: the state behind the reference DNS provider and its DNS server.
 * Writes go through `apply` (the `applyRecords` contract); reads through `lookup` (DNS semantics).
 * Wildcards and delegations are not supported.
 */
export class MemoryZones {
  #zones = new Map<string, Zone>();
  #listeners = new Set<(zone: string) => void>();

  constructor(zones: ZoneSpec[] = []) {
    for (const zone of zones) this.addZone(zone.name, zone.records);
  }

  /**
   * Serve a new zone, optionally with initial record sets, at `serial` (1 for a new zone; a restored zone keeps
   * its own so secondaries see it go up). Throws if it is served already.
   */
  addZone(name: string, records: RecordSet[] = [], serial = 1): void {
    const apex = normalizeName(name);
    if (!HOSTNAME.test(apex)) throw new Error(`Zone name "${name}" is not a valid DNS name`);
    if (this.#zones.has(apex)) throw new Error(`Zone "${apex}" is already served by this in-memory provider`);
    this.#zones.set(apex, { apex, serial: 1, sets: new Map() });
    try {
      this.#write(apex, records, [], false);
      this.#zones.get(apex)!.serial = serial;
    } catch (error) {
      this.#zones.delete(apex);
      throw error;
    }
  }

  /** Apexes of the zones served, sorted. */
  zoneNames(): string[] {
    return [...this.#zones.keys()].sort();
  }

  /** The zone's SOA serial; it goes up by one with every apply that changes something. */
  serial(zone: string): number | undefined {
    return this.#zones.get(normalizeName(zone))?.serial;
  }

  /** One record set by name and type (copied), or undefined. */
  get(name: string, type: RecordType): RecordSet | undefined {
    const fqdn = normalizeName(name);
    const set = this.#zoneFor(fqdn)?.sets.get(keyOf(fqdn, type));
    return set && { ...set, values: [...set.values] };
  }

  /** Every record set of a zone (copied), sorted by name then type. */
  list(zone: string): RecordSet[] {
    const sets = this.#zones.get(normalizeName(zone))?.sets;
    if (!sets) return [];
    return [...sets.values()]
      .map((set) => ({ ...set, values: [...set.values] }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
  }

  /**
   * The `applyRecords` contract: make `upsert` exist with exactly those values and `remove` not exist.
   * All or nothing: an invalid record set throws before anything is written. Idempotent.
   */
  apply(input: ApplyRecordsInput): ApplyRecordsResult {
    const apex = normalizeName(input.zone);
    if (!this.#zones.has(apex)) {
      throw new Error(`Zone "${apex}" is not served by this in-memory provider; add it to the plugin's "zones" option`);
    }
    const dryRun = input.dryRun === true;
    const changes = this.#write(apex, input.upsert, input.remove, dryRun);
    if (!dryRun && changes.some((change) => change.action !== 'noop')) {
      for (const listener of this.#listeners) listener(apex);
    }
    return { changes, applied: !dryRun };
  }

  /** Call `listener` with the apex after every `apply` that changed something; returns the unsubscribe. */
  onCommit(listener: (zone: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every zone with its serial and record sets (copied), sorted by apex. */
  snapshot(): ZoneSnapshot[] {
    return this.zoneNames().map((name) => ({ name, serial: this.#zones.get(name)!.serial, records: this.list(name) }));
  }

  /** Answer one DNS question the way an authoritative server would. */
  lookup(name: string, type: string): LookupResult {
    return this.#lookup(normalizeName(name), type.toUpperCase(), new Set());
  }

  #lookup(qname: string, qtype: string, seen: Set<string>): LookupResult {
    const zone = this.#zoneFor(qname);
    if (!zone) return { rcode: 'REFUSED', answers: [], authority: [] };
    seen.add(qname);

    const cname = zone.sets.get(keyOf(qname, 'CNAME'));
    if (cname && qtype !== 'CNAME') {
      const answers = this.#records(zone, qname, 'CNAME');
      const target = cname.values[0];
      if (seen.has(target) || seen.size >= MAX_CNAME_CHAIN || !this.#zoneFor(target)) {
        return { rcode: 'NOERROR', answers, authority: [] };
      }
      const next = this.#lookup(target, qtype, seen);
      return { rcode: next.rcode, answers: [...answers, ...next.answers], authority: next.authority };
    }

    const answers = this.#records(zone, qname, qtype);
    if (answers.length > 0) return { rcode: 'NOERROR', answers, authority: [] };
    const soa = this.#records(zone, zone.apex, 'SOA');
    return { rcode: this.#exists(zone, qname) ? 'NOERROR' : 'NXDOMAIN', answers: [], authority: soa };
  }

  /** Records of one name and type, including the SOA and NS synthesized at the apex. */
  #records(zone: Zone, name: string, type: string): ZoneRecord[] {
    if (name === zone.apex && type === 'SOA') {
      const soa: Soa = {
        mname: MEMORY_NAMESERVERS[0],
        rname: `hostmaster.${zone.apex}`,
        serial: zone.serial,
        refresh: 3600,
        retry: 600,
        expire: 604800,
        minimum: ZONE_TTL,
      };
      return [{ name, type: 'SOA', ttl: ZONE_TTL, value: soa }];
    }
    if (name === zone.apex && type === 'NS') {
      return MEMORY_NAMESERVERS.map((value) => ({ name, type: 'NS', ttl: ZONE_TTL, value }));
    }
    const set = zone.sets.get(keyOf(name, type));
    if (!set) return [];
    return set.values.map((value) => ({ name, type: set.type, ttl: set.ttl, value }));
  }

  /** A name exists when it is the apex, owns a record set, or has a descendant that does (empty non-terminal). */
  #exists(zone: Zone, name: string): boolean {
    if (name === zone.apex) return true;
    for (const set of zone.sets.values()) if (isWithin(set.name, name)) return true;
    return false;
  }

  /** The closest enclosing zone we serve. */
  #zoneFor(name: string): Zone | undefined {
    let best: Zone | undefined;
    for (const zone of this.#zones.values()) {
      if (isWithin(name, zone.apex) && (!best || zone.apex.length > best.apex.length)) best = zone;
    }
    return best;
  }

  /** Plan (and unless `dryRun`, commit) changes to one zone, working on a copy so a throw leaves it untouched. */
  #write(apex: string, upsert: RecordSet[], remove: RecordSet[], dryRun: boolean): RecordChange[] {
    const zone = this.#zones.get(apex)!;
    const sets = new Map(zone.sets);
    const changes: RecordChange[] = [];

    for (const input of upsert) {
      const set = this.#validate(apex, input, true);
      const key = keyOf(set.name, set.type);
      const before = sets.get(key);
      const same = before && before.ttl === set.ttl && sameValues(before.values, set.values);
      if (!same) sets.set(key, set);
      changes.push({
        action: same ? 'noop' : before ? 'update' : 'create',
        name: set.name,
        type: set.type,
        before: before ? [...before.values] : [],
        after: [...set.values],
      });
    }
    for (const input of remove) {
      const { name, type } = this.#validate(apex, input, false);
      const key = keyOf(name, type);
      const before = sets.get(key);
      sets.delete(key);
      changes.push({ action: before ? 'delete' : 'noop', name, type, before: before ? [...before.values] : [], after: [] });
    }

    for (const change of changes) {
      if (change.action === 'noop' || change.action === 'delete') continue;
      const conflict = RECORD_TYPES.some(
        (type) => type !== change.type && sets.has(keyOf(change.name, type)) && (type === 'CNAME' || change.type === 'CNAME'),
      );
      if (conflict) throw new Error(`${change.name} cannot have a CNAME record and other records at the same time`);
    }

    if (!dryRun && changes.some((change) => change.action !== 'noop')) {
      zone.sets = sets;
      zone.serial += 1;
    }
    return changes;
  }

  /** Check one input record set and return it normalised (lower-case names, sorted unique values). */
  #validate(apex: string, input: RecordSet, withValues: boolean): RecordSet {
    const name = normalizeName(input.name);
    const label = `${input.type} record set at "${input.name}"`;
    if (!HOSTNAME.test(name)) throw new Error(`${label}: the name is not a valid DNS name`);
    if (!isWithin(name, apex)) throw new Error(`${label}: the name is outside zone "${apex}"`);
    const owner = this.#zoneFor(name);
    if (owner && owner.apex !== apex) throw new Error(`${label}: the name belongs to zone "${owner.apex}", not "${apex}"`);
    if (!RECORD_TYPES.includes(input.type)) {
      throw new Error(`${label}: type must be one of ${RECORD_TYPES.join(', ')}`);
    }
    if (!withValues) return { name, type: input.type, ttl: 0, values: [] };

    if (!Number.isInteger(input.ttl) || input.ttl < 1 || input.ttl > 2147483647) {
      throw new Error(`${label}: ttl must be a whole number of seconds between 1 and 2147483647`);
    }
    const values = [...new Set(input.values.map((value) => normalizeValue(input.type, value)))].sort();
    if (values.length === 0) throw new Error(`${label}: at least one value is required (use "remove" to delete it)`);
    for (const value of values) {
      const problem = invalidValue(input.type, value);
      if (problem) throw new Error(`${label}: ${JSON.stringify(value)} ${problem}`);
    }
    if (input.type === 'CNAME' && values.length > 1) throw new Error(`${label}: a CNAME has exactly one value`);
    if (input.type === 'CNAME' && name === apex) throw new Error(`${label}: a CNAME cannot sit at the zone apex`);
    return { name, type: input.type, ttl: input.ttl, values };
  }
}

function normalizeValue(type: RecordType, value: string): string {
  return type === 'CNAME' ? normalizeName(value) : type === 'TXT' ? value : value.trim().toLowerCase();
}

function invalidValue(type: RecordType, value: string): string | undefined {
  switch (type) {
    case 'A':
      return isIPv4(value) ? undefined : 'is not an IPv4 address';
    case 'AAAA':
      return isIPv6(value) ? undefined : 'is not an IPv6 address';
    case 'CNAME':
      return HOSTNAME.test(value) ? undefined : 'is not a hostname';
    case 'TXT':
      return Buffer.byteLength(value) <= 4000 ? undefined : 'is longer than 4000 bytes';
  }
}

function sameValues(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
