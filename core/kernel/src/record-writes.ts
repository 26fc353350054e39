/**
 * Record set changes written one record at a time, for providers whose API addresses single records
 * (`updateGranularity: 'record'`, not atomic): the plugin gives a small writer over its API (create, update, remove
 * one record; the records behind a set) and this decides what to send and in which order, the same for every such
 * provider.
 *
 * Rules (docs/plugins/dns-providers.md §5.4):
 * - one result per change, in the order given: `undefined` for success, the error for a change the vendor refused;
 *   a failure about the call (auth, permission, rate_limit, transient) is thrown, since every later write would
 *   fail the same way, and the retried apply plans what already landed as `noop`;
 * - deletes of record sets go first (a CNAME may replace an A at the same name), owner-marker upserts go before
 *   the upserts of their sets and owner-marker deletes last, so a failure leaves at worst a marker without a set;
 * - a set's records whose value stays are kept (and rewritten when the set's TTL changed, since a record carries
 *   its own TTL); the others are reused for new values (an update keeps the id), then created or deleted.
 */
import type { ProviderChange } from './dns-provider.ts';
import { isOwnerRecordName } from './ownership.ts';
import type { RecordSet, RecordType } from './records.ts';

/** One record of a set as the provider holds it: its id and value. */
export interface RecordRef {
  id: number | string;
  value: string;
}

/** A set as the client read it, with its records. */
export interface SetWithRecords extends RecordSet {
  records: RecordRef[];
}

/** What a provider plugin gives `applyRecordChanges`: single-record writes over its API. */
export interface RecordWriter {
  create(set: RecordSet, value: string): Promise<unknown>;
  update(record: RecordRef, set: RecordSet, value: string): Promise<unknown>;
  remove(record: RecordRef, set: RecordSet): Promise<unknown>;
  /** The records behind a set when `before` does not carry them. */
  recordsOf(name: string, type: RecordType): Promise<RecordRef[]>;
}

const CALL_LEVEL: ReadonlySet<string> = new Set(['auth', 'permission', 'rate_limit', 'transient']);

const kindOf = (error: unknown): string | undefined => (typeof error === 'object' && error !== null ? (error as { kind?: unknown }).kind as string | undefined : undefined);

/** How two values of a type compare: TXT exactly, names and addresses without case. */
const sameValue = (type: RecordType, a: string, b: string): boolean => (type === 'TXT' ? a === b : a.toLowerCase() === b.toLowerCase());

/** The order writes are sent in: set deletes, marker upserts, set upserts, marker deletes. */
function rank(change: ProviderChange): number {
  const marker = isOwnerRecordName(change.set.name);
  if (change.action === 'delete') return marker ? 3 : 0;
  return marker ? 1 : 2;
}

async function writeOne(writer: RecordWriter, change: ProviderChange): Promise<void> {
  const { set } = change;
  const before = change.before as Partial<SetWithRecords> | undefined;
  const existing = change.action === 'create' ? [] : (before?.records ?? (await writer.recordsOf(set.name, set.type)));
  if (change.action === 'delete') {
    for (const record of existing) await writer.remove(record, set);
    return;
  }
  const stale = [...existing];
  const missing: string[] = [];
  const kept: RecordRef[] = [];
  for (const value of set.values) {
    const at = stale.findIndex((record) => sameValue(set.type, record.value, value));
    if (at >= 0) kept.push(...stale.splice(at, 1));
    else missing.push(value);
  }
  if (before?.ttl !== undefined && before.ttl !== set.ttl) for (const record of kept) await writer.update(record, set, record.value);
  for (const value of missing) {
    const reuse = stale.shift();
    if (reuse) await writer.update(reuse, set, value);
    else await writer.create(set, value);
  }
  for (const record of stale) await writer.remove(record, set);
}

/**
 * Write `changes` record by record through `writer`: one result per change, in the order given (`undefined` for
 * success, the error of a change the provider refused); a failure about the call itself is thrown.
 */
export async function applyRecordChanges(writer: RecordWriter, changes: readonly ProviderChange[]): Promise<Array<Error | undefined>> {
  const results: Array<Error | undefined> = new Array(changes.length).fill(undefined);
  const order = changes.map((_, i) => i).sort((a, b) => rank(changes[a]!) - rank(changes[b]!) || a - b);
  for (const i of order) {
    try {
      await writeOne(writer, changes[i]!);
    } catch (error) {
      const kind = kindOf(error);
      if (kind === undefined || CALL_LEVEL.has(kind)) throw error;
      results[i] = error as Error;
    }
  }
  return results;
}
