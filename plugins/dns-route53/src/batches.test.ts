import { describe, expect, it } from 'vitest';
import { costOf, ROUTE53_BATCH_LIMITS, splitBatches, type SizedChange } from './batches.ts';

const upsert = (...values: string[]): SizedChange => ({ action: 'UPSERT', values });
const del = (...values: string[]): SizedChange => ({ action: 'DELETE', values });

describe('costOf', () => {
  it('counts UPSERT records and characters twice', () => {
    expect(costOf(upsert('"abc"', '"de"'))).toEqual({ records: 4, characters: 18 });
    expect(costOf(del('"abc"', '"de"'))).toEqual({ records: 2, characters: 9 });
  });
});

describe('splitBatches', () => {
  it('keeps what fits in one request', () => {
    expect(splitBatches([upsert('1'), del('2'), upsert('3')])).toEqual([[0, 3]]);
    expect(splitBatches([])).toEqual([]);
  });

  it('cuts at the record limit, in order', () => {
    const changes = Array.from({ length: 7 }, () => upsert('x'));
    expect(splitBatches(changes, { records: 6, characters: 1000 })).toEqual([
      [0, 3],
      [3, 6],
      [6, 7],
    ]);
  });

  it('cuts at the character limit', () => {
    const changes = [del('a'.repeat(10)), del('b'.repeat(10)), del('c'.repeat(10))];
    expect(splitBatches(changes, { records: 100, characters: 20 })).toEqual([
      [0, 2],
      [2, 3],
    ]);
  });

  it('refuses a change that alone is over a limit', () => {
    expect(() => splitBatches([upsert('x'.repeat(16_001))])).toThrow(RangeError);
    expect(() => splitBatches([del(...Array.from({ length: 1001 }, (_, i) => `10.0.${i >> 8}.${i & 255}`))], ROUTE53_BATCH_LIMITS)).toThrow(/1001 records/);
  });
});
