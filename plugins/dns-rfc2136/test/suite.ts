// The client against a real authoritative server (BIND or Knot from @portico/test-servers). What the client writes
// is read back with node:dns, which knows nothing of this package, as well as with the client itself.
import { Resolver } from 'node:dns/promises';
import type { AuthoritativeOptions, AuthoritativeServer } from '@portico/test-servers';
import type { DnsProviderErrorKind } from '@portico/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRfc2136Client, Rfc2136Error, type Rfc2136Client, type Rfc2136ClientOptions } from '../src/client.ts';

export interface ServerUnderTest {
  label: string;
  available: boolean;
  start: (options: AuthoritativeOptions) => Promise<AuthoritativeServer>;
  /** How the server answers what differs between servers, as the client reports it. */
  expect: {
    /** A known key its policy or acl does not allow to update (BIND: REFUSED; Knot: NOTAUTH/BADKEY). */
    keyNotAllowed: { kind: DnsProviderErrorKind; rcode: string; tsigError?: string };
    /** A zone transfer by a key that may update but not transfer. */
    transferNotAllowed: { kind: DnsProviderErrorKind; rcode: string; tsigError?: string };
    /** An UPDATE for a zone the server does not hold (BIND: signed NOTAUTH; Knot: unsigned NOTAUTH). */
    zoneNotServed: DnsProviderErrorKind;
  };
}

export const ZONE = 'example.test';

export async function failure(promise: Promise<unknown>): Promise<Rfc2136Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Rfc2136Error);
  return error as Rfc2136Error;
}

/** Keys every server under test gets: one that may do everything, one that may only read, one limited to TXT. */
export const KEYS: AuthoritativeOptions['keys'] = [
  { name: 'portico-key' },
  { name: 'reader-key', update: false, transfer: false },
  { name: 'txt-key', update: ['TXT'], transfer: false },
];

export function clientFor(server: AuthoritativeServer, keyName = 'portico-key', options: Partial<Rfc2136ClientOptions> = {}): Rfc2136Client {
  const key = server.keys.find((k) => k.name === keyName);
  if (!key) throw new Error(`no key ${keyName}`);
  return createRfc2136Client({
    server: { host: server.host, port: server.dnsPort },
    zone: ZONE,
    key: { name: key.name, algorithm: key.algorithm, secret: key.secret },
    timeoutMs: 2000,
    ...options,
  });
}

export function describeClientAgainst({ label, available, start, expect: differs }: ServerUnderTest): void {
  describe.skipIf(!available)(`RFC 2136 client against ${label}`, { timeout: 60_000 }, () => {
    let server: AuthoritativeServer;
    let client: Rfc2136Client;
    let resolver: Resolver;

    beforeAll(async () => {
      server = await start({
        zones: [
          { name: ZONE, records: [{ name: 'www', type: 'A', values: ['192.0.2.1'] }] },
          // Large enough (about 300 KB) that a zone transfer takes several messages, chained by TSIG.
          { name: 'big.test', records: Array.from({ length: 1500 }, (_, i) => ({ name: `r${i}`, type: 'TXT', values: [`${i}:${'b'.repeat(200)}`] })) },
        ],
        keys: KEYS,
      });
      client = clientFor(server);
      resolver = new Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([`${server.host}:${server.dnsPort}`]);
    }, 120_000);
    afterAll(() => server?.stop(), 30_000);

    it('verifies the credentials without changing the zone', async () => {
      const before = await resolver.resolveSoa(ZONE);
      await client.verifyCredentials();
      expect((await resolver.resolveSoa(ZONE)).serial).toBe(before.serial);
    });

    it('reads the records the zone was started with, by name and by zone transfer', async () => {
      expect(await client.getRecords('www.example.test')).toEqual([{ name: 'www.example.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }]);
      expect(await client.getRecords('nothing.example.test')).toEqual([]);
      const zone = await client.getRecords();
      expect(zone).toContainEqual({ name: 'www.example.test', type: 'A', ttl: 60, values: ['192.0.2.1'] });
      expect(zone).toContainEqual({ name: 'ns1.example.test', type: 'A', ttl: 60, values: [server.host] });
    });

    it('transfers a zone that takes many messages, checking the TSIG chain across them', async () => {
      const sets = await clientFor(server, 'portico-key', { zone: 'big.test' }).getRecords(undefined, ['TXT']);
      expect(sets).toHaveLength(1500);
      expect(sets.find((set) => set.name === 'r1499.big.test')).toEqual({ name: 'r1499.big.test', type: 'TXT', ttl: 60, values: [`1499:${'b'.repeat(200)}`] });
    });

    it('creates, replaces and deletes A, AAAA, CNAME and TXT record sets', async () => {
      await client.apply({
        upsert: [
          { name: 'a.example.test', type: 'A', ttl: 120, values: ['192.0.2.10', '192.0.2.11'] },
          { name: 'v6.example.test', type: 'AAAA', ttl: 120, values: ['2001:db8::10'] },
          { name: 'alias.example.test', type: 'CNAME', ttl: 120, values: ['edge.example.net'] },
          { name: '_portico-challenge.shop.example.test', type: 'TXT', ttl: 120, values: ['portico-verification=abc', 'say "hi" \\o/'] },
        ],
      });
      expect((await resolver.resolve4('a.example.test')).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
      expect(await resolver.resolve6('v6.example.test')).toEqual(['2001:db8::10']);
      expect(await resolver.resolveCname('alias.example.test')).toEqual(['edge.example.net']);
      expect((await resolver.resolveTxt('_portico-challenge.shop.example.test')).map((chunks) => chunks.join('')).sort()).toEqual(['portico-verification=abc', 'say "hi" \\o/']);
      expect(await client.getRecords('a.example.test', ['A'])).toEqual([{ name: 'a.example.test', type: 'A', ttl: 120, values: ['192.0.2.10', '192.0.2.11'] }]);

      await client.apply({
        upsert: [
          { name: 'a.example.test', type: 'A', ttl: 60, values: ['192.0.2.12'] },
          { name: 'alias.example.test', type: 'CNAME', ttl: 60, values: ['other.example.net'] },
          { name: '_portico-challenge.shop.example.test', type: 'TXT', ttl: 60, values: ['portico-verification=def'] },
        ],
        remove: [{ name: 'v6.example.test', type: 'AAAA' }],
      });
      expect(await resolver.resolve4('a.example.test', { ttl: true })).toEqual([{ address: '192.0.2.12', ttl: 60 }]);
      expect(await resolver.resolveCname('alias.example.test')).toEqual(['other.example.net']);
      expect(await resolver.resolveTxt('_portico-challenge.shop.example.test')).toEqual([['portico-verification=def']]);
      await expect(resolver.resolve6('v6.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });

      await client.apply({ upsert: [{ name: 'a.example.test', type: 'A', ttl: 60, values: [] }], remove: [{ name: 'alias.example.test', type: 'CNAME' }] });
      await expect(resolver.resolve4('a.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
      await expect(resolver.resolveCname('alias.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
      const zone = await client.getRecords();
      expect(zone.map((set) => `${set.name} ${set.type}`)).toEqual(['_portico-challenge.shop.example.test TXT', 'ns1.example.test A', 'www.example.test A']);
    });

    it('writes a 600-byte TXT value (over TCP) as 255-byte strings and reads it back whole', async () => {
      const long = `v=${'0123456789'.repeat(60)}`.slice(0, 600);
      await client.apply({ upsert: [{ name: 'long.example.test', type: 'TXT', ttl: 60, values: [long] }] });
      const chunks = await resolver.resolveTxt('long.example.test');
      expect(chunks.map((parts) => parts.map((part) => Buffer.byteLength(part)))).toEqual([[255, 255, 90]]);
      expect(chunks[0].join('')).toBe(long);
      expect(await client.getRecords('long.example.test')).toEqual([{ name: 'long.example.test', type: 'TXT', ttl: 60, values: [long] }]);
    });

    it('re-applies the same change without error or difference; deleting a missing set succeeds', async () => {
      const change = { upsert: [{ name: 'same.example.test', type: 'TXT' as const, ttl: 60, values: ['one', 'two'] }] };
      await client.apply(change);
      const first = await client.getRecords('same.example.test');
      await client.apply(change);
      expect(await client.getRecords('same.example.test')).toEqual(first);
      await client.apply({ remove: [{ name: 'never.example.test', type: 'A' }] });
    });

    it('fails with conflict when a CNAME would share a name with other records', async () => {
      const error = await failure(client.apply({ upsert: [{ name: 'www.example.test', type: 'CNAME', ttl: 60, values: ['edge.example.net'] }] }));
      expect(error.kind).toBe('conflict');
      expect(await resolver.resolve4('www.example.test')).toEqual(['192.0.2.1']);
    });

    it('fails with auth for a wrong secret (BADSIG) or an unknown key (BADKEY), changing nothing', async () => {
      const key = server.keys[0];
      const wrongSecret = clientFor(server, key.name, { key: { name: key.name, secret: Buffer.alloc(32, 9).toString('base64') } });
      for (const run of [() => wrongSecret.verifyCredentials(), () => wrongSecret.apply({ upsert: [{ name: 'x.example.test', type: 'A', ttl: 60, values: ['192.0.2.99'] }] })]) {
        expect(await failure(run())).toMatchObject({ kind: 'auth', rcode: 'NOTAUTH', tsigError: 'BADSIG' });
      }
      const unknown = clientFor(server, key.name, { key: { name: 'nobody-key', secret: key.secret } });
      expect(await failure(unknown.verifyCredentials())).toMatchObject({ kind: 'auth', rcode: 'NOTAUTH', tsigError: 'BADKEY' });
      expect(await failure(unknown.getRecords('www.example.test'))).toMatchObject({ kind: 'auth' });
      await expect(resolver.resolve4('x.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });

    it('fails with auth when the clocks differ by more than the fudge (BADTIME from the server)', async () => {
      const skewed = clientFor(server, 'portico-key', { now: () => Math.floor(Date.now() / 1000) - 3600 });
      expect(await failure(skewed.verifyCredentials())).toMatchObject({ kind: 'auth', tsigError: 'BADTIME' });
    });

    it(`a key the server does not allow to update: ${differs.keyNotAllowed.kind}`, async () => {
      const reader = clientFor(server, 'reader-key');
      const error = await failure(reader.apply({ upsert: [{ name: 'r.example.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }] }));
      expect(error).toMatchObject(differs.keyNotAllowed);
      const txtOnly = clientFor(server, 'txt-key');
      await txtOnly.apply({ upsert: [{ name: '_t.example.test', type: 'TXT', ttl: 60, values: ['allowed'] }] });
      expect(await resolver.resolveTxt('_t.example.test')).toEqual([['allowed']]);
      expect(await failure(txtOnly.apply({ upsert: [{ name: 't.example.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }] }))).toMatchObject(differs.keyNotAllowed);
      await expect(resolver.resolve4('r.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
      await expect(resolver.resolve4('t.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });

    it(`a zone the server does not hold: ${differs.zoneNotServed}`, async () => {
      const elsewhere = clientFor(server, 'portico-key', { zone: 'other.test' });
      expect((await failure(elsewhere.verifyCredentials())).kind).toBe(differs.zoneNotServed);
    });

    it(`a key the server does not allow to transfer the zone: ${differs.transferNotAllowed.kind}`, async () => {
      const txtOnly = clientFor(server, 'txt-key');
      expect(await failure(txtOnly.getRecords())).toMatchObject(differs.transferNotAllowed);
      // Reading by name needs no transfer right.
      expect(await txtOnly.getRecords('www.example.test', ['A'])).toHaveLength(1);
    });
  });

  describe.skipIf(!available)(`RFC 2136 client against a stopped ${label}`, { timeout: 60_000 }, () => {
    it('fails with transient', async () => {
      const server = await start({ zones: [{ name: ZONE }] });
      await server.stop();
      const client = clientFor(server, 'portico-test', { tries: 2, timeoutMs: 300 });
      for (const run of [() => client.verifyCredentials(), () => client.getRecords('www.example.test'), () => client.getRecords()]) {
        expect((await failure(run())).kind).toBe('transient');
      }
    });
  });
}
