import { createKernel, type Kernel } from '@portico/kernel';
import { createTestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsTxt from '../src/index.ts';
import { startTestDns, type TestDns } from './dns.ts';

// Its own file: the challenge descriptor follows the recordName of the last kernel applied in a process.
describe('recordName option', () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await startTestDns({ id: 'record-name', zone: 'shop.test', recordName: '_acme_proof' });
  });
  afterAll(async () => {
    await dns?.teardown();
  });

  it('moves the challenge and the check to <recordName>.<hostname>', async () => {
    const input = { hostname: 'www.shop.test', token: 'tok' };
    const challenge = dns.kernel.challenge('dns-txt', input);
    expect(challenge).toEqual([{ name: '_acme_proof.www.shop.test', type: 'TXT', value: 'portico-verification=tok' }]);

    const atDefaultName = [{ ...challenge[0], name: '_portico-challenge.www.shop.test' }];
    await dns.publish(atDefaultName);
    try {
      expect((await dns.kernel.verify('dns-txt', input)).status).toBe('missing');
    } finally {
      await dns.unpublish(atDefaultName);
    }
    await dns.publish(challenge);
    try {
      expect((await dns.kernel.verify('dns-txt', input)).status).toBe('verified');
    } finally {
      await dns.unpublish(challenge);
    }
  });
});

describe('plugin registration', () => {
  const kernels: Kernel[] = [];
  afterAll(async () => {
    for (const kernel of kernels) await kernel.close();
  });
  const start = async (options: unknown, services = createTestServices()) => {
    const kernel = createKernel({ services });
    kernels.push(kernel);
    await kernel.register({ plugin: dnsTxt, options });
    return kernel;
  };

  it('refuses a recordName that is not one DNS label', async () => {
    for (const recordName of ['', 'two.labels', '-dash', 'UPPER', 'x'.repeat(64), 'space here']) {
      await expect(start({ recordName })).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('describes the dns-txt method', async () => {
    const kernel = await start({});
    expect(kernel.descriptors.verificationMethods).toEqual([
      expect.objectContaining({ plugin: 'verify.dns-txt', method: 'dns-txt', title: 'TXT record' }),
    ]);
  });

  it('turns a lookup service that throws into error, never missing', async () => {
    // createTestServices' default dns throws on every query.
    const kernel = await start({});
    const result = await kernel.verify('dns-txt', { hostname: 'www.shop.test', token: 't' });
    expect(result.status).toBe('error');
    expect(result.message).toContain('EUNKNOWN');
  });
});
