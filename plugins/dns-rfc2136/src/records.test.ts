import packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { fromAnswer, isInZone, sameValues, toAnswers, toRecordSets, txtChunks } from './records.ts';
import { canonicalName, readName, recordPositions } from './wire.ts';

describe('TXT values', () => {
  it('splits into 255-byte strings and joins back, a UTF-8 character straddling a split included', () => {
    expect(txtChunks('x'.repeat(600)).map((chunk) => chunk.length)).toEqual([255, 255, 90]);
    expect(txtChunks('')).toEqual([Buffer.alloc(0)]);
    const value = `${'a'.repeat(254)}é and "quotes" \\ back`;
    const [answer] = toAnswers({ name: 't.example.test', type: 'TXT', ttl: 60, values: [value] });
    const decoded = packet.decode(packet.encode({ type: 'response', answers: [answer] })).answers ?? [];
    expect((decoded[0] as { data: Buffer[] }).data[0]).toHaveLength(255); // the é is cut in two
    expect(fromAnswer(decoded[0])).toBe(value);
  });
});

describe('records ↔ Portico values', () => {
  it('round-trips A, AAAA (RFC 5952 form), CNAME (no dot, lower case) and TXT through the wire', () => {
    const sets = [
      { name: 'a.example.test', type: 'A' as const, ttl: 30, values: ['192.0.2.1', '192.0.2.2'] },
      { name: 'v6.example.test', type: 'AAAA' as const, ttl: 30, values: ['2001:DB8:0:0::1'] },
      { name: 'alias.example.test', type: 'CNAME' as const, ttl: 30, values: ['Target.Example.Net.'] },
      { name: 't.example.test', type: 'TXT' as const, ttl: 30, values: ['one', 'two'] },
    ];
    const answers = sets.flatMap(toAnswers);
    const decoded = packet.decode(packet.encode({ type: 'response', answers })).answers ?? [];
    expect(toRecordSets(decoded)).toEqual([
      { name: 'a.example.test', type: 'A', ttl: 30, values: ['192.0.2.1', '192.0.2.2'] },
      { name: 'alias.example.test', type: 'CNAME', ttl: 30, values: ['target.example.net'] },
      { name: 't.example.test', type: 'TXT', ttl: 30, values: ['one', 'two'] },
      { name: 'v6.example.test', type: 'AAAA', ttl: 30, values: ['2001:db8::1'] },
    ]);
  });

  it('leaves out other types and compares values as sets', () => {
    expect(toRecordSets([{ name: 'example.test', type: 'NS', ttl: 60, data: 'ns1.example.test' }])).toEqual([]);
    expect(sameValues('AAAA', ['2001:db8::1', '2001:db8::2'], ['2001:DB8:0::2', '2001:db8::1'])).toBe(true);
    expect(sameValues('CNAME', ['a.example.'], ['A.Example'])).toBe(true);
    expect(sameValues('TXT', ['a'], ['A'])).toBe(false);
    expect(sameValues('A', ['192.0.2.1'], ['192.0.2.1', '192.0.2.2'])).toBe(false);
  });

  it('knows which names are in a zone', () => {
    expect(isInZone('Example.Test.', 'example.test')).toBe(true);
    expect(isInZone('a.b.example.test', 'example.test.')).toBe(true);
    expect(isInZone('badexample.test', 'example.test')).toBe(false);
    expect(isInZone('test', 'example.test')).toBe(false);
  });
});

describe('wire names', () => {
  it('writes canonical names and reads compressed ones, refusing pointer loops', () => {
    expect(canonicalName('Portico-Key.').toString('hex')).toBe('0b706f727469636f2d6b657900');
    expect(canonicalName('.').toString('hex')).toBe('00');
    // "example.test" at 0, then "www" + pointer to 0 at 14.
    const buf = Buffer.from('076578616d706c6504746573740003777777c000', 'hex');
    expect(readName(buf, 14)).toEqual({ name: 'www.example.test', end: 20 });
    expect(() => readName(Buffer.from('c000', 'hex'), 0)).toThrow(/backwards/);
    expect(() => readName(Buffer.from('03777777c002', 'hex'), 0)).toThrow(/backwards/);
    expect(() => readName(Buffer.from('0577', 'hex'), 0)).toThrow(/past the end/);
  });

  it('finds every record, also in a compressed answer', () => {
    // A BIND-style answer: question example.test SOA, one answer whose owner is a pointer to the question name.
    const wire = Buffer.from('000184000001000100000000076578616d706c6504746573740000060001c00c0006000100000e10000400000000', 'hex');
    expect(recordPositions(wire)).toEqual([{ start: 30, classOffset: 34, type: 6, rdataOffset: 42, rdlength: 4, end: 46 }]);
    expect(() => recordPositions(wire.subarray(0, 44))).toThrow(/past the end/);
  });
});
