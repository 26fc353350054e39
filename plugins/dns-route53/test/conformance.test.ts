import { inspect } from 'node:util';
import { DnsProviderError, ownerRecordName, type RecordSet } from '@portico/kernel';
import { dnsProviderConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoute53Dns } from '../src/client.ts';
import { badCredentials, credentials, SECRET, SESSION_TOKEN, startEnvironment, ZONE, ZONE_ID } from './helpers.ts';

// The whole suite runs with pages of 2 record sets, so every read of it goes through ListResourceRecordSets
// pagination.
dnsProviderConformance({
  name: 'dns.route53 against the local Route 53 fake',
  provider: 'route53',
  zone: ZONE,
  setup: async () => {
    const env = await startEnvironment({ maxItems: 2 });
    return { kernel: env.kernel, credentials, badCredentials, writeForeign: (set) => env.writeForeign(set), teardown: () => env.close() };
  },
});

describe('dns.route53 against the local Route 53 fake', () => {
  let env: Awaited<ReturnType<typeof startEnvironment>>;
  beforeAll(async () => {
    env = await startEnvironment({ maxItems: 3 });
  });
  afterAll(async () => {
    await env?.close();
  });

  const apply = (input: { upsert?: RecordSet[]; remove?: RecordSet[]; adopt?: boolean }) =>
    env.kernel.applyRecords('route53', { zone: ZONE, upsert: [], remove: [], credentials, ...input });
  const txt = (name: string, value: string): RecordSet => ({ name: `${name}.${ZONE}`, type: 'TXT', ttl: 300, values: [value] });
  const calls = (action: string) => env.fake.requests.filter((r) => r.action === action);

  it('reads a zone with more record sets than one page, in full and by name', async () => {
    const sets = Array.from({ length: 8 }, (_, i) => txt(`page-${i}`, `value-${i}`));
    await apply({ upsert: sets });
    const before = calls('ListResourceRecordSets').length;
    const all = await env.kernel.dns('route53').getRecords(ZONE, credentials);
    // 8 sets, 8 owner records, SOA and NS at the apex: 18 sets in pages of 3.
    expect(calls('ListResourceRecordSets').length - before).toBe(6);
    for (const set of sets) expect(all.find((r) => r.name === set.name && r.type === 'TXT')?.values).toEqual(set.values);
    expect(all.filter((r) => r.name.startsWith('_portico-owner.')).length).toBe(8);
    expect(all.some((r) => (r.type as string) === 'SOA' || (r.type as string) === 'NS')).toBe(false);

    const three = sets.slice(2, 5).map((s) => s.name);
    const some = await env.kernel.dns('route53').getRecords(ZONE, credentials, { names: three });
    expect(some.map((r) => r.name).sort()).toEqual([...three].sort());
  });

  it('throttling is rate_limit with a wait, and nothing is written', async () => {
    const set = txt('throttled', 'v1');
    const stored = env.fake.recordSets(ZONE_ID);
    env.fake.failNext('throttling');
    const error = await apply({ upsert: [set] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', providerCode: 'Throttling' });
    expect((error as DnsProviderError).retryAfterSeconds).toBeGreaterThan(0);
    expect(env.fake.recordSets(ZONE_ID)).toEqual(stored);
    // maxAttempts 1: the SDK did not retry behind the job layer's back; the next try goes through.
    expect((await apply({ upsert: [set] })).changes[0]).toMatchObject({ action: 'create' });
  });

  it('a change refused with PriorRequestNotComplete is rate_limit and leaves the zone as it was', async () => {
    const stored = env.fake.recordSets(ZONE_ID);
    env.fake.failNext('prior-request', { action: 'ChangeResourceRecordSets' });
    const error = await apply({ upsert: [txt('prior', 'v1')] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'rate_limit', providerCode: 'PriorRequestNotComplete' });
    expect(env.fake.recordSets(ZONE_ID)).toEqual(stored);
  });

  it('a 500 is transient', async () => {
    env.fake.failNext('server-error');
    await expect(env.kernel.dns('route53').getZone(ZONE, credentials)).rejects.toMatchObject({ kind: 'transient', providerCode: 'InternalFailure' });
  });

  it('a batch Route 53 rejects writes nothing: all or nothing', async () => {
    const good = txt('atomic-good', 'fine');
    const clash = txt('atomic-clash', 'foreign');
    // A CNAME appears where a plan made from an earlier read puts a TXT (the kernel re-reads before it writes, so
    // the client is driven directly with the stale plan): Route 53 rejects the whole batch.
    await env.writeForeign({ name: clash.name, type: 'CNAME', ttl: 300, values: ['elsewhere.example.net'] });
    const stored = env.fake.recordSets(ZONE_ID);
    const client = createRoute53Dns({ ...credentials, endpoint: env.fake.url });
    try {
      const error = await client
        .applyChanges(ZONE, [
          { action: 'create', set: good },
          { action: 'create', set: { name: ownerRecordName(good.name, 'TXT'), type: 'TXT', ttl: 300, values: ['heritage=portico,portico/owner=portico'] } },
          { action: 'create', set: clash },
        ])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'conflict', providerCode: 'InvalidChangeBatch' });
      expect((error as Error).message).toMatch(/conflicting RRSet of type CNAME/);
    } finally {
      client.destroy();
    }
    expect(env.fake.recordSets(ZONE_ID)).toEqual(stored);
    expect(env.kernel.dns('route53').descriptor.capabilities?.atomic).toBe(true);
  });

  it('splits an apply over Route 53\'s 1000-record limit into requests, each within it', async () => {
    // 300 record sets plus 300 owner records, all UPSERTs counted twice: 1200 records, so two requests.
    const sets = Array.from({ length: 300 }, (_, i) => txt(`bulk-${i}`, `bulk-value-${i}`));
    const before = calls('ChangeResourceRecordSets').length;
    const result = await apply({ upsert: sets });
    expect(result.applied).toBe(true);
    expect(result.changes.every((c) => c.action === 'create' && c.error === undefined)).toBe(true);
    const sent = calls('ChangeResourceRecordSets').slice(before);
    expect(sent.length).toBe(2);
    for (const request of sent) expect(request.changes!.filter((c) => c.action === 'UPSERT').length * 2).toBeLessThanOrEqual(1000);
    // No record set goes out in a request before its owner record: a failure between the two requests would leave
    // at worst owner records without their sets, never a set that reads as someone else's.
    const markedBy = new Map<string, number>();
    sent.forEach((request, i) => request.changes!.forEach((c) => c.set.name.startsWith('_portico-owner.') && markedBy.set(c.set.name, i)));
    sent.forEach((request, i) => {
      for (const c of request.changes!.filter((change) => !change.set.name.startsWith('_portico-owner.'))) {
        expect(markedBy.get(`${ownerRecordName(c.set.name.replace(/\.$/, ''), 'TXT')}.`)).toBeLessThanOrEqual(i);
      }
    });
    const read = await env.kernel.dns('route53').getRecords(ZONE, credentials);
    expect(read.filter((r) => r.name.startsWith('bulk-')).length).toBe(300);
    const removed = await apply({ remove: sets });
    expect(removed.changes.every((c) => c.action === 'delete' && c.error === undefined)).toBe(true);
    expect(calls('ChangeResourceRecordSets').length - before).toBe(3);
  }, 30_000); // 600 record sets through the SDK and the fake: seconds on a busy 2-core CI machine

  it('refuses before any request a single record set over the limit', async () => {
    const huge: RecordSet = { name: `huge.${ZONE}`, type: 'TXT', ttl: 300, values: ['x'.repeat(17_000)] };
    const before = calls('ChangeResourceRecordSets').length;
    await expect(apply({ upsert: [huge] })).rejects.toMatchObject({ kind: 'validation' });
    expect(calls('ChangeResourceRecordSets').length).toBe(before);
  });

  it('round-trips a wildcard name, which Route 53 stores as \\052', async () => {
    const wildcard: RecordSet = { name: `*.wild.${ZONE}`, type: 'A', ttl: 60, values: ['192.0.2.80'] };
    expect((await apply({ upsert: [wildcard] })).changes[0]).toMatchObject({ action: 'create' });
    expect(env.fake.recordSets(ZONE_ID).map((s) => s.name)).toContain('\\052.wild.example.com.');
    expect(env.fake.recordSets(ZONE_ID).map((s) => s.name)).toContain('_portico-owner.a._wildcard.wild.example.com.');
    const read = await env.kernel.dns('route53').getRecords(ZONE, credentials, { names: [wildcard.name] });
    expect(read).toEqual([{ ...wildcard }]);
    expect((await apply({ upsert: [wildcard] })).changes[0]).toMatchObject({ action: 'noop' });
    expect((await apply({ upsert: [{ ...wildcard, values: ['192.0.2.81'] }] })).changes[0]).toMatchObject({ action: 'update' });
    expect((await apply({ remove: [wildcard] })).changes[0]).toMatchObject({ action: 'delete' });
    expect(env.fake.recordSets(ZONE_ID).map((s) => s.name)).not.toContain('\\052.wild.example.com.');
  });

  it('round-trips long TXT values (several 255-byte strings), quotes, backslashes and UTF-8', async () => {
    const value = `${'a'.repeat(300)} "quoted" back\\slash é ${'ü'.repeat(200)}`;
    const set = txt('long-txt', value);
    await apply({ upsert: [set] });
    const stored = env.fake.recordSets(ZONE_ID).find((s) => s.name === `long-txt.${ZONE}.` && s.type === 'TXT')!;
    expect(stored.values![0]!.startsWith('"')).toBe(true);
    expect(stored.values![0]!.match(/" "/g)?.length).toBeGreaterThanOrEqual(2);
    const read = await env.kernel.dns('route53').getRecords(ZONE, credentials, { names: [set.name] });
    expect(read[0]?.values).toEqual([value]);
    expect((await apply({ upsert: [set] })).changes[0]).toMatchObject({ action: 'noop' });
  });

  it('never puts the secret key or the session token in an error', async () => {
    const failures: unknown[] = [];
    const wrongKey = { ...credentials, accessKeyId: 'AKIAUNKNOWNKEY000000' };
    failures.push(await env.kernel.dns('route53').verifyCredentials(wrongKey).catch((e: unknown) => e));
    failures.push(await env.kernel.applyRecords('route53', { zone: ZONE, upsert: [txt('secret-1', 'v')], remove: [], credentials: wrongKey }).catch((e: unknown) => e));
    env.fake.failNext('server-error');
    failures.push(await env.kernel.dns('route53').getZone(ZONE, credentials).catch((e: unknown) => e));
    failures.push(await env.kernel.dns('route53').getZone('missing.example', credentials).catch((e: unknown) => e));
    // A credential whose fields are wrong: the kernel names the field, never the value.
    failures.push(await env.kernel.dns('route53').verifyCredentials({ ...credentials, hostedZoneId: SECRET }).catch((e: unknown) => e));
    expect(failures.every((f) => f instanceof Error)).toBe(true);
    for (const failure of failures) {
      const text = `${inspect(failure, { depth: 10, showHidden: true })} ${JSON.stringify(failure)} ${String((failure as Error).stack)}`;
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SESSION_TOKEN);
    }
    expect(failures[0]).toMatchObject({ kind: 'auth' });
    expect(failures[3]).toMatchObject({ kind: 'not_found' });
  });
});
