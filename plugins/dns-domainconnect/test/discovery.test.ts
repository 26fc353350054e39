import type { DnsAnswer, DnsLookup } from '@portico/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, type DiscoveryOptions } from '../src/discovery.ts';
import { settingsFor, startFakeProvider, type FakeProvider } from './provider.ts';

describe('discover against a provider on loopback', () => {
  let provider: FakeProvider;
  const answers = new Map<string, DnsAnswer>();
  // Discovery itself asks DNS one TXT question; the DNS path end to end is in plugin.test.ts.
  const dns: DnsLookup = { query: async (name) => answers.get(name) ?? { status: 'nxdomain' } };
  const options = (more: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
    dns,
    fetch: globalThis.fetch,
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
