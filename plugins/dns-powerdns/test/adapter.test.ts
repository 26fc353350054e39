// The adapter against a real PowerDNS: ownership comments as PowerDNS stores them, someone else's comment,
// credentials and zones as the server answers them.
import { DnsProviderError, ownerMarker, type Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { requirePowerDns, startPowerDns, type PowerDns } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPowerDnsClient, type PowerDnsClient } from '../src/client.ts';
import powerdns, { POWERDNS_NAME_QUERY_LIMIT } from '../src/index.ts';

const ZONE = 'adapter.test';
const available = requirePowerDns();

describe.skipIf(!available)('dns.powerdns adapter against PowerDNS', { timeout: 60_000 }, () => {
  let pdns: PowerDns;
  let kernel: Kernel;
  let raw: PowerDnsClient;
  let credentials: { apiKey: string; apiUrl: string };

  beforeAll(async () => {
    pdns = await startPowerDns({ zones: [{ name: ZONE, nameservers: ['ns2.adapter.test', 'ns1.adapter.test'] }, { name: 'second.test' }] });
    // No default URL: every credential names one, and only this one is allowed.
    kernel = await createTestKernel([{ plugin: powerdns, options: { allowedApiUrls: [pdns.apiUrl], timeoutMs: 5000 } }]);
    raw = createPowerDnsClient({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
    credentials = { apiKey: pdns.apiKey, apiUrl: pdns.apiUrl };
  }, 120_000);
  afterAll(async () => {
    await kernel?.close();
    await pdns?.stop();
  }, 120_000);

  const apply = (input: Partial<Parameters<Kernel['applyRecords']>[1]>) => kernel.applyRecords('powerdns', { zone: ZONE, upsert: [], remove: [], credentials, ...input });

  it('verifies the credential, listing the zones, and reads a zone with its nameservers', async () => {
    const handle = kernel.dns('powerdns');
    expect(await handle.verifyCredentials(credentials)).toEqual({ zones: [ZONE, 'second.test'], message: expect.stringMatching(/^PowerDNS 4\.\d+\.\d+ \(authoritative, server localhost\)$/) });
    expect(await handle.getZone('Adapter.Test.', credentials)).toEqual({ name: ZONE, id: 'adapter.test.', nameservers: ['ns1.adapter.test', 'ns2.adapter.test'] });
    const missing = await handle.getZone('missing.test', credentials).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(DnsProviderError);
    expect(missing).toMatchObject({ kind: 'not_found' });
  });

  it("what Portico writes carries its owner's marker as the record set's only comment, and keeps it on update", async () => {
    const name = `shop.${ZONE}`;
    await apply({ owner: 'org_1', upsert: [{ name, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }] });
    expect(await raw.getRecords(ZONE, { name })).toEqual([{ name, type: 'CNAME', ttl: 300, values: ['edge.example.net'], comments: [ownerMarker('org_1')] }]);

    const updated = await apply({ owner: 'org_1', upsert: [{ name, type: 'CNAME', ttl: 300, values: ['edge2.example.net'] }] });
    expect(updated.changes.map((change) => change.action)).toEqual(['update']);
    expect((await raw.getRecords(ZONE, { name }))[0]).toMatchObject({ values: ['edge2.example.net'], comments: [ownerMarker('org_1')] });
    expect(await kernel.dns('powerdns').getRecords(ZONE, credentials, { names: [name] })).toEqual([
      { name, type: 'CNAME', ttl: 300, values: ['edge2.example.net'], comment: ownerMarker('org_1') },
    ]);

    const removed = await apply({ owner: 'org_1', remove: [{ name, type: 'CNAME', ttl: 300, values: [] }] });
    expect(removed.changes.map((change) => change.action)).toEqual(['delete']);
    expect(await raw.getRecords(ZONE, { name })).toEqual([]);
  });

  it("a record set with someone else's comment is not Portico's: read with that comment, never changed", async () => {
    const name = `manual.${ZONE}`;
    await raw.apply(ZONE, { upsert: [{ name, type: 'A', ttl: 60, values: ['192.0.2.1'] }], comment: 'edited by hand: do not touch' });
    expect(await kernel.dns('powerdns').getRecords(ZONE, credentials, { names: [name] })).toEqual([
      { name, type: 'A', ttl: 60, values: ['192.0.2.1'], comment: 'edited by hand: do not touch' },
    ]);
    const result = await apply({ upsert: [{ name, type: 'A', ttl: 60, values: ['192.0.2.2'] }] });
    expect(result).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'not_owned' }] });
    expect(await raw.getRecords(ZONE, { name })).toEqual([{ name, type: 'A', ttl: 60, values: ['192.0.2.1'], comments: ['edited by hand: do not touch'] }]);
  });

  it('reads many names with one read of the zone, the same as name by name', async () => {
    const sets = Array.from({ length: POWERDNS_NAME_QUERY_LIMIT + 4 }, (_, i) => ({ name: `many-${i}.${ZONE}`, type: 'TXT' as const, ttl: 60, values: [`v${i}`] }));
    await apply({ upsert: sets });
    const names = sets.map((set) => set.name);
    const all = await kernel.dns('powerdns').getRecords(ZONE, credentials, { names: [...names, `absent.${ZONE}`] });
    const few = await kernel.dns('powerdns').getRecords(ZONE, credentials, { names: names.slice(0, 3) });
    expect(all.map((set) => set.name).sort()).toEqual([...names].sort());
    expect(few).toEqual(all.filter((set) => names.slice(0, 3).includes(set.name)));
    expect(all.every((set) => set.comment === ownerMarker('portico'))).toBe(true);
    await apply({ remove: sets });
  });

  it('writes and removes a wildcard record set', async () => {
    const wildcard = { name: `*.wild.${ZONE}`, type: 'A' as const, ttl: 60, values: ['192.0.2.44'] };
    expect((await apply({ upsert: [wildcard] })).changes.map((change) => change.action)).toEqual(['create']);
    expect(await raw.getRecords(ZONE, { name: wildcard.name })).toEqual([{ ...wildcard, comments: [ownerMarker('portico')] }]);
    expect((await apply({ remove: [wildcard] })).changes.map((change) => change.action)).toEqual(['delete']);
    expect(await raw.getRecords(ZONE, { name: wildcard.name })).toEqual([]);
  });

  it('a wrong API key is auth, whether verifying, reading or writing', async () => {
    const bad = { apiKey: 'not-the-key', apiUrl: pdns.apiUrl };
    for (const call of [
      () => kernel.dns('powerdns').verifyCredentials(bad),
      () => kernel.dns('powerdns').getRecords(ZONE, bad, { names: [`x.${ZONE}`] }),
      () => apply({ credentials: bad, upsert: [{ name: `x.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.1'] }] }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DnsProviderError);
      expect(error).toMatchObject({ kind: 'auth', providerCode: '401' });
      expect((error as Error).message).not.toContain('not-the-key');
    }
  });
});
