import { generateKeyPairSync } from 'node:crypto';
import { createKernel, DnsProviderError, type ApplyRecordsInput, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance, type TestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import googleCloudDns, { createGoogleCloudDnsClient, decodeTxt, encodeTxt } from '../src/index.ts';
import { startFakeGoogleCloudDns, type FakeGoogleCloudDns } from './fake-google-cloud-dns.ts';

const ZONE = 'example.com';
const PROJECT = 'portico-test';

/** A service account key as Google issues it (the fields Portico takes), and its public half for the fake. */
function serviceAccount(name: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = `${name}@${PROJECT}.iam.gserviceaccount.com`;
  return {
    credentials: { projectId: PROJECT, clientEmail, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, privateKeyId: `kid-${name}` },
    publicKey,
  };
}

const PORTICO = serviceAccount('portico');
const STRANGER = serviceAccount('stranger');

dnsProviderConformance({
  name: 'dns.google-cloud-dns against a fake Cloud DNS API',
  provider: 'google-cloud-dns',
  zone: ZONE,
  setup: async () => {
    const fake = await startFakeGoogleCloudDns();
    fake.addZone(PROJECT, ZONE);
    fake.accounts.set(PORTICO.credentials.clientEmail, { publicKey: PORTICO.publicKey });
    const kernel = await createTestKernel([{ plugin: googleCloudDns, options: { endpoint: fake.url, timeoutMs: 5000 } }]);
    // A person editing the zone: the vendor client straight, no owner TXT record.
    const person = createGoogleCloudDnsClient({ ...PORTICO.credentials, endpoint: fake.url, timeoutMs: 5000 });
    return {
      kernel,
      credentials: PORTICO.credentials,
      // The right shape, signed by a key Google does not know.
      badCredentials: { ...STRANGER.credentials, clientEmail: PORTICO.credentials.clientEmail },
      writeForeign: async (set) => {
        await person.applyChanges(ZONE, [{ action: 'create', set }]);
      },
      teardown: async () => {
        await kernel.close();
        await fake.close();
      },
    };
  },
});

describe('dns.google-cloud-dns against a fake Cloud DNS API', () => {
  let fake: FakeGoogleCloudDns;
  let kernel: Kernel;
  let services: TestServices;
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}.${ZONE}`;
  const apply = (input: Partial<ApplyRecordsInput>) => kernel.applyRecords('google-cloud-dns', { zone: ZONE, upsert: [], remove: [], credentials: PORTICO.credentials, ...input });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as DnsProviderError);
  const stored = (name: string) => fake.zone(ZONE).rrsets.filter((r) => r.name === `${name}.`);

  beforeAll(async () => {
    fake = await startFakeGoogleCloudDns();
    fake.addZone(PROJECT, ZONE);
    fake.accounts.set(PORTICO.credentials.clientEmail, { publicKey: PORTICO.publicKey });
    services = createTestServices();
    kernel = createKernel({ services });
    await kernel.register({ plugin: googleCloudDns, options: { endpoint: fake.url, timeoutMs: 5000 } });
  });
  afterAll(async () => {
    await kernel.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('describes the provider', () => {
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        plugin: 'dns.google-cloud-dns',
        provider: 'google-cloud-dns',
        nameservers: ['*.googledomains.com'],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
      }),
    ]);
  });

  it('writes one change per apply: absolute names, quoted TXT, a CNAME target with its dot, signed requests', async () => {
    const txt = fresh('_txt');
    const cname = fresh('www');
    await apply({ upsert: [{ name: txt, type: 'TXT', ttl: 300, values: ['say "hi"'] }, { name: cname, type: 'CNAME', ttl: 300, values: ['edge.example.net'] }] });
    const writes = fake.requests.filter((r) => r.method === 'POST');
    expect(writes.map((r) => r.path)).toEqual([`/dns/v1/projects/${PROJECT}/managedZones/example-com/changes`]);
    expect(stored(txt)).toMatchObject([{ rrdatas: ['"say \\"hi\\""'], ttl: 300 }]);
    expect(stored(cname)).toMatchObject([{ rrdatas: ['edge.example.net.'] }]);
    expect(fake.requests.every((r) => r.authorized)).toBe(true);
  });

  it('an update deletes the record set as stored and adds the new one, in the same change', async () => {
    const a = fresh('a');
    await apply({ upsert: [{ name: a, type: 'A', ttl: 300, values: ['192.0.2.1'] }] });
    fake.requests.length = 0;
    await apply({ upsert: [{ name: a, type: 'A', ttl: 300, values: ['192.0.2.2', '192.0.2.3'] }] });
    const [change] = fake.requests.filter((r) => r.method === 'POST');
    expect(change!.body).toMatchObject({ deletions: [{ name: `${a}.`, type: 'A', ttl: 300, rrdatas: ['192.0.2.1'] }], additions: [{ name: `${a}.`, type: 'A', rrdatas: ['192.0.2.2', '192.0.2.3'] }] });
  });

  it('TXT: long values split in 255-byte strings and read back whole', () => {
    const value = `v=${'é'.repeat(200)}${'x'.repeat(300)}`;
    expect(encodeTxt(value).match(/"(?:[^"\\]|\\.)*"/g)).toHaveLength(3);
    expect(decodeTxt(encodeTxt(value))).toBe(value);
    expect(decodeTxt('"a\\"b" "c\\\\d" "\\195\\169"')).toBe('a"bc\\dé');
  });

  it('reads every page of zones and record sets (pageToken / nextPageToken)', async () => {
    for (let i = 0; i < 4; i++) fake.addZone(PROJECT, `filler-${i}.example`);
    const zone = fake.addZone(PROJECT, 'paged.example');
    for (let i = 0; i < 10; i++) zone.rrsets.push({ kind: 'dns#resourceRecordSet', name: `host-${i}.paged.example.`, type: 'A', ttl: 300, rrdatas: [`192.0.2.${i}`] });
    zone.rrsets.push({ kind: 'dns#resourceRecordSet', name: 'paged.example.', type: 'SOA', ttl: 21600, rrdatas: ['ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300'] });
    const read = await kernel.dns('google-cloud-dns').getRecords('paged.example', PORTICO.credentials);
    expect(read).toHaveLength(10);
    const tokens = fake.requests.filter((r) => r.path.endsWith('/rrsets')).map((r) => r.query.get('pageToken'));
    expect(tokens).toEqual([null, '3', '6', '9']);
    const verified = await kernel.dns('google-cloud-dns').verifyCredentials(PORTICO.credentials);
    expect(verified.zones).toEqual(expect.arrayContaining([ZONE, 'paged.example', 'filler-3.example']));
  });

  it('a quota error is rate_limit: 429 with Retry-After, and 403 rateLimitExceeded', async () => {
    fake.failNext(1, { status: 429, retryAfter: '30' });
    const error = await failure(apply({ upsert: [{ name: fresh('_rl'), type: 'TXT', ttl: 300, values: ['x'] }] }));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 30, providerCode: 'rateLimitExceeded' });
    fake.failNext(1, { status: 403, reason: 'rateLimitExceeded' });
    expect(await failure(kernel.dns('google-cloud-dns').getZone(ZONE, PORTICO.credentials))).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: undefined });
  });

  it('maps errors: 401 auth, 403 permission, missing zone not_found, 400 validation, 412 conflict, 5xx / HTML transient', async () => {
    const dns = kernel.dns('google-cloud-dns');
    expect(await failure(dns.verifyCredentials({ ...STRANGER.credentials }))).toMatchObject({ kind: 'auth', providerCode: 'authError' });
    const reader = serviceAccount('reader');
    fake.accounts.set(reader.credentials.clientEmail, { publicKey: reader.publicKey, role: 'reader' });
    expect(await failure(apply({ upsert: [{ name: fresh('_ro'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: reader.credentials }))).toMatchObject({ kind: 'permission', providerCode: 'forbidden' });
    expect(await failure(dns.getZone('missing.example', PORTICO.credentials))).toMatchObject({ kind: 'not_found' });
    expect(await failure(dns.getZone(ZONE, { ...PORTICO.credentials, managedZone: 'no-such-zone' }))).toMatchObject({ kind: 'not_found', providerCode: 'notFound' });
    const client = createGoogleCloudDnsClient({ ...PORTICO.credentials, endpoint: fake.url });
    expect(await failure(client.applyChanges(ZONE, [{ action: 'create', set: { name: fresh('bad'), type: 'A', ttl: 300, values: ['nope'] } }]))).toMatchObject({ kind: 'validation', providerCode: 'invalid' });
    const taken = fresh('taken');
    await client.applyChanges(ZONE, [{ action: 'create', set: { name: taken, type: 'A', ttl: 300, values: ['192.0.2.1'] } }]);
    expect(await failure(client.applyChanges(ZONE, [{ action: 'create', set: { name: taken, type: 'A', ttl: 300, values: ['192.0.2.2'] } }]))).toMatchObject({ kind: 'conflict', providerCode: 'alreadyExists' });
    fake.failNext(1, { status: 500 });
    expect(await failure(dns.getZone(ZONE, PORTICO.credentials))).toMatchObject({ kind: 'transient', providerCode: 'backendError' });
    fake.failNext(1, { status: 503, html: true });
    const html = await failure(dns.getZone(ZONE, PORTICO.credentials));
    expect(html).toMatchObject({ kind: 'transient' });
    expect(html!.message).not.toContain('<html');
  });

  it('a change is all or nothing: one refused addition writes nothing', async () => {
    const free = fresh('_free');
    const before = fake.zone(ZONE).rrsets.length;
    const client = createGoogleCloudDnsClient({ ...PORTICO.credentials, endpoint: fake.url });
    const error = await failure(client.applyChanges(ZONE, [
      { action: 'create', set: { name: free, type: 'TXT', ttl: 300, values: ['free'] } },
      { action: 'create', set: { name: fresh('bad'), type: 'A', ttl: 300, values: ['nope'] } },
    ]));
    expect(error).toMatchObject({ kind: 'validation' });
    expect(fake.zone(ZONE).rrsets).toHaveLength(before);
  });

  it('with managedZone in the credential there is no lookup by DNS name', async () => {
    const name = fresh('_byname');
    await apply({ upsert: [{ name, type: 'TXT', ttl: 300, values: ['by name'] }], credentials: { ...PORTICO.credentials, managedZone: 'example-com' } });
    expect(stored(name)).toHaveLength(1);
    expect(fake.requests.some((r) => r.path.endsWith('/managedZones'))).toBe(false);
  });

  it('an aborted call is an AbortError, not a failure', async () => {
    const client = createGoogleCloudDnsClient({ ...PORTICO.credentials, endpoint: fake.url });
    expect(await failure(client.getRecords(ZONE, { signal: AbortSignal.abort() }))).toMatchObject({ name: 'AbortError' });
  });

  it('never puts the private key in an error or a log line', async () => {
    const errors: unknown[] = [];
    errors.push(await failure(apply({ upsert: [{ name: fresh('_leak'), type: 'TXT', ttl: 300, values: ['x'] }], credentials: STRANGER.credentials })));
    fake.failNext(1, { status: 500 });
    errors.push(await failure(kernel.dns('google-cloud-dns').getZone(ZONE, PORTICO.credentials)));
    expect(errors.every((e) => e instanceof DnsProviderError)).toBe(true);
    const text = JSON.stringify([errors.map((e) => [String(e), (e as Error).stack]), services.logs]);
    for (const line of PORTICO.credentials.privateKey.split('\n').filter((l) => l.length > 20)) expect(text).not.toContain(line);
    for (const line of STRANGER.credentials.privateKey.split('\n').filter((l) => l.length > 20)) expect(text).not.toContain(line);
  });
});
