import { describe, expect, it } from 'vitest';
import { planChanges, sameValues, toProviderError } from './dns-plan.ts';
import { ownerMarker, ownerRecordName } from './ownership.ts';
import { DnsProviderError } from './provider-errors.ts';
import type { ProviderRecordSet } from './dns-provider.ts';
import type { RecordSet } from './records.ts';

const set = (name: string, type: RecordSet['type'], ...values: string[]): RecordSet => ({ name, type, ttl: 300, values });
const mine = ownerMarker('portico');
const marker = (of: RecordSet, owner = 'portico'): ProviderRecordSet => set(ownerRecordName(of.name, of.type), 'TXT', ownerMarker(owner));
const plan = (input: Partial<Parameters<typeof planChanges>[0]>) => planChanges({ upsert: [], remove: [], current: [], owner: 'portico', ownership: 'txt', ...input });

describe('planChanges', () => {
  const cname = set('shop.example.com', 'CNAME', 'edge.portico.test');

  it('creates a missing set with its owner marker, marker first', () => {
    const { changes, writes } = plan({ upsert: [cname] });
    expect(changes).toEqual([{ action: 'create', name: cname.name, type: 'CNAME', before: [], after: cname.values }]);
    expect(writes.map((w) => [w.action, w.set.name])).toEqual([
      ['create', '_portico-owner.cname.shop.example.com'],
      ['create', 'shop.example.com'],
    ]);
  });

  it('with comment ownership writes no marker records', () => {
    const { writes } = plan({ upsert: [cname], ownership: 'comment' });
    expect(writes.map((w) => w.set.name)).toEqual(['shop.example.com']);
  });

  it('is a noop for the same values in another order or case, whoever wrote them', () => {
    const a = set('a.example.com', 'A', '192.0.2.1', '192.0.2.2');
    expect(plan({ upsert: [a], current: [set(a.name, 'A', '192.0.2.2', '192.0.2.1')] }).changes[0].action).toBe('noop');
    expect(plan({ upsert: [cname], current: [set(cname.name, 'CNAME', 'EDGE.portico.test.')] }).changes[0].action).toBe('noop');
    expect(sameValues('TXT', ['Token'], ['token'])).toBe(false);
  });

  it('updates only what carries its marker (txt or comment); otherwise a conflict, and nothing is written', () => {
    const old = set(cname.name, 'CNAME', 'old.example.net');
    expect(plan({ upsert: [cname], current: [old, marker(old)] }).changes[0]).toMatchObject({ action: 'update', before: ['old.example.net'] });
    expect(plan({ upsert: [cname], current: [{ ...old, comment: mine }], ownership: 'comment' }).changes[0].action).toBe('update');
    const foreign = plan({ upsert: [cname], current: [old] });
    expect(foreign.changes[0]).toMatchObject({ action: 'conflict', reason: 'not_owned', before: ['old.example.net'], after: cname.values });
    expect(foreign.writes).toEqual([]);
    const other = plan({ upsert: [cname], current: [old, marker(old, 'other-install')] });
    expect(other.changes[0]).toMatchObject({ action: 'conflict', reason: 'owned_by_other' });
    expect(plan({ upsert: [cname], current: [old], adopt: true }).changes[0].action).toBe('update');
  });

  it('refuses a CNAME next to other data and other data next to a CNAME', () => {
    const txt = set(cname.name, 'TXT', 'v=spf1 -all');
    expect(plan({ upsert: [cname], current: [txt] }).changes[0]).toMatchObject({ action: 'conflict', reason: 'cname_exclusive', before: ['TXT v=spf1 -all'] });
    expect(plan({ upsert: [txt], current: [cname, marker(cname)] }).changes[0]).toMatchObject({ action: 'conflict', reason: 'cname_exclusive' });
    // Removing the other data in the same apply clears the way; the delete goes first.
    const { changes, writes } = plan({ upsert: [cname], remove: [txt], current: [txt, marker(txt)] });
    expect(changes.map((c) => c.action)).toEqual(['create', 'delete']);
    expect(writes.map((w) => `${w.action} ${w.set.type} ${w.set.name}`)).toEqual([
      'delete TXT shop.example.com',
      'delete TXT _portico-owner.txt.shop.example.com',
      'create TXT _portico-owner.cname.shop.example.com',
      'create CNAME shop.example.com',
    ]);
  });

  it('deletes its own sets with their markers; absent sets are noops; foreign ones conflicts', () => {
    expect(plan({ remove: [cname], current: [cname, marker(cname)] }).writes.map((w) => w.set.name)).toEqual(['shop.example.com', '_portico-owner.cname.shop.example.com']);
    expect(plan({ remove: [cname] }).changes[0].action).toBe('noop');
    expect(plan({ remove: [cname], current: [cname] }).changes[0]).toMatchObject({ action: 'conflict', reason: 'not_owned' });
  });

  it('a stray marker of another owner blocks a create', () => {
    expect(plan({ upsert: [cname], current: [marker(cname, 'other-install')] }).changes[0]).toMatchObject({ action: 'conflict', reason: 'owned_by_other' });
  });

  it('names wildcard markers without a mid-name *', () => {
    expect(ownerRecordName('*.shop.example.com', 'A')).toBe('_portico-owner.a._wildcard.shop.example.com');
  });
});

describe('toProviderError', () => {
  it('keeps a kind it knows, and calls anything else transient', () => {
    const vendor = Object.assign(new Error('429 from vendor'), { kind: 'rate_limit', retryAfterSeconds: 7, status: 429 });
    expect(toProviderError(vendor)).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 7, providerCode: '429', message: '429 from vendor' });
    expect(toProviderError(new Error('boom'))).toMatchObject({ kind: 'transient' });
    expect(toProviderError(Object.assign(new Error('x'), { kind: 'weird' }))).toMatchObject({ kind: 'transient' });
    const own = new DnsProviderError('auth', 'no');
    expect(toProviderError(own)).toBe(own);
  });
});
