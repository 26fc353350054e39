import type { ProviderChange } from './dns-provider.ts';
import type { RecordSet } from './records.ts';
import { describe, expect, it } from 'vitest';
import { applyRecordChanges, type RecordRef, type RecordWriter } from './record-writes.ts';

class KindError extends Error {
  readonly kind: string;
  constructor(kind: string) {
    super(kind);
    this.kind = kind;
  }
}

function recorder(fail: (op: string) => Error | undefined = () => undefined) {
  const ops: string[] = [];
  let id = 100;
  const run = (op: string) => {
    ops.push(op);
    const error = fail(op);
    return error ? Promise.reject(error) : Promise.resolve(id++);
  };
  const writer: RecordWriter = {
    create: (set, value) => run(`create ${set.name} ${set.type} ${value}`),
    update: (record, set, value) => run(`update ${record.id} ${set.name} ${value}`),
    remove: (record, set) => run(`delete ${record.id} ${set.name}`),
    recordsOf: async () => [],
  };
  return { ops, writer };
}

const set = (name: string, type: RecordSet['type'], values: string[]): RecordSet => ({ name, type, ttl: 300, values });
const before = (s: RecordSet, records: RecordRef[]) => ({ ...s, values: records.map((r) => r.value), records });

describe('applyRecordChanges', () => {
  it('sends set deletes, marker upserts, set upserts, marker deletes, and returns results in the given order', async () => {
    const { ops, writer } = recorder();
    const a = set('swap.example.com', 'A', []);
    const changes: ProviderChange[] = [
      { action: 'create', set: set('swap.example.com', 'CNAME', ['edge.example.net']) },
      { action: 'create', set: set('_portico-owner.cname.swap.example.com', 'TXT', ['marker']) },
      { action: 'delete', set: a, before: before(a, [{ id: 1, value: '192.0.2.1' }]) },
      { action: 'delete', set: set('_portico-owner.a.swap.example.com', 'TXT', []), before: before(set('_portico-owner.a.swap.example.com', 'TXT', []), [{ id: 2, value: 'marker' }]) },
    ];
    expect(await applyRecordChanges(writer, changes)).toEqual([undefined, undefined, undefined, undefined]);
    expect(ops).toEqual([
      'delete 1 swap.example.com',
      'create _portico-owner.cname.swap.example.com TXT marker',
      'create swap.example.com CNAME edge.example.net',
      'delete 2 _portico-owner.a.swap.example.com',
    ]);
  });

  it('keeps records whose value stays, reuses the others for new values, deletes the rest', async () => {
    const { ops, writer } = recorder();
    const s = set('a.example.com', 'A', ['192.0.2.2', '192.0.2.9']);
    const old = before(s, [{ id: 1, value: '192.0.2.1' }, { id: 2, value: '192.0.2.2' }, { id: 3, value: '192.0.2.3' }]);
    await applyRecordChanges(writer, [{ action: 'update', set: s, before: old }]);
    expect(ops).toEqual(['update 1 a.example.com 192.0.2.9', 'delete 3 a.example.com']);
  });

  it('compares TXT exactly and names without case', async () => {
    const { ops, writer } = recorder();
    const txt = set('t.example.com', 'TXT', ['Hello']);
    await applyRecordChanges(writer, [{ action: 'update', set: txt, before: before(txt, [{ id: 1, value: 'hello' }]) }]);
    const cname = set('c.example.com', 'CNAME', ['edge.example.net']);
    await applyRecordChanges(writer, [{ action: 'update', set: cname, before: before(cname, [{ id: 2, value: 'Edge.Example.NET' }]) }]);
    expect(ops).toEqual(['update 1 t.example.com Hello']);
  });

  it('a refused change is that change\'s result; a failure about the call is thrown', async () => {
    const refused = recorder((op) => (op.includes('bad') ? new KindError('validation') : undefined));
    const results = await applyRecordChanges(refused.writer, [
      { action: 'create', set: set('bad.example.com', 'A', ['192.0.2.1']) },
      { action: 'create', set: set('ok.example.com', 'A', ['192.0.2.1']) },
    ]);
    expect(results[0]).toMatchObject({ kind: 'validation' });
    expect(results[1]).toBeUndefined();
    for (const kind of ['auth', 'permission', 'rate_limit', 'transient']) {
      const failing = recorder(() => new KindError(kind));
      await expect(applyRecordChanges(failing.writer, [{ action: 'create', set: set('x.example.com', 'A', ['192.0.2.1']) }])).rejects.toMatchObject({ kind });
    }
    const plain = recorder(() => new Error('no kind'));
    await expect(applyRecordChanges(plain.writer, [{ action: 'create', set: set('x.example.com', 'A', ['192.0.2.1']) }])).rejects.toThrow('no kind');
  });

  it('reads the records of a set when `before` does not carry them', async () => {
    const { ops, writer } = recorder();
    writer.recordsOf = async () => [{ id: 7, value: '192.0.2.7' }];
    await applyRecordChanges(writer, [{ action: 'delete', set: set('gone.example.com', 'A', []), before: set('gone.example.com', 'A', ['192.0.2.7']) }]);
    expect(ops).toEqual(['delete 7 gone.example.com']);
  });

  it('rewrites the records it keeps when only the TTL changed (each record carries its own TTL)', async () => {
    const { ops, writer } = recorder();
    const a = set('ttl.example.com', 'A', ['192.0.2.1', '192.0.2.2']);
    await applyRecordChanges(writer, [{ action: 'update', set: { ...a, ttl: 600 }, before: before(a, [{ id: 1, value: '192.0.2.1' }, { id: 2, value: '192.0.2.2' }]) }]);
    expect(ops).toEqual(['update 1 ttl.example.com 192.0.2.1', 'update 2 ttl.example.com 192.0.2.2']);
  });
});
