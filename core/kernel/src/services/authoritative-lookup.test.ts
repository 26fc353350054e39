import { startAuthorities, type AuthorityServer } from '@portico/dns-memory/testing';
import type { RecordSet } from '../records.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthoritativeLookup, type AuthoritativeLookupOptions } from './authoritative-lookup.ts';

// Outcomes against in-process authoritative servers (dns-memory) that misbehave on demand. The same lookup against
// real PowerDNS, BIND and Knot is tested in @portico/test-servers (src/authoritative-lookup.test.ts).

const NS = ['ns1.example.test', 'ns2.example.test'];
const txt = (name: string, ...values: string[]): RecordSet => ({ name, type: 'TXT', ttl: 60, values });
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 60, values });
const cname = (name: string, target: string): RecordSet => ({ name, type: 'CNAME', ttl: 60, values: [target] });

describe('createAuthoritativeLookup options', () => {
  it('refuses resolvers that are not IP addresses, bad ports, bad overrides and a long cache', () => {
    expect(() => createAuthoritativeLookup({ resolvers: [] })).toThrow(TypeError);
    expect(() => createAuthoritativeLookup({ resolvers: ['dns.example.test'] })).toThrow(TypeError);
    expect(() => createAuthoritativeLookup({ resolvers: ['127.0.0.1'], nameserverPort: 0 })).toThrow(/nameserverPort/);
    expect(() => createAuthoritativeLookup({ resolvers: ['127.0.0.1'], addressOverrides: { 'ns1.example.test': ['ns2.example.test'] } })).toThrow(
      /addressOverrides/,
    );
    expect(() => createAuthoritativeLookup({ resolvers: ['127.0.0.1'], zoneCacheMs: 3_600_000 })).toThrow(/zoneCacheMs/);
  });

  it('a name that cannot be asked (empty, a label over 63 bytes) is EBADNAME, without asking', async () => {
    const dns = createAuthoritativeLookup({ resolvers: ['127.0.0.1:9'] });
    expect(await dns.findZone('.')).toMatchObject({ status: 'error', code: 'EBADNAME' });
    expect(await dns.query(`${'a'.repeat(64)}.example.test`, 'TXT')).toMatchObject({ status: 'error', code: 'EBADNAME' });
    expect(await dns.resolveChain('a..example.test')).toMatchObject({ status: 'error', code: 'EBADNAME' });
  });

  it('an aborted signal is ECANCELLED before anything is sent', async () => {
    const dns = createAuthoritativeLookup({ resolvers: ['127.0.0.1:9'] });
    const signal = AbortSignal.abort();
    expect(await dns.query('www.example.test', 'A', { signal })).toMatchObject({ status: 'error', code: 'ECANCELLED' });
    expect(await dns.findZone('www.example.test', { signal })).toMatchObject({ status: 'error', code: 'ECANCELLED' });
    expect(await dns.resolveChain('www.example.test', { signal })).toMatchObject({ status: 'error', code: 'ECANCELLED' });
  });
});

describe('createAuthoritativeLookup against in-process authoritative servers', () => {
  // 127.0.0.5 serves the zone "test" (the seed: non-recursive, like an operator's own authoritative server) and
  // delegates example.test to ns1/ns2.example.test (127.0.0.1 and .2), other.test and refusing.test to
  // 127.0.0.4. Both example.test servers delegate child.example.test to 127.0.0.3.
  let port: number;
  let servers: AuthorityServer[];
  let close: () => Promise<void>;
  const [one, two, , other, top] = [0, 1, 2, 3, 4];
  const childDelegation = { zone: 'child.example.test', nameservers: ['ns.child.example.test'], glue: { 'ns.child.example.test': ['127.0.0.3'] } };
  const base = { delegations: [childDelegation] };
  const topBehaviour = {
    delegations: [
      { zone: 'example.test', nameservers: NS, glue: { [NS[0]]: ['127.0.0.1'], [NS[1]]: ['127.0.0.2'] } },
      { zone: 'other.test', nameservers: ['ns.other.test'], glue: { 'ns.other.test': ['127.0.0.4'] } },
      { zone: 'refusing.test', nameservers: ['ns.other.test'], glue: { 'ns.other.test': ['127.0.0.4'] } },
    ],
  };

  beforeAll(async () => {
    const example = [
      { name: 'example.test', records: [txt('same.example.test', 'v=1'), cname('alias.example.test', 'www.other.test'), cname('refused.example.test', 'www.refusing.test')] },
    ];
    ({ port, servers, close } = await startAuthorities([
      { zones: example, behaviour: base },
      { zones: example, behaviour: base },
      { zones: [{ name: 'child.example.test', records: [txt('www.child.example.test', 'from-child')] }] },
      { zones: [{ name: 'other.test', records: [a('www.other.test', '192.0.2.7'), txt('www.other.test', 'via-alias')] }, { name: 'refusing.test' }] },
      { zones: [{ name: 'test' }], behaviour: topBehaviour },
    ]));
  });
  afterAll(() => close?.());
  afterEach(() => {
    servers[one].setBehaviour(base);
    servers[two].setBehaviour(base);
    servers[other].setBehaviour({});
    servers[top].setBehaviour(topBehaviour);
  });

  /** Seeded by the server of "test" only: no resolver anywhere. Its own NS names (dns-memory's) point to it. */
  const lookup = (options: Partial<AuthoritativeLookupOptions> = {}) =>
    createAuthoritativeLookup({
      resolvers: [`127.0.0.5:${port}`],
      nameserverPort: port,
      addressOverrides: { 'ns1.memory.portico.test': ['127.0.0.5'], 'ns2.memory.portico.test': ['127.0.0.5'] },
      timeoutMs: 500,
      tries: 1,
      zoneCacheMs: 0,
      ...options,
    });
  const setOn = (index: number, sets: RecordSet[]) => servers[index].zones.apply({ zone: 'example.test', upsert: sets, remove: [] });
  const removeOn = (index: number, sets: RecordSet[]) => servers[index].zones.apply({ zone: 'example.test', upsert: [], remove: sets });
  const bothDo = (behaviour: Parameters<AuthorityServer['setBehaviour']>[0]) => {
    servers[one].setBehaviour(behaviour);
    servers[two].setBehaviour(behaviour);
  };

  it('answers found when every nameserver answers with authority, with each one in the evidence', async () => {
    const answer = await lookup().query('same.example.test', 'TXT');
    expect(answer).toMatchObject({ status: 'found', values: ['v=1'], zone: 'example.test' });
    expect(answer.evidence?.map((e) => [e.nameserver, e.server, e.status])).toEqual([
      [NS[0], `127.0.0.1:${port}`, 'found'],
      [NS[1], `127.0.0.2:${port}`, 'found'],
    ]);
  });

  it('an answer without the AA bit counts for nothing: ENOTAUTH, never nodata or nxdomain', async () => {
    bothDo({ ...base, fault: 'not-authoritative' });
    expect(await lookup().query('nothing.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'ENOTAUTH' });
    expect(await lookup().query('same.example.test', 'A')).toMatchObject({ status: 'error', code: 'ENOTAUTH' });
  });

  it('one lame nameserver (REFUSED, SERVFAIL, no AA, silent) and one good: the good one decides', async () => {
    for (const fault of ['refuse', 'servfail', 'not-authoritative', 'drop'] as const) {
      servers[two].setBehaviour({ ...base, fault });
      const answer = await lookup().query('same.example.test', 'TXT');
      expect(answer).toMatchObject({ status: 'found', values: ['v=1'] });
      expect(answer.evidence?.find((e) => e.nameserver === NS[1])).toMatchObject({ status: 'error' });
    }
    servers[two].setBehaviour({ ...base, fault: 'refuse' });
    expect(await lookup().query('nothing.example.test', 'TXT')).toMatchObject({ status: 'nxdomain' });
  });

  it('nameservers that disagree are EINCONSISTENT with what each said, never found or missing', async () => {
    setOn(one, [txt('split.example.test', 'new-token')]);
    try {
      const answer = await lookup().query('split.example.test', 'TXT');
      expect(answer).toMatchObject({ status: 'error', code: 'EINCONSISTENT' });
      expect(answer.evidence?.map((e) => e.status).sort()).toEqual(['found', 'nxdomain']);
      setOn(two, [txt('split.example.test', 'old-token')]);
      expect(await lookup().query('split.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'EINCONSISTENT' });
      setOn(two, [txt('split.example.test', 'new-token')]);
      expect(await lookup().query('split.example.test', 'TXT')).toMatchObject({ status: 'found', values: ['new-token'] });
    } finally {
      for (const index of [one, two]) removeOn(index, [txt('split.example.test', 'x')]);
    }
  });

  it('every nameserver silent is ETIMEOUT, never nxdomain', async () => {
    bothDo({ ...base, fault: 'drop' });
    expect(await lookup().query('nothing.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'ETIMEOUT' });
    expect(await lookup().resolveChain('alias.example.test')).toMatchObject({ status: 'error', code: 'ETIMEOUT' });
    expect(await lookup().findZone('www.example.test')).toMatchObject({ status: 'error', code: 'ETIMEOUT' });
  });

  it('follows referrals down to a delegated child zone, with only an authoritative server as seed', async () => {
    expect(await lookup().findZone('www.child.example.test')).toEqual({
      status: 'found',
      zone: 'child.example.test',
      nameservers: ['ns.child.example.test'],
      addresses: ['127.0.0.3'],
    });
    expect(await lookup().findZone('same.example.test')).toEqual({ status: 'found', zone: 'example.test', nameservers: NS, addresses: ['127.0.0.1', '127.0.0.2'] });
    expect(await lookup().query('www.child.example.test', 'TXT')).toMatchObject({ status: 'found', values: ['from-child'], zone: 'child.example.test' });
    expect(await lookup().query('nothing.child.example.test', 'TXT')).toMatchObject({ status: 'nxdomain', zone: 'child.example.test' });
  });

  it('takes each delegation from the parent zone\'s nameservers, not from the seeds', async () => {
    // A seed with an outdated view: it sends child.example.test to a server that does not hold it (any more).
    servers[other].setBehaviour({
      delegations: [
        { zone: 'example.test', nameservers: ['ns.parent.test'], glue: { 'ns.parent.test': ['127.0.0.1'] } },
        { zone: 'child.example.test', nameservers: ['ns.stale.test'], glue: { 'ns.stale.test': ['127.0.0.4'] } },
      ],
    });
    const dns = lookup({ resolvers: [`127.0.0.4:${port}`] });
    expect(await dns.query('www.child.example.test', 'TXT')).toMatchObject({ status: 'found', values: ['from-child'] });
    expect(await dns.findZone('www.child.example.test')).toMatchObject({ zone: 'child.example.test', addresses: ['127.0.0.3'] });
  });

  it('a delegation that moves is seen at once with the cache off, and only after zoneCacheMs with it on', async () => {
    const moved = { zone: 'child.example.test', nameservers: ['ns.moved.example.test'], glue: { 'ns.moved.example.test': ['127.0.0.4'] } };
    const cached = lookup({ zoneCacheMs: 60_000 });
    expect(await cached.query('www.child.example.test', 'TXT')).toMatchObject({ status: 'found' });
    bothDo({ delegations: [moved] });
    // 127.0.0.4 does not serve child.example.test: REFUSED is an error, never a miss.
    expect(await lookup().query('www.child.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'EREFUSED' });
    expect(await cached.query('www.child.example.test', 'TXT')).toMatchObject({ status: 'found', values: ['from-child'] });
  });

  it('a referral that does not lead down (lame delegation) is an error, never nodata', async () => {
    bothDo({ delegations: [{ zone: 'example.test', nameservers: ['ns.elsewhere.test'] }] });
    expect(await lookup().query('same.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'ELAME' });
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const values = Array.from({ length: 30 }, (_, i) => `portico-verification=${String(i).padStart(2, '0')}${'k'.repeat(60)}`);
    for (const index of [one, two]) setOn(index, [txt('big.example.test', ...values)]);
    try {
      const answer = await lookup().query('big.example.test', 'TXT');
      expect(answer.status).toBe('found');
      expect(answer.status === 'found' && [...answer.values].sort()).toEqual(values);
    } finally {
      for (const index of [one, two]) removeOn(index, [txt('big.example.test', 'x')]);
    }
  });

  it('follows a CNAME into another zone; a REFUSED hop is an error, not a miss', async () => {
    expect(await lookup().query('alias.example.test', 'A')).toMatchObject({ status: 'found', values: ['192.0.2.7'], zone: 'other.test' });
    expect(await lookup().query('alias.example.test', 'TXT')).toMatchObject({ status: 'found', values: ['via-alias'] });
    expect(await lookup().resolveChain('alias.example.test')).toEqual({ status: 'found', chain: ['www.other.test'] });
    servers[other].setBehaviour({ fault: 'refuse', faultNames: ['refusing.test'] });
    expect(await lookup().query('refused.example.test', 'A')).toMatchObject({ status: 'error', code: 'EREFUSED' });
    expect(await lookup().query('refused.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'EREFUSED' });
    servers[other].setBehaviour({ fault: 'refuse' });
    expect(await lookup().query('alias.example.test', 'A')).toMatchObject({ status: 'error', code: 'EREFUSED' });
  });

  it('a question cancelled while the nameservers are silent is ECANCELLED', async () => {
    bothDo({ ...base, fault: 'drop' });
    const controller = new AbortController();
    const answer = lookup({ timeoutMs: 60_000 }).query('same.example.test', 'TXT', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await answer).toMatchObject({ status: 'error', code: 'ECANCELLED' });
  });
});
