import { createKernel, type Kernel } from '@portico/kernel';
import { createTestServices } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import dnsAddress from '../src/index.ts';

describe('plugin registration', () => {
  const kernels: Kernel[] = [];
  afterAll(async () => {
    for (const kernel of kernels) await kernel.close();
  });
  const start = async (options: unknown) => {
    const kernel = createKernel({ services: createTestServices() });
    kernels.push(kernel);
    await kernel.register({ plugin: dnsAddress, options });
    return kernel;
  };

  it('needs at least one edge address', async () => {
    for (const options of [undefined, {}, { ipv4: [], ipv6: [] }]) {
      await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('refuses anything that is not an address of the right family, and a bad recordName', async () => {
    for (const options of [
      { ipv4: ['example.com'] },
      { ipv4: ['2001:db8::1'] },
      { ipv6: ['192.0.2.1'] },
      { ipv4: ['192.0.2.300'] },
      { ipv4: ['192.0.2.1'], recordName: 'a.b' },
    ]) {
      await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('describes the dns-address method, with IPv6 only if that is all there is', async () => {
    const kernel = await start({ ipv6: ['2001:db8::1'] });
    expect(kernel.descriptors.verificationMethods).toEqual([
      expect.objectContaining({ plugin: 'verify.dns-address', method: 'dns-address', title: 'A/AAAA records (apex)' }),
    ]);
    expect(kernel.challenge('dns-address', { hostname: 'example.com', token: 't' })).toEqual([
      { name: 'example.com', type: 'AAAA', value: '2001:db8::1' },
      { name: '_portico-challenge.example.com', type: 'TXT', value: 'portico-verification=t' },
    ]);
  });

  it('turns a lookup service that throws into error, never missing', async () => {
    const kernel = await start({ ipv4: ['192.0.2.1'] });
    const result = await kernel.verify('dns-address', { hostname: 'example.com', token: 't' });
    expect(result.status).toBe('error');
    expect(result.message).toContain('EUNKNOWN');
  });
});
