// The client against a real PowerDNS Authoritative server (4.7, gsqlite3) from @portico/test-servers. What is
// written is also checked over DNS, so the content format is proven by the server that serves it.
import { Resolver } from 'node:dns/promises';
import { requirePowerDns, startPowerDns, type PowerDns } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPowerDnsClient, PowerDnsError, type PowerDnsClient } from '../src/client.ts';

const available = requirePowerDns();
const OWNED = 'managed-by: portico owner=org_1';

async function failure(promise: Promise<unknown>): Promise<PowerDnsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PowerDnsError);
  return error as PowerDnsError;
}

describe.skipIf(!available)('PowerDNS client against PowerDNS', { timeout: 60_000 }, () => {
  let pdns: PowerDns;
  let client: PowerDnsClient;
  let resolver: Resolver;

  beforeAll(async () => {
    pdns = await startPowerDns({
      zones: [
        { name: 'example.test', nameservers: ['ns2.example.test', 'ns1.example.test'], records: [{ name: 'www', type: 'A', values: ['192.0.2.1'] }] },
        { name: 'other.test' },
      ],
    });
    client = createPowerDnsClient({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
    resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`${pdns.host}:${pdns.dnsPort}`]);
  }, 120_000);
  afterAll(() => pdns?.stop(), 30_000);

  it('verifies the credentials and lists and reads zones, with or without the trailing dot', async () => {
    expect(await client.verifyCredentials()).toMatchObject({ id: 'localhost', daemonType: 'authoritative', version: expect.stringMatching(/^\d+\.\d+/) });
    const zones = await client.listZones();
    expect(zones.map((zone) => zone.name).sort()).toEqual(['example.test', 'other.test']);
    const zone = await client.getZone('example.test');
    expect(zone).toEqual({ name: 'example.test', kind: 'Native', serial: expect.any(Number), nameservers: ['ns1.example.test', 'ns2.example.test'] });
    expect(zone.serial).toBeGreaterThan(0);
    expect(await client.getZone('Example.Test.')).toEqual(zone);
    expect(zones.find((z) => z.name === 'example.test')).toEqual({ name: 'example.test', kind: 'Native', serial: zone.serial });
  });

  it('reads the records the zone was created with, leaving out SOA and NS', async () => {
    expect(await client.getRecords('example.test')).toEqual([{ name: 'www.example.test', type: 'A', ttl: 60, values: ['192.0.2.1'], comments: [] }]);
  });

  it('creates, replaces and deletes A, AAAA, CNAME and TXT record sets', async () => {
    await client.apply('example.test', {
      upsert: [
        { name: 'a.example.test', type: 'A', ttl: 120, values: ['192.0.2.10', '192.0.2.11'] },
        { name: 'v6.example.test', type: 'AAAA', ttl: 120, values: ['2001:db8::10'] },
        { name: 'alias.example.test', type: 'CNAME', ttl: 120, values: ['a.example.test'] },
        { name: '_portico-challenge.shop.example.test', type: 'TXT', ttl: 120, values: ['portico-verification=abc', 'say "hi" \\o/'] },
      ],
    });
    const created = await client.getRecords('example.test.');
    expect(created.map(({ name, type, ttl }) => `${name} ${type} ${ttl}`)).toEqual([
      '_portico-challenge.shop.example.test TXT 120',
      'a.example.test A 120',
      'alias.example.test CNAME 120',
      'v6.example.test AAAA 120',
      'www.example.test A 60',
    ]);
    expect(created.find((set) => set.type === 'A' && set.name === 'a.example.test')?.values.sort()).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(created.find((set) => set.type === 'TXT')?.values.sort()).toEqual(['portico-verification=abc', 'say "hi" \\o/']);
    expect((await resolver.resolve4('a.example.test')).sort()).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(await resolver.resolve6('v6.example.test')).toEqual(['2001:db8::10']);
    expect(await resolver.resolveCname('alias.example.test')).toEqual(['a.example.test']);
    expect((await resolver.resolveTxt('_portico-challenge.shop.example.test')).map((strings) => strings.join('')).sort()).toEqual([
      'portico-verification=abc',
      'say "hi" \\o/',
    ]);

    await client.apply('example.test', {
      upsert: [
        { name: 'a.example.test', type: 'A', ttl: 60, values: ['192.0.2.12'] },
        { name: 'v6.example.test', type: 'AAAA', ttl: 60, values: ['2001:db8::12'] },
        { name: 'alias.example.test', type: 'CNAME', ttl: 60, values: ['v6.example.test.'] },
        { name: '_portico-challenge.shop.example.test', type: 'TXT', ttl: 60, values: ['replaced'] },
      ],
    });
    expect(await client.getRecords('example.test', { name: 'a.example.test', type: 'A' })).toEqual([{ name: 'a.example.test', type: 'A', ttl: 60, values: ['192.0.2.12'], comments: [] }]);
    expect(await client.getRecords('example.test', { name: 'alias.example.test' })).toEqual([{ name: 'alias.example.test', type: 'CNAME', ttl: 60, values: ['v6.example.test'], comments: [] }]);
    expect(await resolver.resolve6('v6.example.test')).toEqual(['2001:db8::12']);
    expect(await resolver.resolveTxt('_portico-challenge.shop.example.test')).toEqual([['replaced']]);

    await client.apply('example.test', {
      upsert: [],
      remove: [
        { name: 'a.example.test', type: 'A' },
        { name: 'v6.example.test', type: 'AAAA' },
        { name: 'alias.example.test', type: 'CNAME' },
        { name: '_portico-challenge.shop.example.test', type: 'TXT' },
        { name: 'never-existed.example.test', type: 'TXT' },
      ],
    });
    expect(await client.getRecords('example.test')).toEqual([expect.objectContaining({ name: 'www.example.test' })]);
    await expect(resolver.resolve4('a.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('writes a long TXT value as 255-byte strings and reads it back whole', async () => {
    const long = `v=long ${'0123456789abcdef'.repeat(40)} é`;
    await client.apply('example.test', { upsert: [{ name: 'long.example.test', type: 'TXT', ttl: 60, values: [long] }] });
    expect(await client.getRecords('example.test', { name: 'long.example.test', type: 'TXT' })).toEqual([
      { name: 'long.example.test', type: 'TXT', ttl: 60, values: [long], comments: [] },
    ]);
    // node:dns hands TXT bytes over as latin1 strings: turn them back into bytes to read the UTF-8.
    const [strings] = await resolver.resolveTxt('long.example.test');
    const bytes = strings.map((s) => Buffer.from(s, 'latin1'));
    expect(Buffer.concat(bytes).toString('utf8')).toBe(long);
    expect(bytes.map((b) => b.length)).toEqual([255, 255, Buffer.byteLength(long) - 510]);
  });

  it('re-applying the same changes leaves the records as they were', async () => {
    const changes = {
      upsert: [
        { name: 'same.example.test', type: 'TXT' as const, ttl: 60, values: ['one', 'two'] },
        { name: 'same.example.test', type: 'A' as const, ttl: 60, values: ['192.0.2.20'] },
      ],
      remove: [{ name: 'gone.example.test', type: 'A' as const }],
      comment: OWNED,
    };
    await client.apply('example.test', changes);
    const before = await client.getRecords('example.test');
    // PowerDNS raises the SOA serial on every PATCH, even one that changes nothing, so only content is compared.
    await client.apply('example.test', changes);
    expect(await client.getRecords('example.test')).toEqual(before);
  });

  it('round-trips ownership comments: set, kept without a comment, replaced, gone with the set', async () => {
    const name = 'owned.example.test';
    await client.apply('example.test', { upsert: [{ name, type: 'CNAME', ttl: 60, values: ['edge.example.net'] }], comment: OWNED });
    expect((await client.getRecords('example.test', { name }))[0].comments).toEqual([OWNED]);

    await client.apply('example.test', { upsert: [{ name, type: 'CNAME', ttl: 60, values: ['edge2.example.net'] }] });
    expect(await client.getRecords('example.test', { name })).toEqual([{ name, type: 'CNAME', ttl: 60, values: ['edge2.example.net'], comments: [OWNED] }]);

    await client.apply('example.test', { upsert: [{ name, type: 'CNAME', ttl: 60, values: ['edge2.example.net'] }], comment: 'managed-by: portico owner=org_2' });
    expect((await client.getRecords('example.test', { name }))[0].comments).toEqual(['managed-by: portico owner=org_2']);

    await client.apply('example.test', { remove: [{ name, type: 'CNAME' }] });
    await client.apply('example.test', { upsert: [{ name, type: 'CNAME', ttl: 60, values: ['edge.example.net'] }] });
    expect((await client.getRecords('example.test', { name }))[0].comments).toEqual([]);
  });

  it('a record written by someone else shows no Portico comment', async () => {
    await pdns.setRecords('example.test', { name: 'theirs', type: 'TXT', values: ['not ours'] });
    expect(await client.getRecords('example.test', { name: 'theirs.example.test' })).toEqual([
      { name: 'theirs.example.test', type: 'TXT', ttl: 60, values: ['not ours'], comments: [] },
    ]);
  });

  it('maps a wrong API key to auth', async () => {
    const wrong = createPowerDnsClient({ apiUrl: pdns.apiUrl, apiKey: 'not-the-key' });
    const error = await failure(wrong.verifyCredentials());
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).not.toContain('not-the-key');
    expect((await failure(wrong.getRecords('example.test'))).kind).toBe('auth');
    expect((await failure(wrong.apply('example.test', { remove: [{ name: 'www.example.test', type: 'A' }] }))).kind).toBe('auth');
    expect(await client.getRecords('example.test', { name: 'www.example.test' })).toHaveLength(1);
  });

  it('maps an unknown zone to not_found', async () => {
    expect((await failure(client.getZone('missing.test'))).kind).toBe('not_found');
    expect((await failure(client.getRecords('missing.test'))).kind).toBe('not_found');
    expect((await failure(client.apply('missing.test', { remove: [{ name: 'a.missing.test', type: 'A' }] }))).kind).toBe('not_found');
  });

  it("maps invalid content to validation with PowerDNS's message, and writes nothing of that apply", async () => {
    const error = await failure(
      client.apply('example.test', {
        upsert: [
          { name: 'fine.example.test', type: 'A', ttl: 60, values: ['192.0.2.30'] },
          { name: 'bad.example.test', type: 'A', ttl: 60, values: ['not-an-ip'] },
        ],
      }),
    );
    expect(error).toMatchObject({ kind: 'validation', status: 422 });
    expect(error.message).toContain('not-an-ip');
    expect(await client.getRecords('example.test', { name: 'fine.example.test' })).toEqual([]);
  });

  it('maps a CNAME next to existing records to conflict', async () => {
    const error = await failure(client.apply('example.test', { upsert: [{ name: 'www.example.test', type: 'CNAME', ttl: 60, values: ['edge.example.net'] }] }));
    expect(error).toMatchObject({ kind: 'conflict', status: 422 });
  });

  it('maps a stopped server to transient', async () => {
    const stopped = await startPowerDns();
    const apiUrl = stopped.apiUrl;
    const apiKey = stopped.apiKey;
    await stopped.stop();
    const error = await failure(createPowerDnsClient({ apiUrl, apiKey, timeoutMs: 2000 }).verifyCredentials());
    expect(error.kind).toBe('transient');
    expect(error.message).not.toContain(apiKey);
  });
});
