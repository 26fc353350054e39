import { createSocket, type Socket } from 'node:dgram';
import { createAuthoritativeLookup, type AuthoritativeLookupOptions } from '@portico/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePowerDns } from './binaries.ts';
import { requireBind, startBind, type Bind } from './bind.ts';
import { requireKnot, startKnot, type Knot } from './knot.ts';
import { startPowerDns, type PowerDns } from './powerdns.ts';

/**
 * createAuthoritativeLookup (in @portico/kernel, which stays free of test servers) against real PowerDNS
 * servers. `nameserverPort` is one port for every authoritative server, so two servers that must both be
 * asked share a port on different loopback addresses: one.test at 127.0.0.1, two.test at 127.0.0.2. Neither
 * recurses; as "resolvers" both are listed, and c-ares moves to the next one when the first says REFUSED.
 */
const available = requirePowerDns();

const glue = (name: string, address = '127.0.0.1') => ({ name, type: 'A', values: [address] });

describe.skipIf(!available)('createAuthoritativeLookup against PowerDNS', () => {
  let pdns: PowerDns;
  let second: PowerDns;
  const lookup = (options: Partial<AuthoritativeLookupOptions> = {}) =>
    createAuthoritativeLookup({
      resolvers: [`127.0.0.1:${pdns.dnsPort}`, `127.0.0.2:${pdns.dnsPort}`],
      nameserverPort: pdns.dnsPort,
      timeoutMs: 1000,
      tries: 1,
      ...options,
    });

  beforeAll(async () => {
    pdns = await startPowerDns({
      zones: [
        {
          name: 'one.test',
          records: [
            glue('ns1.one.test'),
            { name: '_portico-challenge.shop', type: 'TXT', values: ['token-1'] },
            { name: 'www', type: 'A', values: ['192.0.2.1'] },
            { name: 'www', type: 'AAAA', values: ['2001:db8::1'] },
            { name: 'inzone', type: 'CNAME', values: ['www.one.test'] },
            { name: 'alias', type: 'CNAME', values: ['mid.two.test'] },
            { name: 'final', type: 'A', values: ['192.0.2.10'] },
            { name: 'loop1', type: 'CNAME', values: ['loop2.two.test'] },
            { name: 'dangling', type: 'CNAME', values: ['missing.two.test'] },
            { name: '_portico-challenge.delegated', type: 'CNAME', values: ['token.two.test'] },
            // The delegation of sub.one.test, with glue; the child zone is served by the same server.
            { name: 'sub', type: 'NS', values: ['ns.sub.one.test'] },
            glue('ns.sub.one.test'),
          ],
        },
        { name: 'sub.one.test', nameservers: ['ns.sub.one.test'], records: [glue('ns.sub.one.test'), { name: 'www', type: 'TXT', values: ['child'] }] },
        { name: 'overridden.test', nameservers: ['ns.nowhere.invalid'], records: [{ name: 'www', type: 'A', values: ['192.0.2.3'] }] },
      ],
    });
    second = await startPowerDns({
      address: '127.0.0.2',
      dnsPort: pdns.dnsPort,
      zones: [
        {
          name: 'two.test',
          records: [
            glue('ns1.two.test', '127.0.0.2'),
            { name: 'mid', type: 'CNAME', values: ['final.one.test'] },
            { name: 'loop2', type: 'CNAME', values: ['loop1.one.test'] },
            { name: 'token', type: 'TXT', values: ['delegated-token'] },
          ],
        },
      ],
    });
  });
  afterAll(() => Promise.all([pdns?.stop(), second?.stop()]));

  it('finds the zone, its NS hostnames and their addresses', async () => {
    expect(await lookup().findZone('_portico-challenge.shop.one.test')).toEqual({
      status: 'found',
      zone: 'one.test',
      nameservers: ['ns1.one.test'],
      addresses: ['127.0.0.1'],
    });
    expect(await lookup().findZone('one.test')).toMatchObject({ status: 'found', zone: 'one.test' });
    // A name that does not exist still belongs to its enclosing zone.
    expect(await lookup().findZone('a.b.nothing.one.test')).toMatchObject({ status: 'found', zone: 'one.test' });
  });

  it('finds TXT, A, AAAA and CNAME answers at the authoritative server', async () => {
    const dns = lookup();
    expect(await dns.query('_portico-challenge.shop.one.test', 'TXT')).toMatchObject({ status: 'found', values: ['token-1'] });
    expect(await dns.query('www.one.test', 'A')).toMatchObject({ status: 'found', values: ['192.0.2.1'] });
    expect(await dns.query('WWW.One.Test.', 'AAAA')).toMatchObject({ status: 'found', values: ['2001:db8::1'] });
    expect(await dns.query('alias.one.test', 'CNAME')).toMatchObject({ status: 'found', values: ['mid.two.test'] });
    expect(await dns.query('one.test', 'NS')).toMatchObject({ status: 'found', values: ['ns1.one.test'] });
  });

  it('tells nxdomain from nodata', async () => {
    expect(await lookup().query('nothing.one.test', 'TXT')).toMatchObject({ status: 'nxdomain' });
    expect(await lookup().query('www.one.test', 'TXT')).toMatchObject({ status: 'nodata' });
    expect(await lookup().query('www.one.test', 'CNAME')).toMatchObject({ status: 'nodata' });
  });

  it('finds a delegated sub-zone as its own zone, with its own NS', async () => {
    expect(await lookup().findZone('www.sub.one.test')).toEqual({
      status: 'found',
      zone: 'sub.one.test',
      nameservers: ['ns.sub.one.test'],
      addresses: ['127.0.0.1'],
    });
    expect(await lookup().query('www.sub.one.test', 'TXT')).toMatchObject({ status: 'found', values: ['child'] });
  });

  it('follows a CNAME chain across zones, each hop at its own zone', async () => {
    const dns = lookup();
    expect(await dns.findZone('mid.two.test')).toMatchObject({ status: 'found', zone: 'two.test', addresses: ['127.0.0.2'] });
    expect(await dns.resolveChain('alias.one.test')).toEqual({ status: 'found', chain: ['mid.two.test', 'final.one.test'] });
    expect(await dns.resolveChain('inzone.one.test')).toEqual({ status: 'found', chain: ['www.one.test'] });
    // The last target is reported even when it does not exist; query() it to check.
    expect(await dns.resolveChain('dangling.one.test')).toEqual({ status: 'found', chain: ['missing.two.test'] });
    expect(await dns.resolveChain('www.one.test')).toEqual({ status: 'nodata' });
    expect(await dns.resolveChain('nothing.one.test')).toEqual({ status: 'nxdomain' });
  });

  it('answers other types through an alias into another zone, as a resolver would', async () => {
    const dns = lookup();
    expect(await dns.query('alias.one.test', 'A')).toMatchObject({ status: 'found', values: ['192.0.2.10'] });
    expect(await dns.query('_portico-challenge.delegated.one.test', 'TXT')).toMatchObject({ status: 'found', values: ['delegated-token'] });
    expect(await dns.query('inzone.one.test', 'AAAA')).toMatchObject({ status: 'found', values: ['2001:db8::1'] });
    expect(await dns.query('alias.one.test', 'TXT')).toMatchObject({ status: 'nodata' });
    expect(await dns.query('dangling.one.test', 'A')).toMatchObject({ status: 'nxdomain' });
  });

  it('detects CNAME loops and chains longer than maxDepth', async () => {
    expect(await lookup().resolveChain('loop1.one.test')).toMatchObject({ status: 'error', code: 'ELOOP', message: expect.stringContaining('loop2.two.test') });
    expect(await lookup().query('loop1.one.test', 'A')).toMatchObject({ status: 'error', code: 'ELOOP' });
    expect(await lookup().findZone('loop1.one.test')).toMatchObject({ status: 'found', zone: 'one.test' });
    expect(await lookup().resolveChain('alias.one.test', { maxDepth: 1 })).toMatchObject({ status: 'error', code: 'EMAXDEPTH' });
  });

  it('uses addressOverrides for NS hostnames the resolvers cannot resolve', async () => {
    expect(await lookup().findZone('www.overridden.test')).toMatchObject({ status: 'error', code: 'EREFUSED' });
    const dns = lookup({ addressOverrides: { 'NS.nowhere.invalid.': ['127.0.0.1'] } });
    expect(await dns.findZone('www.overridden.test')).toMatchObject({ status: 'found', zone: 'overridden.test', addresses: ['127.0.0.1'] });
    expect(await dns.query('www.overridden.test', 'A')).toMatchObject({ status: 'found', values: ['192.0.2.3'] });
  });

  it('a cancelled question is an error', async () => {
    expect(await lookup().query('www.one.test', 'A', { signal: AbortSignal.abort() })).toMatchObject({ status: 'error', code: 'ECANCELLED' });
  });

  describe('with the question and the discovery on different servers', () => {
    let authority: PowerDns;
    let discovery: PowerDns;

    beforeAll(async () => {
      // `discovery` knows one.test's NS and glue only; `authority` also holds the TXT record.
      [authority, discovery] = await Promise.all([
        startPowerDns({ zones: [{ name: 'one.test', records: [glue('ns1.one.test'), { name: '_verify', type: 'TXT', values: ['at-authority'] }] }] }),
        startPowerDns({ zones: [{ name: 'one.test', records: [glue('ns1.one.test')] }] }),
      ]);
    });
    afterAll(() => Promise.all([authority?.stop(), discovery?.stop()]));

    const split = (options: Partial<AuthoritativeLookupOptions> = {}) =>
      lookup({ resolvers: [`127.0.0.1:${discovery.dnsPort}`], nameserverPort: authority.dnsPort, ...options });

    it('asks the authoritative server, not the resolver', async () => {
      expect(await split().query('_verify.one.test', 'TXT')).toMatchObject({ status: 'found', values: ['at-authority'] });
    });

    it('a lame server (REFUSED) is an error with its code', async () => {
      const lame = split({ resolvers: [`127.0.0.1:${pdns.dnsPort}`], addressOverrides: { 'ns.nowhere.invalid': ['127.0.0.1'] } });
      const answer = await lame.query('www.overridden.test', 'A');
      expect(answer).toMatchObject({ status: 'error', code: 'EREFUSED', message: expect.stringContaining(`127.0.0.1:${authority.dnsPort}`) });
    });

    it('reuses a discovered zone for zoneCacheMs, and rediscovers with 0', async () => {
      const cached = split();
      const uncached = split({ zoneCacheMs: 0 });
      expect(await cached.findZone('_verify.one.test')).toMatchObject({ status: 'found' });
      expect(await uncached.findZone('_verify.one.test')).toMatchObject({ status: 'found' });
      await discovery.stop();
      expect(await cached.query('_verify.one.test', 'TXT')).toMatchObject({ status: 'found', values: ['at-authority'] });
      expect(await uncached.query('_verify.one.test', 'TXT')).toMatchObject({ status: 'error', code: 'ECONNREFUSED' });
    });

    it('a stopped authoritative server is an error, never nxdomain or nodata', async () => {
      const dns = split({ resolvers: [`127.0.0.1:${pdns.dnsPort}`] });
      expect(await dns.query('_verify.one.test', 'TXT')).toMatchObject({ status: 'found' });
      await authority.stop();
      for (const name of ['_verify.one.test', 'nothing.one.test', 'www.one.test']) {
        expect(await dns.query(name, 'TXT')).toMatchObject({ status: 'error', code: 'ECONNREFUSED' });
      }
      expect(await dns.resolveChain('alias.one.test')).toMatchObject({ status: 'error', code: 'ECONNREFUSED' });
    });
  });

  describe('bounded by timeoutMs and tries', () => {
    let silent: Socket;
    let silentPort: number;

    beforeAll(async () => {
      silent = createSocket('udp4');
      await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
      silentPort = silent.address().port;
    });
    afterAll(() => silent?.close());

    it('a resolver that never answers fails discovery with ETIMEOUT', async () => {
      const dns = lookup({ resolvers: [`127.0.0.1:${silentPort}`], timeoutMs: 300, tries: 1 });
      expect(await dns.findZone('www.one.test')).toMatchObject({ status: 'error', code: 'ETIMEOUT' });
      expect(await dns.query('www.one.test', 'A')).toMatchObject({ status: 'error', code: 'ETIMEOUT' });
    });

    it('an authoritative server that never answers is ETIMEOUT, never nxdomain', async () => {
      const dns = lookup({ nameserverPort: silentPort, timeoutMs: 300, tries: 1 });
      expect(await dns.query('nothing.one.test', 'TXT')).toMatchObject({ status: 'error', code: 'ETIMEOUT' });
      expect(await dns.resolveChain('alias.one.test')).toMatchObject({ status: 'error', code: 'ETIMEOUT' });
    });
  });
});

/**
 * Delegation through real servers, with no resolver anywhere: BIND (`recursion no`) serves the zone "test" and
 * delegates child.test to Knot on 127.0.0.2 (same port) and lame.test to a server that does not hold it. The
 * lookup is seeded by BIND alone, so every zone below "test" is learned from BIND's referrals.
 */
const delegationAvailable = requireBind() && requireKnot();

describe.skipIf(!delegationAvailable)('createAuthoritativeLookup through BIND referrals to Knot', () => {
  let bind: Bind;
  let knot: Knot;
  const lookup = () => createAuthoritativeLookup({ resolvers: [`127.0.0.1:${bind.dnsPort}`], nameserverPort: bind.dnsPort, timeoutMs: 1000, tries: 1, zoneCacheMs: 0 });

  beforeAll(async () => {
    bind = await startBind({
      zones: [
        {
          name: 'test',
          records: [
            { name: 'www', type: 'TXT', values: ['in-parent'] },
            { name: 'child', type: 'NS', values: ['ns1.child.test'] },
            { name: 'ns1.child', type: 'A', values: ['127.0.0.2'] },
            { name: 'lame', type: 'NS', values: ['ns1.lame.test'] },
            { name: 'ns1.lame', type: 'A', values: ['127.0.0.2'] },
          ],
        },
      ],
    });
    knot = await startKnot({
      address: '127.0.0.2',
      dnsPort: bind.dnsPort,
      zones: [{ name: 'child.test', records: [{ name: 'www', type: 'TXT', values: ['in-child'] }, { name: 'alias', type: 'CNAME', values: ['www.lame.test'] }] }],
    });
  });
  afterAll(() => Promise.all([bind?.stop(), knot?.stop()]));

  it('follows the referral to the delegated zone and asks its own nameserver', async () => {
    expect(await lookup().findZone('www.child.test')).toEqual({ status: 'found', zone: 'child.test', nameservers: ['ns1.child.test'], addresses: ['127.0.0.2'] });
    expect(await lookup().query('www.child.test', 'TXT')).toMatchObject({ status: 'found', values: ['in-child'], zone: 'child.test' });
    expect(await lookup().query('nothing.child.test', 'TXT')).toMatchObject({ status: 'nxdomain', zone: 'child.test' });
    expect(await lookup().query('www.test', 'TXT')).toMatchObject({ status: 'found', values: ['in-parent'], zone: 'test' });
  });

  it('a delegation to a server that does not hold the zone is an error (REFUSED), never nodata', async () => {
    expect(await lookup().query('www.lame.test', 'TXT')).toMatchObject({ status: 'error', code: 'EREFUSED' });
    expect(await lookup().query('alias.child.test', 'TXT')).toMatchObject({ status: 'error', code: 'EREFUSED' });
    expect(await lookup().resolveChain('alias.child.test')).toMatchObject({ status: 'error', code: 'EREFUSED' });
  });
});
