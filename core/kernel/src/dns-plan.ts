/**
 * The kernel's half of every DNS provider: read what is there, plan against what is wanted, respect ownership,
 * write only what must change. Providers built with `defineDnsProvider` get this as their `applyRecords` tap.
 *
 * Rules, the same for every provider (the conformance suite checks them):
 * - a record set that already has the wanted values is a `noop`, whoever wrote it: applying twice changes nothing;
 * - Portico updates or deletes only record sets carrying its owner marker (or when the caller says `adopt`);
 *   anything else in the way is a `conflict` in the plan, and a plan with a conflict writes nothing at all;
 * - a CNAME never shares its name with other data, in either direction (`cname_exclusive`);
 * - a dry run returns the same plan and writes nothing.
 */
import { KernelError } from './errors.ts';
import type { ApplyRecordsInput, ApplyRecordsResult } from './hooks.ts';
import { DNS_PROVIDER_ERROR_KINDS, DnsProviderError, type DnsProviderErrorKind } from './provider-errors.ts';
import type { RecordChange, RecordSet, RecordType } from './records.ts';
import type { PluginServices } from './services.ts';
import type { DnsProviderSpec, ProviderChange, ProviderRecordSet } from './dns-provider.ts';
import { isOwnerRecordName, markerOwner, ownerMarker, ownerRecordName } from './ownership.ts';

/** The owner id used when the caller names none. */
export const DEFAULT_OWNER = 'portico';

export interface PlanInput {
  upsert: RecordSet[];
  remove: RecordSet[];
  current: ProviderRecordSet[];
  owner: string;
  ownership: 'comment' | 'txt';
  adopt?: boolean;
}

/** A write and the index (in `changes`) of the change it serves. */
export type PlannedWrite = ProviderChange & { change: number };

export interface Plan {
  changes: RecordChange[];
  writes: PlannedWrite[];
}

const key = (name: string, type: string) => `${name} ${type}`;

const canonicalValue = (type: RecordType, value: string) => (type === 'TXT' ? value : value.toLowerCase().replace(/\.$/, ''));

/** Same values regardless of order (and of case, except TXT). TTLs are not compared: providers round them. */
export function sameValues(type: RecordType, a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = a.map((v) => canonicalValue(type, v)).sort();
  const right = b.map((v) => canonicalValue(type, v)).sort();
  return left.every((v, i) => v === right[i]);
}

/** Pure: the plan for `upsert` and `remove` given what the provider holds now. */
export function planChanges({ upsert, remove, current, owner, ownership, adopt = false }: PlanInput): Plan {
  const byKey = new Map(current.map((set) => [key(set.name, set.type), set]));
  const removing = new Set(remove.map((set) => key(set.name, set.type)));
  const changes: RecordChange[] = [];
  const writes: PlannedWrite[] = [];
  const marker = ownerMarker(owner);

  /** Who owns the record set at name/type: 'mine', another owner's id, or undefined (nobody we know). */
  const ownerOf = (set: ProviderRecordSet): string | undefined => {
    const text = ownership === 'comment' ? set.comment : byKey.get(key(ownerRecordName(set.name, set.type), 'TXT'))?.values[0];
    return markerOwner(text);
  };
  const markerSet = (set: RecordSet): RecordSet => ({ name: ownerRecordName(set.name, set.type), type: 'TXT', ttl: set.ttl, values: [marker] });
  const conflict = (set: RecordSet, before: string[], reason: NonNullable<RecordChange['reason']>) =>
    changes.push({ action: 'conflict', name: set.name, type: set.type, before, after: set.values, reason });

  for (const set of upsert) {
    const index = changes.length;
    const existing = byKey.get(key(set.name, set.type));
    const atName = current.filter((other) => other.name === set.name && other.type !== set.type && !removing.has(key(other.name, other.type)));
    const blocking = set.type === 'CNAME' ? atName : atName.filter((other) => other.type === 'CNAME');
    if (blocking.length > 0) {
      conflict(set, blocking.flatMap((other) => other.values.map((v) => `${other.type} ${v}`)), 'cname_exclusive');
      continue;
    }
    if (existing === undefined) {
      const markerHolder = ownership === 'txt' ? markerOwner(byKey.get(key(ownerRecordName(set.name, set.type), 'TXT'))?.values[0]) : undefined;
      if (markerHolder !== undefined && markerHolder !== owner && !adopt) {
        conflict(set, [], 'owned_by_other');
        continue;
      }
      changes.push({ action: 'create', name: set.name, type: set.type, before: [], after: set.values });
      writes.push({ action: 'create', set, change: index });
      if (ownership === 'txt' && markerHolder !== owner) writes.push(markerWrite(markerSet(set), byKey, index));
      continue;
    }
    if (sameValues(set.type, existing.values, set.values)) {
      changes.push({ action: 'noop', name: set.name, type: set.type, before: existing.values, after: existing.values });
      continue;
    }
    const holder = ownerOf(existing);
    if (holder !== owner && !adopt) {
      conflict(set, existing.values, holder === undefined ? 'not_owned' : 'owned_by_other');
      continue;
    }
    changes.push({ action: 'update', name: set.name, type: set.type, before: existing.values, after: set.values });
    writes.push({ action: 'update', set, before: existing, change: index });
    if (ownership === 'txt' && holder !== owner) writes.push(markerWrite(markerSet(set), byKey, index));
  }

  for (const set of remove) {
    const index = changes.length;
    const existing = byKey.get(key(set.name, set.type));
    if (existing === undefined) {
      changes.push({ action: 'noop', name: set.name, type: set.type, before: [], after: [] });
      continue;
    }
    const holder = ownerOf(existing);
    if (holder !== owner && !adopt) {
      conflict({ ...set, values: [] }, existing.values, holder === undefined ? 'not_owned' : 'owned_by_other');
      continue;
    }
    changes.push({ action: 'delete', name: set.name, type: set.type, before: existing.values, after: [] });
    writes.push({ action: 'delete', set: { ...existing, values: [] }, before: existing, change: index });
    const markerName = ownerRecordName(set.name, set.type);
    const existingMarker = byKey.get(key(markerName, 'TXT'));
    if (ownership === 'txt' && existingMarker) writes.push({ action: 'delete', set: { ...existingMarker, values: [] }, before: existingMarker, change: index });
  }
  return { changes, writes: orderWrites(writes) };
}

/**
 * Deletes first (a CNAME replacing other data at a name needs the old data gone first), then owner markers,
 * then the record sets they mark: on a provider that is not all-or-nothing, a failure half-way leaves at worst
 * a marker without its record, which the next apply reads as Portico's and completes, never a record set
 * without its marker, which would read as someone else's. A delete removes the set before its marker.
 */
function orderWrites(writes: PlannedWrite[]): PlannedWrite[] {
  const rank = (write: PlannedWrite) => {
    const marker = isOwnerRecordName(write.set.name);
    if (write.action === 'delete') return marker ? 1 : 0;
    return marker ? 2 : 3;
  };
  return writes.map((write, i) => ({ write, i })).sort((a, b) => rank(a.write) - rank(b.write) || a.i - b.i).map(({ write }) => write);
}

function markerWrite(set: RecordSet, byKey: Map<string, ProviderRecordSet>, change: number): PlannedWrite {
  const before = byKey.get(key(set.name, 'TXT'));
  return before ? { action: 'update', set, before, change } : { action: 'create', set, change };
}

// ---------------------------------------------------------------------------------------------------------

const normalName = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/** Whether `name` is the zone itself or inside it (a label boundary, not a plain suffix). */
export const isInZone = (name: string, zone: string): boolean => name === zone || name.endsWith(`.${zone}`);

/** Any error thrown by a provider client, as a `DnsProviderError` (unknown errors count as `transient`). */
export function toProviderError(error: unknown): Error {
  if (error instanceof DnsProviderError || error instanceof KernelError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const raw = error as { kind?: unknown; message?: unknown; retryAfterSeconds?: unknown; providerCode?: unknown; status?: unknown };
  const kind = (DNS_PROVIDER_ERROR_KINDS as readonly unknown[]).includes(raw?.kind) ? (raw.kind as DnsProviderErrorKind) : 'transient';
  const message = typeof raw?.message === 'string' ? raw.message : String(error);
  const retryAfterSeconds = typeof raw?.retryAfterSeconds === 'number' ? raw.retryAfterSeconds : undefined;
  const code = raw?.providerCode ?? raw?.status;
  return new DnsProviderError(kind, message, { retryAfterSeconds, providerCode: code === undefined ? undefined : String(code), cause: error });
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toProviderError(error);
  }
}

/** The credential parsed by the provider's schema; `DNS_CREDENTIALS_INVALID` (fields only, never values). */
export function parseCredentials(spec: Pick<DnsProviderSpec, 'provider' | 'credentials'>, raw: unknown): unknown {
  const result = spec.credentials.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const first = issues[0] ?? { path: '', message: 'rejected' };
  throw new KernelError('DNS_CREDENTIALS_INVALID', `The ${spec.provider} credential is not valid: ${first.path || 'credential'}: ${first.message}`, {
    details: { provider: spec.provider, issues },
  });
}

/** Check names, types and duplicates before any request: a bad input is `validation`/`unsupported`, never a write. */
function checkInput(spec: DnsProviderSpec, zone: string, sets: RecordSet[]): void {
  const seen = new Set<string>();
  for (const set of sets) {
    if (!isInZone(set.name, zone)) throw new DnsProviderError('validation', `${set.name} is not in zone ${zone}`);
    if (!spec.capabilities.recordTypes.includes(set.type)) {
      throw new DnsProviderError('unsupported', `${spec.displayName} cannot write ${set.type} records (it writes ${spec.capabilities.recordTypes.join(', ')})`);
    }
    if (set.name.startsWith('*.') && !spec.capabilities.wildcard) throw new DnsProviderError('unsupported', `${spec.displayName} cannot write wildcard records`);
    const k = key(set.name, set.type);
    if (seen.has(k)) throw new DnsProviderError('validation', `${set.name} ${set.type} appears more than once in one apply`);
    seen.add(k);
  }
}

/** The `applyRecords` tap of a provider built with `defineDnsProvider`. */
export async function applyPlanned(spec: DnsProviderSpec, services: PluginServices, input: ApplyRecordsInput): Promise<ApplyRecordsResult> {
  input.signal?.throwIfAborted();
  const zone = normalName(input.zone);
  const norm = (set: RecordSet): RecordSet => ({ ...set, name: normalName(set.name) });
  const upsert = input.upsert.map(norm);
  const remove = input.remove.map(norm);
  checkInput(spec, zone, [...upsert, ...remove]);
  const credentials = parseCredentials(spec, input.credentials);
  const client = spec.connect({ credentials, services });
  const owner = input.owner ?? DEFAULT_OWNER;
  const ownership = spec.capabilities.ownership;
  const names = new Set<string>();
  for (const set of [...upsert, ...remove]) {
    names.add(set.name);
    if (ownership === 'txt') names.add(ownerRecordName(set.name, set.type));
  }
  const ctx = { signal: input.signal };
  const current = names.size === 0 ? [] : await call(() => client.getRecords(zone, { names: [...names] }, ctx));
  const plan = planChanges({ upsert, remove, current, owner, ownership, adopt: input.adopt });
  const conflicted = plan.changes.some((change) => change.action === 'conflict');
  if (input.dryRun || conflicted) return { changes: plan.changes, applied: false };
  if (plan.writes.length === 0) return { changes: plan.changes, applied: true };
  const writes: ProviderChange[] = plan.writes.map(({ change: _change, ...write }) => write);
  const outcomes = await call(() => client.applyChanges(zone, writes, { ...ctx, ...(ownership === 'comment' ? { comment: ownerMarker(owner) } : {}) }));
  (outcomes ?? []).forEach((outcome, i) => {
    if (outcome === undefined) return;
    const failed = toProviderError(outcome) as DnsProviderError;
    const change = plan.changes[plan.writes[i]!.change]!;
    change.error ??= { kind: failed.kind ?? 'transient', message: failed.message };
  });
  return { changes: plan.changes, applied: true };
}
