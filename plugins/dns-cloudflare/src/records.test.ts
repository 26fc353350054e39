import { describe, expect, it } from 'vitest';
import { batchFor, groupRecords, operationCount, setKey, type CloudflareApiRecord, type CloudflareRecordSet } from './records.ts';

const M = 'heritage=portico,portico/owner=portico';
const record = (id: string, name: string, type: string, content: string, more: Partial<CloudflareApiRecord> = {}): CloudflareApiRecord => ({
  id,
  name,
  type,
  content,
  ttl: 300,
  proxied: false,
  comment: M,
  ...more,
});
const byKey = (sets: CloudflareRecordSet[]) => new Map(sets.map((set) => [setKey(set.name, set.type), set]));

describe('groupRecords', () => {
  it('groups single records into record sets in Portico\'s form and leaves other types out', () => {
    const sets = groupRecords([
      record('1', 'WWW.Example.com', 'A', '192.0.2.1', { ttl: 600 }),
      record('2', 'www.example.com', 'A', '192.0.2.2', { ttl: 120 }),
      record('3', '_v.example.com', 'TXT', '"a" "b"'),
      record('4', 'example.com', 'MX', 'mail.example.com'),
      record('5', 'alias.example.com', 'CNAME', 'Edge.Example.net', { ttl: 1 }),
    ]);
    expect(sets.map(({ records: _r, ...set }) => set)).toEqual([
      { name: 'www.example.com', type: 'A', ttl: 120, values: ['192.0.2.1', '192.0.2.2'], comment: M },
      { name: '_v.example.com', type: 'TXT', ttl: 300, values: ['ab'], comment: M },
      { name: 'alias.example.com', type: 'CNAME', ttl: 300, values: ['edge.example.net'], comment: M },
    ]);
    expect(sets[0]!.records.map((r) => r.id)).toEqual(['1', '2']);
  });

  it('gives a set a comment only when all its records carry the same one', () => {
    const [mixed, none, other] = groupRecords([
      record('1', 'a.example.com', 'A', '192.0.2.1'),
      record('2', 'a.example.com', 'A', '192.0.2.2', { comment: null }),
      record('3', 'b.example.com', 'A', '192.0.2.1', { comment: null }),
      record('4', 'c.example.com', 'A', '192.0.2.1', { comment: 'heritage=portico,portico/owner=other' }),
    ]);
    expect(mixed!.comment).toBeUndefined();
    expect(none!.comment).toBeUndefined();
    expect(other!.comment).toBe('heritage=portico,portico/owner=other');
  });

  it('lists a value stored twice once', () => {
    const [set] = groupRecords([record('1', 'a.example.com', 'A', '192.0.2.1'), record('2', 'a.example.com', 'A', '192.0.2.1')]);
    expect(set!.values).toEqual(['192.0.2.1']);
    expect(set!.records).toHaveLength(2);
  });
});

describe('batchFor', () => {
  const current = byKey(
    groupRecords([
      record('a1', 'a.example.com', 'A', '192.0.2.1'),
      record('a2', 'a.example.com', 'A', '192.0.2.2'),
      record('t1', 't.example.com', 'TXT', '"old"'),
      record('d1', 'dup.example.com', 'A', '192.0.2.9'),
      record('d2', 'dup.example.com', 'A', '192.0.2.9'),
    ]),
  );

  it('creates every value of a new set, quoted, DNS-only, with the comment', () => {
    const body = batchFor([{ action: 'create', set: { name: 'n.example.com', type: 'TXT', ttl: 300, values: ['one', 'two'] } }], current, M);
    expect(body).toEqual({
      deletes: [],
      patches: [],
      posts: [
        { name: 'n.example.com', type: 'TXT', content: '"one"', ttl: 300, proxied: false, comment: M },
        { name: 'n.example.com', type: 'TXT', content: '"two"', ttl: 300, proxied: false, comment: M },
      ],
    });
  });

  it('keeps records whose value stays, reuses the others for new values, creates what is left', () => {
    const body = batchFor([{ action: 'update', set: { name: 'a.example.com', type: 'A', ttl: 300, values: ['192.0.2.2', '192.0.2.3', '192.0.2.4'] } }], current, M);
    expect(body.deletes).toEqual([]);
    expect(body.patches).toEqual([{ id: 'a1', name: 'a.example.com', type: 'A', content: '192.0.2.3', ttl: 300, proxied: false, comment: M }]);
    expect(body.posts).toEqual([{ name: 'a.example.com', type: 'A', content: '192.0.2.4', ttl: 300, proxied: false, comment: M }]);
  });

  it('deletes the records of removed values, and duplicates', () => {
    const shrink = batchFor([{ action: 'update', set: { name: 'a.example.com', type: 'A', ttl: 300, values: ['192.0.2.1'] } }], current, M);
    expect(shrink).toEqual({ deletes: [{ id: 'a2' }], patches: [], posts: [] });
    const dedupe = batchFor([{ action: 'update', set: { name: 'dup.example.com', type: 'A', ttl: 300, values: ['192.0.2.9'] } }], current, M);
    expect(dedupe).toEqual({ deletes: [{ id: 'd2' }], patches: [], posts: [] });
  });

  it('a delete removes every record of the set and writes no comment', () => {
    const body = batchFor([{ action: 'delete', set: { name: 'a.example.com', type: 'A', ttl: 300, values: [] } }], current, M);
    expect(body).toEqual({ deletes: [{ id: 'a1' }, { id: 'a2' }], patches: [], posts: [] });
    expect(operationCount(body)).toBe(2);
  });

  it('patches a kept record whose comment, TTL or proxying must change, each on its own', () => {
    const foreign = byKey(
      groupRecords([
        record('c1', 'c.example.com', 'A', '192.0.2.1', { comment: null }),
        record('p1', 'p.example.com', 'A', '192.0.2.1', { proxied: true }),
        record('t1', 'ttl.example.com', 'A', '192.0.2.1', { ttl: 1 }),
        record('k1', 'k.example.com', 'A', '192.0.2.1'),
      ]),
    );
    const grow = (name: string) => ({ action: 'update' as const, set: { name, type: 'A' as const, ttl: 300, values: ['192.0.2.1', '192.0.2.5'] } });
    const body = batchFor(['c', 'p', 'ttl', 'k'].map((label) => grow(`${label}.example.com`)), foreign, M);
    expect(body.patches.map((patch) => patch.id)).toEqual(['c1', 'p1', 't1']);
    expect(body.patches[0]).toEqual({ id: 'c1', name: 'c.example.com', type: 'A', content: '192.0.2.1', ttl: 300, proxied: false, comment: M });
    expect(body.posts).toHaveLength(4);
    // Without a comment to write, an existing one is left alone.
    const unchanged = batchFor([{ action: 'update', set: { name: 't.example.com', type: 'TXT', ttl: 300, values: ['old', 'new'] } }], current);
    expect(unchanged).toEqual({ deletes: [], patches: [], posts: [{ name: 't.example.com', type: 'TXT', content: '"new"', ttl: 300, proxied: false }] });
  });

  it('a create over records read since (a stale plan) reuses them instead of duplicating', () => {
    const body = batchFor([{ action: 'create', set: { name: 't.example.com', type: 'TXT', ttl: 300, values: ['old'] } }], current, M);
    expect(operationCount(body)).toBe(0);
  });
});
