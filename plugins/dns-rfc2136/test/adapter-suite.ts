// dns.rfc2136 against a real authoritative server (BIND or Knot from @portico/test-servers): the kernel's DNS
// provider conformance suite, then what is particular to this adapter. The key Portico uses has exactly the
// rights the README asks for: update A, AAAA, CNAME and TXT, no zone transfer.
import { ownerMarker, type DnsProviderError, type DnsProviderErrorKind, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance } from '@portico/kernel/conformance';
import type { AuthoritativeOptions, AuthoritativeServer } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRfc2136Client, type Rfc2136Client } from '../src/client.ts';
import rfc2136 from '../src/index.ts';

export interface AdapterServerUnderTest {
  label: string;
  available: boolean;
  start: (options: AuthoritativeOptions) => Promise<AuthoritativeServer>;
  expect: {
    /** A key allowed to update only TXT, writing an A record (BIND: REFUSED; Knot: NOTAUTH/BADKEY). */
    typeNotAllowed: DnsProviderErrorKind;
    /** A whole-zone read (AXFR) by a key that may not transfer. */
    transferNotAllowed: DnsProviderErrorKind;
    /** getZone for a zone the server does not hold. */
    zoneNotServed: DnsProviderErrorKind;
  };
}

const ZONE = 'example.test';
const KEYS: AuthoritativeOptions['keys'] = [
  { name: 'portico-key', update: ['A', 'AAAA', 'CNAME', 'TXT'], transfer: false },
  { name: 'txt-key', update: ['TXT'], transfer: false },
];

async function startServer(start: AdapterServerUnderTest['start']) {
  const server = await start({ zones: [{ name: ZONE, records: [{ name: 'www', type: 'A', values: ['192.0.2.1'] }] }], keys: KEYS });
  const credentialsFor = (keyName: string, extra: Record<string, unknown> = {}) => {
    const key = server.keys.find((k) => k.name === keyName)!;
    return { server: `${server.host}:${server.dnsPort}`, keyName: key.name, algorithm: key.algorithm, secret: key.secret, zone: ZONE, ...extra };
  };
  const kernel = await createTestKernel([{ plugin: rfc2136, options: { allowedServers: [`${server.host}:${server.dnsPort}`], timeoutMs: 2000 } }]);
  const key = server.keys[0];
  const raw = createRfc2136Client({ server: { host: server.host, port: server.dnsPort }, zone: ZONE, key, timeoutMs: 2000 });
  return { server, kernel, raw, credentials: credentialsFor('portico-key'), credentialsFor };
}

export function describeAdapterAgainst({ label, available, start, expect: differs }: AdapterServerUnderTest): void {
  describe.skipIf(!available)(`dns.rfc2136 against ${label}`, () => {
    dnsProviderConformance({
      name: `dns.rfc2136 (${label})`,
      provider: 'rfc2136',
      zone: ZONE,
      setup: async () => {
        const { server, kernel, raw, credentials } = await startServer(start);
        return {
          kernel,
          credentials,
          badCredentials: { ...credentials, secret: Buffer.alloc(32, 9).toString('base64') },
          // Someone editing the zone behind Portico's back: the raw client, no owner record.
          writeForeign: (set) => raw.apply({ upsert: [set] }),
          teardown: async () => {
            await kernel.close();
            await server.stop();
          },
        };
      },
    });
  });

  describe.skipIf(!available)(`dns.rfc2136 adapter against ${label}`, { timeout: 60_000 }, () => {
    let ctx: Awaited<ReturnType<typeof startServer>>;
    let kernel: Kernel;
    let raw: Rfc2136Client;
    beforeAll(async () => {
      ctx = await startServer(start);
      ({ kernel, raw } = ctx);
    }, 120_000);
    afterAll(async () => {
      await ctx?.kernel.close();
      await ctx?.server.stop();
    }, 120_000);

    const apply = (input: Partial<Parameters<Kernel['applyRecords']>[1]>) => kernel.applyRecords('rfc2136', { zone: ZONE, upsert: [], remove: [], credentials: ctx.credentials, ...input });
    const failure = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('expected a failure'), (error: unknown) => error as DnsProviderError);

    it('verifies the key against its zone and reads the zone\'s NS set with a signed query', async () => {
      const handle = kernel.dns('rfc2136');
      expect(await handle.verifyCredentials(ctx.credentials)).toEqual({ zones: [ZONE], message: expect.stringContaining('accepted key portico-key') });
      expect(await handle.getZone('Example.Test.', ctx.credentials)).toEqual({ name: ZONE, nameservers: ['ns1.example.test'] });
      expect(await failure(handle.getZone('www.example.test', ctx.credentials))).toMatchObject({ kind: 'not_found' });
      expect(await failure(handle.getZone('not-served.test', ctx.credentials))).toMatchObject({ kind: differs.zoneNotServed });
    });

    it('without a zone, a wrong secret still "verifies": only the shape is checked; the first write proves it', async () => {
      const wrong = { ...ctx.credentials, zone: undefined, secret: Buffer.alloc(32, 9).toString('base64') };
      expect(await kernel.dns('rfc2136').verifyCredentials(wrong)).toEqual({ message: expect.stringContaining('the first write will') });
      expect(await failure(apply({ credentials: wrong, upsert: [{ name: `w.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.5'] }] }))).toMatchObject({ kind: 'auth' });
    });

    it('marks what it writes with an owner TXT record beside it, in the same UPDATE, and removes both', async () => {
      const set = { name: `shop.${ZONE}`, type: 'CNAME' as const, ttl: 300, values: ['edge.example.net'] };
      expect((await apply({ owner: 'org_1', upsert: [set] })).changes).toMatchObject([{ action: 'create' }]);
      expect(await raw.getRecords(set.name)).toEqual([set]);
      expect(await raw.getRecords(`_portico-owner.cname.shop.${ZONE}`)).toEqual([{ name: `_portico-owner.cname.shop.${ZONE}`, type: 'TXT', ttl: 300, values: [ownerMarker('org_1')] }]);
      expect((await apply({ owner: 'org_1', remove: [set] })).changes).toMatchObject([{ action: 'delete' }]);
      expect(await raw.getRecords(set.name)).toEqual([]);
      expect(await raw.getRecords(`_portico-owner.cname.shop.${ZONE}`)).toEqual([]);
    });

    it('writes a wildcard record set, its owner record under _wildcard', async () => {
      const set = { name: `*.wild.${ZONE}`, type: 'A' as const, ttl: 60, values: ['192.0.2.44'] };
      await apply({ upsert: [set] });
      expect(await raw.getRecords(set.name, ['A'])).toEqual([set]);
      expect(await raw.getRecords(`_portico-owner.a._wildcard.wild.${ZONE}`, ['TXT'])).toEqual([{ name: `_portico-owner.a._wildcard.wild.${ZONE}`, type: 'TXT', ttl: 60, values: [ownerMarker('portico')] }]);
      await apply({ remove: [set] });
      expect(await raw.getRecords(set.name, ['A'])).toEqual([]);
    });

    it('a CNAME the server silently ignores (other data there) is a conflict, not a success', async () => {
      // The kernel's plan never sends this; a record written between its read and its write would. So the
      // adapter's client is driven directly, as the kernel does after planning.
      const client = kernel.dns('rfc2136').descriptor.connect!({ credentials: kernel.dns('rfc2136').parseCredentials(ctx.credentials), services: createTestServices() });
      const error = await failure(client.applyChanges(ZONE, [{ action: 'create', set: { name: `www.${ZONE}`, type: 'CNAME', ttl: 60, values: ['edge.example.net'] } }]));
      expect(error).toMatchObject({ kind: 'conflict' });
      expect(await raw.getRecords(`www.${ZONE}`)).toEqual([{ name: `www.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] }]);
    });

    it(`a key that may update only TXT: TXT and owner records work, an A record is ${differs.typeNotAllowed}`, async () => {
      const txtOnly = ctx.credentialsFor('txt-key');
      const txt = { name: `_challenge.${ZONE}`, type: 'TXT' as const, ttl: 60, values: ['token'] };
      expect((await apply({ credentials: txtOnly, upsert: [txt] })).changes).toMatchObject([{ action: 'create' }]);
      const a = { name: `a-txt-key.${ZONE}`, type: 'A' as const, ttl: 60, values: ['192.0.2.7'] };
      expect(await failure(apply({ credentials: txtOnly, upsert: [a] }))).toMatchObject({ kind: differs.typeNotAllowed });
      expect(await raw.getRecords(a.name)).toEqual([]);
      await apply({ credentials: txtOnly, remove: [txt] });
    });

    it(`needs no zone transfer: reads are by name; a whole-zone read without the right is ${differs.transferNotAllowed}`, async () => {
      const sets = Array.from({ length: 20 }, (_, i) => ({ name: `many-${i}.${ZONE}`, type: 'TXT' as const, ttl: 60, values: [`v${i}`] }));
      await apply({ upsert: sets });
      const read = await kernel.dns('rfc2136').getRecords(ZONE, ctx.credentials, { names: [...sets.map((set) => set.name), `absent.${ZONE}`] });
      expect(read.map((set) => set.name).sort()).toEqual(sets.map((set) => set.name).sort());
      expect(await failure(kernel.dns('rfc2136').getRecords(ZONE, ctx.credentials))).toMatchObject({ kind: differs.transferNotAllowed });
      await apply({ remove: sets });
    });
  });
}
