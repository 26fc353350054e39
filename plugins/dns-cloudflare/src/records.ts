/**
 * Cloudflare keeps single records (each with an id and a comment); Portico thinks in record sets. This file groups
 * the one into the other and turns record set writes into the record operations of one batch request.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { comparable, fromCloudflareTtl, fromContent, isRecordType, normalName, toCloudflareTtl, toContent } from './content.ts';

/** The fields of a Cloudflare DNS record this plugin reads (GET /zones/{zone_id}/dns_records). */
export interface CloudflareApiRecord {
  id: string;
  name: string;
  type: string;
  content?: string;
  ttl?: number;
  proxied?: boolean;
  comment?: string | null;
}

/** One record of a set, as read: its id, its value in Portico's form, and what a rewrite might change. */
export interface CloudflareRecord {
  id: string;
  value: string;
  /** As Cloudflare holds it (`1` = automatic). */
  ttl: number;
  comment?: string;
  proxied: boolean;
}

/** A record set and the Cloudflare records behind it. */
export interface CloudflareRecordSet extends RecordSet {
  /** The comment every record of the set carries; undefined when they differ or some have none. */
  comment?: string;
  records: CloudflareRecord[];
}

/** What one write asks for: the whole record set after it (values empty for delete). */
export interface RecordSetWrite {
  action: 'create' | 'update' | 'delete';
  set: RecordSet;
}

interface RecordFields {
  name: string;
  type: RecordType;
  content: string;
  ttl: number;
  proxied: false;
  comment?: string;
}

/** The body of `POST /zones/{zone_id}/dns_records/batch`, which runs deletes, then patches, then posts. */
export interface BatchBody {
  deletes: Array<{ id: string }>;
  patches: Array<RecordFields & { id: string }>;
  posts: RecordFields[];
}

export const setKey = (name: string, type: string): string => `${name} ${type}`;

export const operationCount = (body: BatchBody): number => body.deletes.length + body.patches.length + body.posts.length;

/**
 * A, AAAA, CNAME and TXT records grouped by name and type, values in Portico's form (duplicates once), TTL the
 * lowest of the set. A set carries a comment only when all its records carry that same comment: a record added by
 * hand next to Portico's makes the set nobody's, so Portico will not touch it without `adopt`.
 */
export function groupRecords(records: readonly CloudflareApiRecord[]): CloudflareRecordSet[] {
  const sets = new Map<string, CloudflareRecordSet>();
  const comments = new Map<string, Set<string | undefined>>();
  for (const record of records) {
    if (!isRecordType(record.type)) continue;
    const type = record.type;
    const name = normalName(record.name);
    const key = setKey(name, type);
    const value = fromContent(type, record.content ?? '');
    const comment = record.comment || undefined;
    let set = sets.get(key);
    if (!set) {
      set = { name, type, ttl: fromCloudflareTtl(record.ttl), values: [], records: [] };
      sets.set(key, set);
      comments.set(key, new Set());
    }
    set.ttl = Math.min(set.ttl, fromCloudflareTtl(record.ttl));
    if (!set.values.some((v) => comparable(type, v) === comparable(type, value))) set.values.push(value);
    set.records.push({ id: record.id, value, ttl: record.ttl ?? 1, comment, proxied: record.proxied === true });
    comments.get(key)!.add(comment);
  }
  for (const [key, set] of sets) {
    const distinct = [...comments.get(key)!];
    if (distinct.length === 1 && distinct[0] !== undefined) set.comment = distinct[0];
  }
  return [...sets.values()];
}

/**
 * The record operations for `writes` against the record sets read before (`current`): records whose value stays
 * are kept (patched only when their comment, TTL or proxying must change), records whose value goes are reused
 * for new values, the rest deleted, and new values left over are created. `comment` is set on every record a
 * write touches; every record Portico writes is DNS-only (`proxied: false`).
 */
export function batchFor(writes: readonly RecordSetWrite[], current: ReadonlyMap<string, CloudflareRecordSet>, comment?: string): BatchBody {
  const body: BatchBody = { deletes: [], patches: [], posts: [] };
  for (const { action, set } of writes) {
    const { name, type } = set;
    const ttl = toCloudflareTtl(set.ttl);
    const fields = (value: string): RecordFields => ({ name, type, content: toContent(type, value), ttl, proxied: false, ...(comment === undefined ? {} : { comment }) });
    const wanted = new Map<string, string>();
    if (action !== 'delete') for (const value of set.values) if (!wanted.has(comparable(type, value))) wanted.set(comparable(type, value), value);

    const spare: CloudflareRecord[] = [];
    for (const record of current.get(setKey(name, type))?.records ?? []) {
      const value = comparable(type, record.value);
      if (!wanted.has(value)) {
        spare.push(record);
        continue;
      }
      const stale = record.ttl !== ttl || record.proxied || (comment !== undefined && record.comment !== comment);
      if (stale) body.patches.push({ id: record.id, ...fields(wanted.get(value)!) });
      wanted.delete(value);
    }
    for (const value of wanted.values()) {
      const reuse = spare.shift();
      if (reuse) body.patches.push({ id: reuse.id, ...fields(value) });
      else body.posts.push(fields(value));
    }
    for (const record of spare) body.deletes.push({ id: record.id });
  }
  return body;
}
