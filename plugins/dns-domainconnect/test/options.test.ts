import type { Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import domainConnect, { loadShippedTemplate, type DomainConnectOptions } from '../src/index.ts';
import { settingsFor, startFakeProvider, type FakeProvider } from '../src/testing.ts';

const shipped = loadShippedTemplate('portico', 'customdomain');
const base = { providerId: 'portico', serviceId: 'customdomain', privateKeySecret: 'k' } satisfies DomainConnectOptions;
const unsigned = { ...shipped, providerId: 'acme.example', serviceId: 'site', syncPubKeyDomain: undefined };

const kernels: Kernel[] = [];
const start = async (options: unknown) => {
  const kernel = await createTestKernel([{ plugin: domainConnect, options }]);
  kernels.push(kernel);
  return kernel;
};
afterEach(async () => {
  for (const kernel of kernels.splice(0)) await kernel.close();
});

describe('dns.domainconnect options', () => {
  it('registers with the shipped template and the defaults', async () => {
    const kernel = await start(base);
    expect(kernel.plugins).toEqual([{ id: 'dns.domainconnect', version: '0.1.0' }]);
    expect(kernel.descriptors.dnsProviders[0].permissions).toContain('The public key of the secret "k" published as TXT at _dcpubkeyv1.portico.example.');
  });

  it('refuses options that do not fit together, naming the problem', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ serviceId: 'customdomain' }, /providerId/],
      [{ ...base, providerId: 'has space' }, /providerId/],
      [{ ...base, keyHost: 'two.labels' }, /keyHost/],
      [{ ...base, timeoutMs: 0 }, /timeoutMs/],
      [{ ...base, allowPrivateAddresses: 'yes' }, /allowPrivateAddresses/],
      [{ ...base, settingsScheme: 'ftp' }, /settingsScheme/],
      [{ ...base, template: { ...shipped, providerId: 'other.example' } }, /the template is other\.example\/customdomain/],
      [{ ...base, template: shipped, syncPubKeyDomain: 'elsewhere.example' }, /syncPubKeyDomain is elsewhere\.example/],
      [{ ...base, privateKeySecret: undefined, template: shipped }, /set privateKeySecret/],
      [{ ...base, template: shipped, redirectUri: 'https://evil.example/back' }, /not within the template's syncRedirectDomain/],
      [{ ...base, template: { ...shipped, syncBlock: true } }, /syncBlock/],
      [{ ...base, template: { ...shipped, records: [{ type: 'MX', host: '@', pointsTo: 'mx.example' }] } }, /A, AAAA, CNAME and TXT/],
      [{ ...base, template: { ...shipped, records: [{ type: 'TXT', host: '@', data: '%state%' }] } }, /%state% clash/],
    ];
    for (const [options, message] of cases) {
      await expect(start(options), JSON.stringify(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID', message: expect.stringMatching(message) });
    }
  });

  it('refuses ids no template ships for, and a shipped template that needs a key without one', async () => {
    await expect(start({ providerId: 'acme.example', serviceId: 'site' })).rejects.toMatchObject({ code: 'PLUGIN_APPLY_FAILED', message: expect.stringMatching(/pass your template in the "template" option/) });
    await expect(start({ ...base, privateKeySecret: undefined })).rejects.toMatchObject({ code: 'PLUGIN_APPLY_FAILED', message: expect.stringMatching(/set privateKeySecret/) });
  });

  it('accepts a redirect within syncRedirectDomain', async () => {
    await expect(start({ ...base, template: shipped, redirectUri: 'https://app.portico.example/back' })).resolves.toBeDefined();
  });
});

describe('a template without syncPubKeyDomain', () => {
  let provider: FakeProvider;
  beforeAll(async () => {
    provider = await startFakeProvider();
    provider.supported.add('acme.example/site');
    provider.zones.set('example.com', settingsFor(provider));
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('builds an unsigned apply URL when no key is configured', async () => {
    const kernel = await createTestKernel([{ plugin: domainConnect, options: { providerId: 'acme.example', serviceId: 'site', template: unsigned, settingsScheme: 'http', allowPrivateAddresses: true } }], {
      services: {
        dns: {
          query: async (name) => (name === '_domainconnect.example.com' ? { status: 'found', values: [provider.host] } : { status: 'nxdomain' }),
        },
      },
    });
    kernels.push(kernel);
    const result = await kernel.applyRecords('domainconnect', {
      zone: 'example.com',
      hostname: 'shop.example.com',
      upsert: [{ name: 'shop.example.com', type: 'CNAME', ttl: 300, values: ['edge.acme.example'] }],
      remove: [],
    });
    const params = new URL(result.redirect!.url).searchParams;
    expect(Object.fromEntries(params)).toEqual({ domain: 'example.com', host: 'shop', target: 'edge.acme.example', groupId: 'route' });
  });
});
