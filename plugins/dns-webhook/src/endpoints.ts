/**
 * Wire endpoints ↔ Portico's record sets (pure). Portico's form: names absolute, lower case, no trailing dot;
 * CNAME targets the same; TXT targets the unquoted text, one target per TXT record.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { COMMENT_LABEL, type WireEndpoint } from './protocol.ts';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];

/** A record set as the server holds it, with the comment (Portico's ownership marker) it keeps for the set. */
export interface WebhookRecordSet extends RecordSet {
  comment?: string;
}

export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.+$/, '');

const normalValue = (type: RecordType, value: string) => (type === 'TXT' ? value : type === 'CNAME' ? normalName(value) : value.trim().toLowerCase());

/** The endpoint for a record set; with `comment`, carried in `labels["portico/comment"]`. */
export function toEndpoint(set: RecordSet, comment?: string): WireEndpoint {
  return {
    dnsName: normalName(set.name),
    recordType: set.type,
    targets: [...set.values],
    recordTTL: set.ttl,
    ...(comment === undefined ? {} : { labels: { [COMMENT_LABEL]: comment } }),
  };
}

/**
 * Endpoints → record sets, one per name and type, sorted by name then type. Types other than A, AAAA, CNAME and
 * TXT, and endpoints without targets, are left out. Endpoints of one name and type (a server may split a set,
 * e.g. by `setIdentifier`) are merged; the set then has a comment only when every part carries the same one, so
 * a part someone else added makes the set nobody's.
 */
export function toRecordSets(endpoints: readonly WireEndpoint[]): WebhookRecordSet[] {
  const sets = new Map<string, { set: RecordSet; comments: Array<string | undefined> }>();
  for (const endpoint of endpoints) {
    const type = endpoint.recordType.toUpperCase() as RecordType;
    if (!RECORD_TYPES.includes(type) || endpoint.targets.length === 0) continue;
    const name = normalName(endpoint.dnsName);
    const key = `${name} ${type}`;
    const entry = sets.get(key) ?? { set: { name, type, ttl: endpoint.recordTTL ?? 0, values: [] }, comments: [] };
    for (const value of endpoint.targets.map((target) => normalValue(type, target))) {
      if (!entry.set.values.includes(value)) entry.set.values.push(value);
    }
    entry.comments.push(endpoint.labels?.[COMMENT_LABEL]);
    sets.set(key, entry);
  }
  return [...sets.values()]
    .map(({ set, comments }) => {
      const [first] = comments;
      return first !== undefined && comments.every((comment) => comment === first) ? { ...set, comment: first } : set;
    })
    .sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name)));
}
