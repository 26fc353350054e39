import { createPublicFetch, type DnsAnswer, type DnsLookup, type PublicFetch } from '@portico/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, type DiscoveryOptions } from '../src/discovery.ts';
import { settingsFor, startFakeProvider, type FakeProvider } from '../src/testing.ts';

describe('discover against a provider on loopback', () => {
  let provider: FakeProvider;
  const answers = new Map<string, DnsAnswer>();
  // Discovery itself asks DNS one TXT question; the DNS path end to end is in plugin.test.ts.
  const dns: DnsLookup = { query: async (name) => answers.get(name) ?? { status: 'nxdomain' } };
  const publicFetch = createPublicFetch({ dns });
  // The fake provider listens on loopback: these tests let the guard pass private addresses (the guard's own tests
  // are below and in the kernel).
  const options = (more: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
    dns,
    publicFetch,
    allowPrivateAddresses: true,
    scheme: 'http',
    timeoutMs: 500,
    providerId: 'portico',
    serviceId: 'customdomain',
    ...more,
  });
  const zone = (name: string, txt: string = provider.host) => answers.set(`_domainconnect.${name}`, { status: 'found', values: [txt] });

  beforeAll(async () => {
    provider = await startFakeProvider();
    provider.supported.add('portico/customdomain');
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('finds the settings and the template support, with evidence', async () => {
    zone('example.com');
    provider.zones.set('example.com', settingsFor(provider));
    const found = await discover('example.com', options());
    expect(found).toMatchObject({ ok: true, settings: { providerId: 'fakedns.example', providerName: 'FakeDNS', urlSyncUX: `${provider.base}/sync`, urlAPI: `${provider.base}/api` } });
    expect(found.ok && found.evidence).toEqual([
      `_domainconnect TXT at _domainconnect.example.com: ${provider.host}`,
      `settings at ${provider.base}/v2/example.com/settings: providerId fakedns.example`,
      `template portico/customdomain supported at ${provider.base}/api/v2/domainTemplates/providers/portico/services/customdomain`,
    ]);
  });

  it('accepts a TXT value with a path or a scheme, and skips values that are no host', async () => {
    provider.zones.set('path.test', settingsFor(provider));
    zone('path.test', `http://${provider.host}/`);
    expect(await discover('path.test', options())).toMatchObject({ ok: true });
    answers.set('_domainconnect.path.test', { status: 'found', values: ['not a host!', provider.host] });
    expect(await discover('path.test', options())).toMatchObject({ ok: true });
    zone('path.test', `${provider.host}/nested`);
    const before = provider.requests.length;
    expect(await discover('path.test', options())).toMatchObject({ ok: false, kind: 'not_found' });
    expect(provider.requests.slice(before)).toEqual(['/nested/v2/path.test/settings']);
  });

  it('reports each failure with its kind instead of throwing', async () => {
    const cases: Array<[string, () => void, string, RegExp]> = [
      ['none.test', () => undefined, 'not_found', /has no TXT record/],
      ['dnsfail.test', () => answers.set('_domainconnect.dnsfail.test', { status: 'error', code: 'ETIMEOUT', message: 'timed out' }), 'transient', /ETIMEOUT/],
      ['garbage.test', () => zone('garbage.test', 'v=spf1 -all'), 'not_found', /does not name a host/],
      ['stale.test', () => zone('stale.test'), 'not_found', /stale/],
      ['broken.test', () => (zone('broken.test'), provider.zones.set('broken.test', 'error')), 'transient', /answered 500/],
      ['badjson.test', () => (zone('badjson.test'), provider.zones.set('badjson.test', 'bad-json')), 'unsupported', /did not answer JSON/],
      ['fields.test', () => (zone('fields.test'), provider.zones.set('fields.test', { settings: { providerName: 'X' } })), 'unsupported', /did not answer Domain Connect settings/],
      ['nosync.test', () => (zone('nosync.test'), provider.zones.set('nosync.test', settingsFor(provider, { urlSyncUX: undefined }))), 'unsupported', /no urlSyncUX/],
      ['ftp.test', () => (zone('ftp.test'), provider.zones.set('ftp.test', settingsFor(provider, { urlSyncUX: 'ftp://x.example' }))), 'unsupported', /not an https URL/],
      ['notemplate.test', () => (zone('notemplate.test'), provider.zones.set('notemplate.test', settingsFor(provider, { urlAPI: `${provider.base}/api-none` }))), 'unsupported', /does not support the template portico\/customdomain/],
      ['slow.test', () => (zone('slow.test'), provider.zones.set('slow.test', 'hang')), 'transient', /did not answer within 500 ms/],
    ];
    for (const [name, arrange, kind, reason] of cases) {
      arrange();
      const found = await discover(name, options());
      expect(found, name).toMatchObject({ ok: false, kind });
      expect(found.ok === false && found.reason, name).toMatch(reason);
    }
  });

  it('stops when the caller gives up', async () => {
    zone('cancel.test');
    provider.zones.set('cancel.test', 'hang');
    const controller = new AbortController();
    const pending = discover('cancel.test', options({ timeoutMs: 10_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ ok: false, kind: 'transient', reason: expect.stringContaining('cancelled') });
  });
});

describe('discover refuses destinations that are not public', () => {
  let provider: FakeProvider;
  const answers = new Map<string, DnsAnswer>();
  const dns: DnsLookup = { query: async (name, type) => answers.get(`${type} ${name}`) ?? { status: 'nxdomain' } };
  const publicFetch = createPublicFetch({ dns });
  const options = (more: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
    dns,
    publicFetch,
    scheme: 'http',
    timeoutMs: 2000,
    providerId: 'portico',
    serviceId: 'customdomain',
    ...more,
  });
  const txt = (zone: string, value: string) => answers.set(`TXT _domainconnect.${zone}`, { status: 'found', values: [value] });

  beforeAll(async () => {
    provider = await startFakeProvider();
    provider.supported.add('portico/customdomain');
  });
  afterAll(async () => {
    await provider?.close();
  });

  it.each([
    ['a loopback listener', 'loop.test', () => provider.host, '127.0.0.1'],
    ['a private address', 'private.test', () => '10.0.0.5', '10.0.0.5'],
    ['the metadata service', 'metadata.test', () => '169.254.169.254', '169.254.169.254'],
    ['a name that resolves to a private address', 'named.test', () => 'dc.internal.example', '192.168.7.7'],
    ['a name with a loopback address among public ones', 'mixed.test', () => 'mixed.example', '127.0.0.1'],
  ])('a _domainconnect TXT naming %s is refused with the address as evidence, and nothing is requested', async (_what, zone, value, address) => {
    answers.set('A dc.internal.example', { status: 'found', values: ['192.168.7.7'] });
    answers.set('A mixed.example', { status: 'found', values: ['93.184.215.14', '127.0.0.1'] });
    provider.zones.set(zone, settingsFor(provider));
    txt(zone, value());
    const before = provider.requests.length;
    const found = await discover(zone, options());
    expect(found).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(found.ok === false && found.reason).toContain(address);
    expect(provider.requests.length).toBe(before);
  });

  it('checks the urlAPI the settings name as well', async () => {
    // Only the settings request is let through to the loopback provider; its urlAPI (also loopback) must be refused.
    const settingsOnly: PublicFetch = { get: (url, more) => publicFetch.get(url, { ...more, allowPrivateAddresses: String(url).endsWith('/settings') }) };
    provider.zones.set('hop.test', settingsFor(provider));
    txt('hop.test', provider.host);
    const before = provider.requests.length;
    const found = await discover('hop.test', options({ publicFetch: settingsOnly }));
    expect(found).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(found.ok === false && found.reason).toContain('/api/v2/domainTemplates');
    expect(provider.requests.slice(before)).toEqual(['/v2/hop.test/settings']);
  });
});
