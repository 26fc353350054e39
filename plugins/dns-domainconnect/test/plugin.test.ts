import { generateKeyPairSync, verify } from 'node:crypto';
import { startMemoryDnsHarness, type MemoryDnsHarness } from '@portico/dns-memory/testing';
import type { ApplyRecordsInput, RecordSet } from '@portico/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import domainConnect, { loadShippedTemplate, publicKeyRecords, type DomainConnectOptions } from '../src/index.ts';
import { settingsFor, startFakeProvider, type FakeProvider } from '../src/testing.ts';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const ZONES = ['example.com', 'portico.example', 'stale.test', 'nosupport.test', 'nosync.test', 'badjson.test', 'slow.test', 'plain.test'];
const MEMORY_NS = ['ns1.memory.portico.test', 'ns2.memory.portico.test'];

const options: DomainConnectOptions = {
  providerId: 'portico',
  serviceId: 'customdomain',
  privateKeySecret: 'domainconnect-key',
  redirectUri: 'https://app.portico.example/domains/connected',
  settingsScheme: 'http',
  // The fake provider listens on loopback (discovery.test.ts shows the guard refusing it without this).
  allowPrivateAddresses: true,
  timeoutMs: 750,
};

const cname = (name: string, target: string): RecordSet => ({ name, type: 'CNAME', ttl: 300, values: [target] });
const challenge = (hostname: string, token: string): RecordSet => ({ name: `_portico-challenge.${hostname}`, type: 'TXT', ttl: 300, values: [`portico-verification=${token}`] });
const shop = (more: Partial<ApplyRecordsInput> = {}): ApplyRecordsInput => ({
  zone: 'example.com',
  hostname: 'shop.example.com',
  upsert: [cname('shop.example.com', 'edge.portico.example'), challenge('shop.example.com', 'tok-1')],
  remove: [],
  ...more,
});

/** The signature check a DNS provider makes, with the key the test generated. */
function signatureValid(url: string): boolean {
  const match = /^[^?]*\?(.*)&sig=([^&]*)&key=_dcpubkeyv1$/.exec(url);
  return match !== null && verify('sha256', Buffer.from(match[1]), keys.publicKey, Buffer.from(decodeURIComponent(match[2]), 'base64'));
}

describe('dns.domainconnect with dns.memory and a Domain Connect provider on loopback', () => {
  let dns: MemoryDnsHarness;
  let provider: FakeProvider;

  beforeAll(async () => {
    provider = await startFakeProvider();
    provider.supported.add('portico/customdomain');
    dns = await startMemoryDnsHarness({ id: 'domainconnect-plugin', zones: ZONES, plugins: [{ plugin: domainConnect, options }] });
    dns.services.secretValues.set('domainconnect-key', keys.privateKey);
    // The operator's public key, where DNS providers look for it: <keyHost>.<syncPubKeyDomain>.
    const published = publicKeyRecords(keys.publicKey, '_dcpubkeyv1', 'portico.example');
    dns.set([{ name: published[0].name, type: 'TXT', ttl: 60, values: published.map((r) => r.value) }]);
    for (const zone of ZONES.filter((z) => z !== 'plain.test')) dns.set([{ name: `_domainconnect.${zone}`, type: 'TXT', ttl: 60, values: [provider.host] }]);
    provider.zones.set('example.com', settingsFor(provider));
    provider.zones.set('nosupport.test', settingsFor(provider, { urlAPI: `${provider.base}/api-none` }));
    provider.zones.set('nosync.test', settingsFor(provider, { urlSyncUX: undefined }));
    provider.zones.set('badjson.test', 'bad-json');
    provider.zones.set('slow.test', 'hang');
    provider.consent = { dns: dns.services.dns, template: loadShippedTemplate('portico', 'customdomain'), write: (_zone, records) => dns.set(records) };
  });
  afterAll(async () => {
    await dns?.teardown();
    await provider?.close();
  });

  describe('descriptor', () => {
    it('offers the domain-connect provider without credentials, nameservers or a read API', () => {
      const [descriptor] = dns.kernel.descriptors.dnsProviders.filter((d) => d.provider === 'domainconnect');
      expect(descriptor).toMatchObject({ apiVersion: 1, provider: 'domainconnect', displayName: 'Domain Connect', setup: 'domain-connect', nameservers: [], plugin: 'dns.domainconnect' });
      expect(descriptor.permissions).toContain('The public key of the secret "domainconnect-key" published as TXT at _dcpubkeyv1.portico.example.');
      expect(descriptor.credentials).toBeUndefined();
      expect(() => dns.kernel.dns('domainconnect')).toThrow(expect.objectContaining({ code: 'DNS_PROVIDER_NO_API' }));
    });
  });

  describe('detectProvider', () => {
    it('answers from _domainconnect TXT, settings and template support, with high confidence', async () => {
      const detection = await dns.kernel.detectProvider({ hostname: 'shop.example.com', zone: 'example.com', nameservers: MEMORY_NS });
      expect(detection).toEqual({
        provider: 'domainconnect',
        displayName: 'Fake DNS',
        confidence: 'high',
        setup: 'domain-connect',
        evidence: [
          `_domainconnect TXT at _domainconnect.example.com: ${provider.host}`,
          `settings at ${provider.base}/v2/example.com/settings: providerId fakedns.example`,
          `template portico/customdomain supported at ${provider.base}/api/v2/domainTemplates/providers/portico/services/customdomain`,
        ],
        details: {
          providerId: 'fakedns.example',
          providerName: 'FakeDNS',
          urlSyncUX: `${provider.base}/sync`,
          urlAPI: `${provider.base}/api`,
          urlControlPanel: 'https://cp.fakedns.example/domains/example.com',
        },
      });
    });

    it('uses the hostname as the zone when none is given, and providerName without a display name', async () => {
      provider.zones.set('example.com', settingsFor(provider, { providerDisplayName: undefined }));
      try {
        expect(await dns.kernel.detectProvider({ hostname: 'example.com', nameservers: [] })).toMatchObject({ provider: 'domainconnect', displayName: 'FakeDNS' });
      } finally {
        provider.zones.set('example.com', settingsFor(provider));
      }
    });

    it('passes on a stale TXT, an unsupported template, no sync flow, bad JSON, a timeout and no TXT', async () => {
      for (const zone of ['stale.test', 'nosupport.test', 'nosync.test', 'badjson.test', 'slow.test', 'plain.test']) {
        const before = dns.services.logs.length;
        // The nameservers are dns.memory's, so the kernel's nameserver match answers when the tap passes.
        expect(await dns.kernel.detectProvider({ hostname: `www.${zone}`, zone, nameservers: MEMORY_NS }), zone).toMatchObject({ provider: 'memory' });
        const passed = dns.services.logs.slice(before).find((line) => line.level === 'debug' && line.msg === 'Domain Connect discovery passed');
        expect(passed?.obj, zone).toMatchObject({ zone });
      }
      await expect(dns.kernel.detectProvider({ hostname: 'www.stale.test', zone: 'stale.test', nameservers: [] })).rejects.toMatchObject({ code: 'PROVIDER_NOT_DETECTED' });
    });

    it('passes when DNS itself fails', async () => {
      await dns.breakDns();
      try {
        expect(await dns.kernel.detectProvider({ hostname: 'shop.example.com', zone: 'example.com', nameservers: MEMORY_NS })).toMatchObject({ provider: 'memory' });
      } finally {
        await dns.restoreDns();
      }
    });
  });

  describe('applyRecords', () => {
    it('returns a signed apply URL for the template, and changes it would make', async () => {
      const result = await dns.kernel.applyRecords('domainconnect', shop());
      expect(result.applied).toBe(false);
      expect(result.changes).toEqual([
        { action: 'create', name: 'shop.example.com', type: 'CNAME', before: [], after: ['edge.portico.example'] },
        { action: 'create', name: '_portico-challenge.shop.example.com', type: 'TXT', before: [], after: ['portico-verification=tok-1'] },
      ]);
      const url = result.redirect!.url;
      expect(url.startsWith(`${provider.base}/sync/v2/domainTemplates/providers/portico/services/customdomain/apply?`)).toBe(true);
      expect(Object.fromEntries(new URL(url).searchParams)).toEqual({
        domain: 'example.com',
        host: 'shop',
        target: 'edge.portico.example',
        token: 'tok-1',
        groupId: 'route,verify',
        redirect_uri: 'https://app.portico.example/domains/connected',
        state: 'shop.example.com',
        sig: expect.any(String),
        key: '_dcpubkeyv1',
      });
      expect(signatureValid(url)).toBe(true);
      expect(signatureValid(url.replace('target=edge.portico.example', 'target=evil.example'))).toBe(false);
    });

    it('never logs the signing key', async () => {
      await dns.kernel.applyRecords('domainconnect', shop());
      const logged = JSON.stringify(dns.services.logs);
      const body = keys.privateKey.split('\n')[1];
      expect(logged).not.toContain(body);
      expect(logged).toContain('Domain Connect apply URL built');
    });

    it('asks only for the groups the wanted records need', async () => {
      const result = await dns.kernel.applyRecords('domainconnect', shop({ upsert: [challenge('shop.example.com', 'tok-2')] }));
      const params = new URL(result.redirect!.url).searchParams;
      expect(params.get('groupId')).toBe('verify');
      expect(params.has('target')).toBe(false);
    });

    it('is applied by the DNS provider after consent, confirmed by DNS, and all noop afterwards', async () => {
      const input = shop({ hostname: 'app.example.com', upsert: [cname('app.example.com', 'edge.portico.example'), challenge('app.example.com', 'tok-3')] });
      const { redirect } = await dns.kernel.applyRecords('domainconnect', input);
      // A tampered URL is refused by the provider and writes nothing.
      const tampered = await fetch(redirect!.url.replace('target=edge.portico.example', 'target=evil.example'), { redirect: 'manual' });
      expect(tampered.status).toBe(400);
      expect(await dns.services.dns.query('app.example.com', 'CNAME')).toMatchObject({ status: 'nxdomain' });

      // The user agrees: the provider applies the template and sends them back with the state.
      const consent = await fetch(redirect!.url, { redirect: 'manual' });
      expect(consent.status).toBe(302);
      expect(consent.headers.get('location')).toBe('https://app.portico.example/domains/connected?state=app.example.com');

      expect(await dns.services.dns.query('app.example.com', 'CNAME')).toEqual({ status: 'found', values: ['edge.portico.example'] });
      expect(await dns.services.dns.query('_portico-challenge.app.example.com', 'TXT')).toEqual({ status: 'found', values: ['portico-verification=tok-3'] });
      const again = await dns.kernel.applyRecords('domainconnect', input);
      expect(again).toEqual({ applied: true, changes: [expect.objectContaining({ action: 'noop' }), expect.objectContaining({ action: 'noop' })] });
    });

    it('reports a record set DNS holds with other values as an update', async () => {
      dns.set([cname('old.example.com', 'previous.example.net')]);
      const result = await dns.kernel.applyRecords('domainconnect', shop({ hostname: 'old.example.com', upsert: [cname('old.example.com', 'edge.portico.example')] }));
      expect(result.changes).toEqual([{ action: 'update', name: 'old.example.com', type: 'CNAME', before: ['previous.example.net'], after: ['edge.portico.example'] }]);
      expect(result.redirect).toBeDefined();
    });

    it('plans without a redirect in a dry run', async () => {
      const result = await dns.kernel.applyRecords('domainconnect', shop({ dryRun: true }));
      expect(result).toEqual({ applied: false, changes: [expect.objectContaining({ action: 'create' }), expect.objectContaining({ action: 'create' })] });
    });

    it('refuses removals and records the template cannot produce as unsupported', async () => {
      await expect(dns.kernel.applyRecords('domainconnect', shop({ remove: [cname('shop.example.com', 'x.example')] }))).rejects.toMatchObject({ name: 'DnsProviderError', kind: 'unsupported' });
      const a: RecordSet = { name: 'shop.example.com', type: 'A', ttl: 300, values: ['192.0.2.1'] };
      await expect(dns.kernel.applyRecords('domainconnect', shop({ upsert: [a] }))).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringContaining('cannot produce A shop.example.com') });
      await expect(dns.kernel.applyRecords('domainconnect', shop({ hostname: 'example.com', upsert: [cname('example.com', 'edge.portico.example')] }))).rejects.toMatchObject({ kind: 'unsupported' });
    });

    it('fails with the discovery kind when the zone cannot be applied through Domain Connect', async () => {
      const cases: Array<[string, string]> = [
        ['stale.test', 'not_found'],
        ['nosupport.test', 'unsupported'],
        ['nosync.test', 'unsupported'],
        ['slow.test', 'transient'],
        ['plain.test', 'not_found'],
      ];
      for (const [zone, kind] of cases) {
        const input = { zone, hostname: `www.${zone}`, upsert: [cname(`www.${zone}`, 'edge.portico.example')], remove: [] };
        await expect(dns.kernel.applyRecords('domainconnect', input), zone).rejects.toMatchObject({ kind });
      }
    });

    it('needs the signing key secret', async () => {
      dns.services.secretValues.delete('domainconnect-key');
      try {
        await expect(dns.kernel.applyRecords('domainconnect', shop())).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('"domainconnect-key"') });
        dns.services.secretValues.set('domainconnect-key', 'not a key');
        await expect(dns.kernel.applyRecords('domainconnect', shop())).rejects.toMatchObject({ kind: 'auth', message: expect.stringContaining('not a usable RSA private key') });
      } finally {
        dns.services.secretValues.set('domainconnect-key', keys.privateKey);
      }
    });
  });
});
