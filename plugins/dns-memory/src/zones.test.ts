import { describe, expect, it } from 'vitest';
import type { RecordSet } from '@portico/kernel';
import { MemoryZones } from './zones.ts';

const www: RecordSet = { name: 'www.example.test', type: 'A', ttl: 300, values: ['192.0.2.1', '192.0.2.2'] };
const txt: RecordSet = { name: '_portico-challenge.shop.example.test', type: 'TXT', ttl: 60, values: ['portico-verification=abc'] };

function store() {
  return new MemoryZones([{ name: 'example.test' }, { name: 'other.test', records: [{ ...www, name: 'other.test' }] }]);
}

describe('MemoryZones.apply', () => {
  it('creates record sets and reports one change per input, upserts first', () => {
    const zones = store();
    const result = zones.apply({ zone: 'example.test', upsert: [www, txt], remove: [{ ...www, name: 'gone.example.test' }] });
    expect(result.applied).toBe(true);
    expect(result.changes).toEqual([
      { action: 'create', name: 'www.example.test', type: 'A', before: [], after: ['192.0.2.1', '192.0.2.2'] },
      { action: 'create', name: txt.name, type: 'TXT', before: [], after: ['portico-verification=abc'] },
      { action: 'noop', name: 'gone.example.test', type: 'A', before: [], after: [] },
    ]);
    expect(zones.get('WWW.example.test.', 'A')).toEqual(www);
  });

  it('is idempotent: the same apply twice yields only noops and leaves the serial alone', () => {
    const zones = store();
    zones.apply({ zone: 'example.test', upsert: [www, txt], remove: [] });
    const serial = zones.serial('example.test');
    const again = zones.apply({ zone: 'example.test', upsert: [{ ...www, values: ['192.0.2.2', '192.0.2.1'] }, txt], remove: [] });
    expect(again.changes.map((change) => change.action)).toEqual(['noop', 'noop']);
    expect(zones.serial('example.test')).toBe(serial);
  });

  it('updates on a new value or ttl, deletes on remove, and bumps the SOA serial once per changing apply', () => {
    const zones = store();
    expect(zones.serial('example.test')).toBe(1);
    zones.apply({ zone: 'example.test', upsert: [www], remove: [] });
    expect(zones.serial('example.test')).toBe(2);
    const updated = zones.apply({ zone: 'example.test', upsert: [{ ...www, ttl: 120 }, { ...txt, values: ['x'] }], remove: [] });
    expect(updated.changes.map((change) => change.action)).toEqual(['update', 'create']);
    expect(updated.changes[0]).toMatchObject({ before: www.values, after: www.values });
    expect(zones.serial('example.test')).toBe(3);
    const removed = zones.apply({ zone: 'example.test', upsert: [], remove: [{ ...www, values: [] }] });
    expect(removed.changes).toEqual([{ action: 'delete', name: www.name, type: 'A', before: www.values, after: [] }]);
    expect(zones.get(www.name, 'A')).toBeUndefined();
    expect(zones.serial('example.test')).toBe(4);
    expect(zones.serial('other.test')).toBe(1);
  });

  it('plans without writing on dryRun', () => {
    const zones = store();
    const plan = zones.apply({ zone: 'example.test', upsert: [www], remove: [], dryRun: true });
    expect(plan).toEqual({ applied: false, changes: [expect.objectContaining({ action: 'create' })] });
    expect(zones.get(www.name, 'A')).toBeUndefined();
    expect(zones.serial('example.test')).toBe(1);
  });

  it('refuses names outside the zone and writes nothing of a refused apply', () => {
    const zones = store();
    const outside = { ...www, name: 'www.elsewhere.test' };
    expect(() => zones.apply({ zone: 'example.test', upsert: [txt, outside], remove: [] })).toThrow(
      /"www\.elsewhere\.test": the name is outside zone "example\.test"/,
    );
    expect(() => zones.apply({ zone: 'example.test', upsert: [{ ...www, name: 'badexample.test' }], remove: [] })).toThrow(
      /outside zone/,
    );
    expect(zones.get(txt.name, 'TXT')).toBeUndefined();
    expect(() => zones.apply({ zone: 'unknown.test', upsert: [www], remove: [] })).toThrow(/Zone "unknown\.test" is not served/);
  });

  it('refuses a name that belongs to a more specific zone it serves', () => {
    const zones = new MemoryZones([{ name: 'example.test' }, { name: 'sub.example.test' }]);
    expect(() => zones.apply({ zone: 'example.test', upsert: [{ ...www, name: 'a.sub.example.test' }], remove: [] })).toThrow(
      /belongs to zone "sub\.example\.test"/,
    );
  });

  it('validates values and CNAME rules', () => {
    const zones = store();
    const bad = (set: Partial<RecordSet>) => () => zones.apply({ zone: 'example.test', upsert: [{ ...www, ...set }], remove: [] });
    expect(bad({ values: ['not-an-ip'] })).toThrow(/is not an IPv4 address/);
    expect(bad({ type: 'AAAA', values: ['192.0.2.1'] })).toThrow(/is not an IPv6 address/);
    expect(bad({ values: [] })).toThrow(/at least one value/);
    expect(bad({ ttl: 0 })).toThrow(/ttl/);
    expect(bad({ type: 'CNAME', values: ['a.test', 'b.test'] })).toThrow(/exactly one value/);
    expect(bad({ type: 'CNAME', name: 'example.test', values: ['a.test'] })).toThrow(/apex/);
    zones.apply({ zone: 'example.test', upsert: [www], remove: [] });
    expect(bad({ type: 'CNAME', values: ['target.test'] })).toThrow(/CNAME record and other records/);
    // Replacing the A set by a CNAME in one apply is fine.
    const swap = zones.apply({
      zone: 'example.test',
      upsert: [{ ...www, type: 'CNAME', values: ['Target.Test.'] }],
      remove: [{ ...www, values: [] }],
    });
    expect(swap.changes.map((change) => change.action)).toEqual(['create', 'delete']);
    expect(zones.get(www.name, 'CNAME')?.values).toEqual(['target.test']);
  });

  it('refuses invalid or duplicate zones', () => {
    expect(() => new MemoryZones([{ name: 'bad zone' }])).toThrow(/not a valid DNS name/);
    expect(() => new MemoryZones([{ name: 'a.test' }, { name: 'A.test.' }])).toThrow(/already served/);
    expect(() => new MemoryZones([{ name: 'a.test', records: [{ ...www }] }])).toThrow(/outside zone "a\.test"/);
  });
});

describe('MemoryZones.lookup', () => {
  const zones = new MemoryZones([
    {
      name: 'example.test',
      records: [
        www,
        txt,
        { name: 'alias.example.test', type: 'CNAME', ttl: 300, values: ['www.example.test'] },
        { name: 'dangling.example.test', type: 'CNAME', ttl: 300, values: ['nothing.example.test'] },
        { name: 'away.example.test', type: 'CNAME', ttl: 300, values: ['www.elsewhere.test'] },
        { name: 'loop1.example.test', type: 'CNAME', ttl: 300, values: ['loop2.example.test'] },
        { name: 'loop2.example.test', type: 'CNAME', ttl: 300, values: ['loop1.example.test'] },
      ],
    },
  ]);

  it('answers records of the asked type', () => {
    expect(zones.lookup('www.example.test', 'A')).toEqual({
      rcode: 'NOERROR',
      answers: [
        { name: 'www.example.test', type: 'A', ttl: 300, value: '192.0.2.1' },
        { name: 'www.example.test', type: 'A', ttl: 300, value: '192.0.2.2' },
      ],
      authority: [],
    });
  });

  it('answers NODATA (NOERROR, SOA in authority) for an existing name without that type', () => {
    const result = zones.lookup('www.example.test', 'TXT');
    expect(result.rcode).toBe('NOERROR');
    expect(result.answers).toEqual([]);
    expect(result.authority).toEqual([expect.objectContaining({ name: 'example.test', type: 'SOA' })]);
  });

  it('treats an empty non-terminal as existing', () => {
    expect(zones.lookup('shop.example.test', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });

  it('answers NXDOMAIN with the SOA for a name with no records and no descendants', () => {
    const result = zones.lookup('missing.example.test', 'A');
    expect(result.rcode).toBe('NXDOMAIN');
    expect(result.authority[0]).toMatchObject({ type: 'SOA', value: { serial: 1, mname: 'ns1.memory.portico.test' } });
  });

  it('refuses names outside every zone', () => {
    expect(zones.lookup('www.elsewhere.test', 'A')).toEqual({ rcode: 'REFUSED', answers: [], authority: [] });
    expect(zones.lookup('test', 'A').rcode).toBe('REFUSED');
  });

  it('synthesizes SOA and NS at the apex', () => {
    expect(zones.lookup('example.test', 'NS').answers.map((a) => a.value)).toEqual([
      'ns1.memory.portico.test',
      'ns2.memory.portico.test',
    ]);
    expect(zones.lookup('example.test', 'SOA').answers).toHaveLength(1);
  });

  it('answers any type with the CNAME and follows it within our zones', () => {
    expect(zones.lookup('alias.example.test', 'A')).toMatchObject({
      rcode: 'NOERROR',
      answers: [
        { name: 'alias.example.test', type: 'CNAME', value: 'www.example.test' },
        { name: 'www.example.test', type: 'A', value: '192.0.2.1' },
        { name: 'www.example.test', type: 'A', value: '192.0.2.2' },
      ],
    });
    expect(zones.lookup('alias.example.test', 'CNAME').answers).toHaveLength(1);
    expect(zones.lookup('dangling.example.test', 'TXT')).toMatchObject({ rcode: 'NXDOMAIN', answers: [{ type: 'CNAME' }] });
    expect(zones.lookup('away.example.test', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [{ type: 'CNAME' }] });
    expect(zones.lookup('loop1.example.test', 'A').answers.map((a) => a.name)).toEqual(['loop1.example.test', 'loop2.example.test']);
  });
});
