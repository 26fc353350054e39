// The fake must refuse what Route 53 refuses, or the plugin's tests against it prove nothing: these drive it with
// the SDK directly, no Portico code in between.
import {
  ChangeResourceRecordSetsCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRoute53, type FakeRoute53 } from './fake-route53.ts';

let fake: FakeRoute53;
let sdk: Route53Client;

beforeAll(async () => {
  fake = await startFakeRoute53({ accessKeys: ['AKIAFAKE'], maxItems: 2, zones: [{ id: 'Z1', name: 'fake.test' }, { id: 'Z2', name: 'b.test' }, { id: 'Z3', name: 'a.b.test' }] });
  sdk = new Route53Client({ endpoint: fake.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'not-checked' } });
});

afterAll(async () => {
  sdk?.destroy();
  await fake?.close();
});

const change = (Action: Change['Action'], Name: string, Type: 'A' | 'TXT' | 'CNAME', values: string[], TTL = 300): Change => ({
  Action,
  ResourceRecordSet: { Name, Type, TTL, ResourceRecords: values.map((Value) => ({ Value })) },
});
const send = (...Changes: Change[]) => sdk.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z1', ChangeBatch: { Changes } }));
const refusal = (...changes: Change[]) => send(...changes).then(() => undefined, (e: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }));

describe('the Route 53 fake', () => {
  it('refuses an unknown access key id with InvalidClientTokenId (403)', async () => {
    const stranger = new Route53Client({ endpoint: fake.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' } });
    try {
      await expect(stranger.send(new ListHostedZonesByNameCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
    } finally {
      stranger.destroy();
    }
  });

  it('lists hosted zones by name in reversed-label order, paginated', async () => {
    const first = await sdk.send(new ListHostedZonesByNameCommand({ MaxItems: 2 }));
    expect(first.HostedZones?.map((z) => z.Name)).toEqual(['b.test.', 'a.b.test.']);
    expect(first).toMatchObject({ IsTruncated: true, NextDNSName: 'fake.test.', NextHostedZoneId: 'Z1' });
    const rest = await sdk.send(new ListHostedZonesByNameCommand({ DNSName: first.NextDNSName, HostedZoneId: first.NextHostedZoneId }));
    expect(rest.HostedZones?.map((z) => z.Id)).toEqual(['/hostedzone/Z1']);
    expect(rest.IsTruncated).toBe(false);
  });

  it('creates, then refuses a CREATE of an existing set ("already exists")', async () => {
    await send(change('CREATE', 'dup.fake.test.', 'A', ['192.0.2.1']));
    expect(await refusal(change('CREATE', 'dup.fake.test', 'A', ['192.0.2.2']))).toEqual({
      name: 'InvalidChangeBatch',
      status: 400,
      message: "[Tried to create resource record set [name='dup.fake.test.', type='A'] but it already exists]",
    });
  });

  it('refuses a DELETE that does not match the current values and TTL exactly, or finds nothing', async () => {
    await send(change('CREATE', 'del.fake.test.', 'TXT', ['"one"']));
    expect((await refusal(change('DELETE', 'del.fake.test.', 'TXT', ['"two"'])))?.message).toMatch(/values provided do not match/);
    expect((await refusal(change('DELETE', 'del.fake.test.', 'TXT', ['"one"'], 60)))?.message).toMatch(/values provided do not match/);
    expect((await refusal(change('DELETE', 'none.fake.test.', 'TXT', ['"one"'])))?.message).toMatch(/but it was not found/);
    await send(change('DELETE', 'del.fake.test.', 'TXT', ['"one"']));
  });

  it('refuses a CNAME next to other data, both ways', async () => {
    await send(change('CREATE', 'c.fake.test.', 'TXT', ['"t"']));
    expect((await refusal(change('CREATE', 'c.fake.test.', 'CNAME', ['x.example.net.'])))?.message).toMatch(/RRSet of type CNAME .* conflicts with other records/);
    await send(change('CREATE', 'c2.fake.test.', 'CNAME', ['x.example.net.']));
    expect((await refusal(change('UPSERT', 'c2.fake.test.', 'TXT', ['"t"'])))?.message).toMatch(/conflicting RRSet of type CNAME/);
  });

  it('refuses unquoted and over-long TXT strings, bad addresses and names outside the zone', async () => {
    expect((await refusal(change('UPSERT', 't.fake.test.', 'TXT', ['unquoted'])))?.message).toMatch(/enclosed in quotation marks/);
    expect((await refusal(change('UPSERT', 't.fake.test.', 'TXT', [`"${'a'.repeat(256)}"`])))?.message).toMatch(/CharacterStringTooLong/);
    expect((await refusal(change('UPSERT', 't.fake.test.', 'A', ['300.1'])))?.message).toMatch(/IPv4/);
    expect((await refusal(change('UPSERT', 't.other.test.', 'A', ['192.0.2.1'])))?.message).toMatch(/not permitted in zone fake\.test\./);
  });

  it('rejects the whole batch when one change is invalid', async () => {
    const before = fake.recordSets('Z1');
    const error = await refusal(change('CREATE', 'ok.fake.test.', 'A', ['192.0.2.1']), change('UPSERT', 'ok2.fake.test.', 'A', ['192.0.2.2']), change('DELETE', 'gone.fake.test.', 'A', ['192.0.2.3']));
    expect(error?.name).toBe('InvalidChangeBatch');
    expect(fake.recordSets('Z1')).toEqual(before);
  });

  it('allows DELETE then CREATE of one set in one batch (applied in order)', async () => {
    await send(change('CREATE', 'swap.fake.test.', 'A', ['192.0.2.1']));
    await send(change('DELETE', 'swap.fake.test.', 'A', ['192.0.2.1']), change('CREATE', 'swap.fake.test.', 'A', ['192.0.2.2']));
    expect(fake.recordSets('Z1').find((s) => s.name === 'swap.fake.test.')?.values).toEqual(['192.0.2.2']);
  });

  it('enforces 1000 records per request, UPSERT counted twice', async () => {
    const values = Array.from({ length: 501 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    expect((await refusal(change('UPSERT', 'many.fake.test.', 'A', values)))?.message).toMatch(/limit of 1000 exceeded/);
    await send(change('CREATE', 'many.fake.test.', 'A', values));
  });

  it('stores wildcards as \\052 and pages record sets in name order with MaxItems', async () => {
    await send(change('CREATE', '*.wild.fake.test.', 'A', ['192.0.2.1']), change('CREATE', 'x.wild.fake.test.', 'A', ['192.0.2.2']), change('CREATE', 'y.wild.fake.test.', 'A', ['192.0.2.3']));
    const page = await sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z1', StartRecordName: '\\052.wild.fake.test.', MaxItems: 10 }));
    expect(page.ResourceRecordSets?.[0]?.Name).toBe('\\052.wild.fake.test.');
    expect(page.ResourceRecordSets).toHaveLength(2);
    expect(page.MaxItems).toBe(2);
    expect(page.IsTruncated).toBe(true);
    const next = await sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z1', StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType }));
    expect(next.ResourceRecordSets?.[0]).toMatchObject({ Name: 'y.wild.fake.test.', Type: 'A' });
    expect(page.ResourceRecordSets?.[1]?.Name).toBe('x.wild.fake.test.');
  });

  it('fails the next requests on demand', async () => {
    fake.failNext('throttling');
    await expect(sdk.send(new ListHostedZonesByNameCommand({}))).rejects.toMatchObject({ name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    fake.failNext('server-error');
    await expect(sdk.send(new ListHostedZonesByNameCommand({}))).rejects.toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    await expect(sdk.send(new ListHostedZonesByNameCommand({}))).resolves.toBeDefined();
  });
});
