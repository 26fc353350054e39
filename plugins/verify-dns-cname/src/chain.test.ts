import type { CnameChain, DnsAnswer, DnsLookup } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { followChain } from './chain.ts';
import { MAX_CHAIN } from './check-routing.ts';

type Table = Record<string, DnsAnswer>;

/** A lookup answering from `table` (`name TYPE` → answer; anything else NXDOMAIN) and recording every question. */
function fakeDns(table: Table, resolveChain?: DnsLookup['resolveChain']) {
  const asked: string[] = [];
  const dns: DnsLookup = {
    query: async (name, type) => {
      asked.push(`${name} ${type}`);
      return table[`${name} ${type}`] ?? { status: 'nxdomain' };
    },
    ...(resolveChain ? { resolveChain } : {}),
  };
  return { dns, asked };
}

const cname = (target: string): DnsAnswer => ({ status: 'found', values: [target] });
const target = 'tok.edge.saas.example';

describe('followChain, hop by hop', () => {
  it('stops at the expected host without asking further', async () => {
    const { dns, asked } = fakeDns({ 'shop.example.com CNAME': cname('Tok.Edge.Saas.Example.') });
    expect(await followChain(dns, 'shop.example.com', target)).toEqual({ kind: 'chain', chain: [target] });
    expect(asked).toEqual(['shop.example.com CNAME']);
  });

  it('follows a chain to the first name without CNAME', async () => {
    const { dns } = fakeDns({
      'shop.example.com CNAME': cname('a.example'),
      'a.example CNAME': cname('b.example'),
      'b.example CNAME': { status: 'nodata' },
    });
    expect(await followChain(dns, 'shop.example.com', target)).toEqual({ kind: 'chain', chain: ['a.example', 'b.example'] });
  });

  it('detects a loop', async () => {
    const { dns } = fakeDns({ 'shop.example.com CNAME': cname('a.example'), 'a.example CNAME': cname('shop.example.com') });
    expect(await followChain(dns, 'shop.example.com', target)).toEqual({ kind: 'loop', chain: ['a.example', 'shop.example.com'] });
  });

  it(`gives up after ${MAX_CHAIN} CNAME records`, async () => {
    const table: Table = { 'shop.example.com CNAME': cname('h1.example') };
    for (let i = 1; i <= MAX_CHAIN + 2; i++) table[`h${i}.example CNAME`] = cname(`h${i + 1}.example`);
    const evidence = await followChain(fakeDns(table).dns, 'shop.example.com', target);
    expect(evidence).toMatchObject({ kind: 'too-long' });
    expect(evidence.kind === 'too-long' && evidence.chain.length).toBe(MAX_CHAIN);
  });

  it(`verifies a chain of exactly ${MAX_CHAIN} CNAME records ending at the expected host`, async () => {
    const table: Table = { 'shop.example.com CNAME': cname('h1.example') };
    for (let i = 1; i < MAX_CHAIN - 1; i++) table[`h${i}.example CNAME`] = cname(`h${i + 1}.example`);
    table[`h${MAX_CHAIN - 1}.example CNAME`] = cname(target);
    const evidence = await followChain(fakeDns(table).dns, 'shop.example.com', target);
    expect(evidence).toMatchObject({ kind: 'chain' });
    expect(evidence.kind === 'chain' && evidence.chain.at(-1)).toBe(target);
  });

  it('errs at a hop that cannot be looked up, REFUSED and ENOZONE included: the chain is not known to end there', async () => {
    for (const code of ['EREFUSED', 'ENOZONE', 'EINCONSISTENT']) {
      const { dns } = fakeDns({ 'shop.example.com CNAME': cname('a.example'), 'a.example CNAME': { status: 'error', code, message: code } });
      expect(await followChain(dns, 'shop.example.com', target)).toEqual({ kind: 'error', chain: ['a.example'], name: 'a.example', type: 'CNAME', code, message: code });
    }
    const { dns } = fakeDns({
      'shop.example.com CNAME': cname('a.example'),
      'a.example CNAME': { status: 'error', code: 'ETIMEOUT', message: 'timed out' },
    });
    expect(await followChain(dns, 'shop.example.com', target)).toEqual({
      kind: 'error',
      chain: ['a.example'],
      name: 'a.example',
      type: 'CNAME',
      code: 'ETIMEOUT',
      message: 'timed out',
    });
  });

  it('errs when the first lookup fails, even with REFUSED', async () => {
    const { dns } = fakeDns({ 'shop.example.com CNAME': { status: 'error', code: 'EREFUSED', message: 'refused' } });
    expect(await followChain(dns, 'shop.example.com', target)).toMatchObject({ kind: 'error', chain: [], code: 'EREFUSED' });
  });

  it('looks for A, then AAAA records when the hostname exists without CNAME', async () => {
    const withA = fakeDns({ 'shop.example.com CNAME': { status: 'nodata' }, 'shop.example.com A': { status: 'found', values: ['192.0.2.1'] } });
    expect(await followChain(withA.dns, 'shop.example.com', target)).toEqual({ kind: 'address', type: 'A', values: ['192.0.2.1'] });
    const withAaaa = fakeDns({
      'shop.example.com CNAME': { status: 'nodata' },
      'shop.example.com A': { status: 'nodata' },
      'shop.example.com AAAA': { status: 'found', values: ['2001:db8::1'] },
    });
    expect(await followChain(withAaaa.dns, 'shop.example.com', target)).toEqual({ kind: 'address', type: 'AAAA', values: ['2001:db8::1'] });
    const neither = fakeDns({ 'shop.example.com CNAME': { status: 'nodata' }, 'shop.example.com A': { status: 'nodata' } });
    expect(await followChain(neither.dns, 'shop.example.com', target)).toEqual({ kind: 'absent', status: 'nodata' });
    const failing = fakeDns({ 'shop.example.com CNAME': { status: 'nodata' }, 'shop.example.com A': { status: 'error', code: 'ETIMEOUT', message: 't' } });
    expect(await followChain(failing.dns, 'shop.example.com', target)).toMatchObject({ kind: 'error', type: 'A', code: 'ETIMEOUT' });
  });

  it('reports a name that does not exist as absent without asking for addresses', async () => {
    const { dns, asked } = fakeDns({});
    expect(await followChain(dns, 'shop.example.com', target)).toEqual({ kind: 'absent', status: 'nxdomain' });
    expect(asked).toEqual(['shop.example.com CNAME']);
  });
});

describe('followChain with resolveChain', () => {
  const chainOf = (answer: CnameChain | Error) => async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  };

  it('uses the chain it returns, cut at the expected host, without asking hop by hop', async () => {
    const { dns, asked } = fakeDns({}, chainOf({ status: 'found', chain: ['a.example', 'TOK.edge.saas.example', 'lb.saas.example'] }));
    expect(await followChain(dns, 'shop.example.com', target)).toEqual({ kind: 'chain', chain: ['a.example', target] });
    expect(asked).toEqual([]);
  });

  it('reports a chain ending elsewhere, and maps nxdomain and nodata', async () => {
    expect(await followChain(fakeDns({}, chainOf({ status: 'found', chain: ['a.example'] })).dns, 'shop.example.com', target)).toEqual({
      kind: 'chain',
      chain: ['a.example'],
    });
    expect(await followChain(fakeDns({}, chainOf({ status: 'nxdomain' })).dns, 'shop.example.com', target)).toEqual({
      kind: 'absent',
      status: 'nxdomain',
    });
    const nodata = fakeDns({ 'shop.example.com A': { status: 'found', values: ['192.0.2.1'] } }, chainOf({ status: 'nodata' }));
    expect(await followChain(nodata.dns, 'shop.example.com', target)).toEqual({ kind: 'address', type: 'A', values: ['192.0.2.1'] });
  });

  it('walks hop by hop when it fails or throws (a canonical host whose own zone does not resolve still verifies)', async () => {
    for (const failure of [{ status: 'error', code: 'ENOZONE', message: 'no zone' } as const, new Error('boom')]) {
      const { dns, asked } = fakeDns({ 'shop.example.com CNAME': cname(target) }, chainOf(failure));
      expect(await followChain(dns, 'shop.example.com', target)).toEqual({ kind: 'chain', chain: [target] });
      expect(asked).toEqual(['shop.example.com CNAME']);
    }
  });
});

describe('followChain with a lookup that throws', () => {
  it('reports the failure as error evidence', async () => {
    const dns: DnsLookup = {
      query: async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
    };
    expect(await followChain(dns, 'shop.example.com', target)).toMatchObject({ kind: 'error', code: 'ECONNRESET', message: 'socket hang up' });
  });
});
