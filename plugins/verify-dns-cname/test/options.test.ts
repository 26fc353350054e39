import { createKernel, type Kernel } from '@portico/kernel';
import { createTestServices } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import dnsCname from '../src/index.ts';

describe('plugin registration', () => {
  const kernels: Kernel[] = [];
  afterAll(async () => {
    for (const kernel of kernels) await kernel.close();
  });
  const start = async (options: unknown) => {
    const kernel = createKernel({ services: createTestServices() });
    kernels.push(kernel);
    await kernel.register({ plugin: dnsCname, options });
    return kernel;
  };

  it('offers both methods by default, with defaults operators are told to replace', async () => {
    const kernel = await start({});
    expect(kernel.descriptors.verificationMethods.map((d) => [d.plugin, d.method])).toEqual([
      ['verify.dns-cname', 'dns-cname'],
      ['verify.dns-cname', 'cname-routing'],
    ]);
    const input = { hostname: 'shop.example.com', token: 'abc' };
    expect(kernel.challenge('dns-cname', input)).toEqual([
      { name: '_portico-challenge.shop.example.com', type: 'CNAME', value: 'abc.verify.portico.invalid' },
    ]);
    expect(kernel.challenge('cname-routing', input)).toEqual([{ name: 'shop.example.com', type: 'CNAME', value: 'abc.edge.portico.invalid' }]);
  });

  it('offers only the methods listed', async () => {
    const kernel = await start({ methods: ['cname-routing'], canonicalHost: 'edge-{token}.saas.example' });
    expect(kernel.descriptors.verificationMethods.map((d) => d.method)).toEqual(['cname-routing']);
    expect(kernel.challenge('cname-routing', { hostname: 'a.example.com', token: 't1' })[0].value).toBe('edge-t1.saas.example');
    await expect(kernel.verify('dns-cname', { hostname: 'a.example.com', token: 't' })).rejects.toMatchObject({ code: 'VERIFY_METHOD_UNKNOWN' });
  });

  it('moves the dns-cname record with recordName', async () => {
    const kernel = await start({ recordName: '_acme_proof', verifyDomain: 'v.saas.example' });
    expect(kernel.challenge('dns-cname', { hostname: 'a.example.com', token: 't' })).toEqual([
      { name: '_acme_proof.a.example.com', type: 'CNAME', value: 't.v.saas.example' },
    ]);
  });

  it('refuses a canonicalHost without exactly one {token}: a shared target does not prove who may claim a hostname', async () => {
    for (const canonicalHost of ['customers.saas.example', '{token}.{token}.saas.example', '{token}', '{token}.Saas.Example', '{token}.saas.example.']) {
      await expect(start({ canonicalHost })).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('refuses a bad verifyDomain, recordName or method list', async () => {
    for (const options of [
      { verifyDomain: 'localhost' },
      { verifyDomain: 'Verify.Example.com' },
      { verifyDomain: 'verify.example.com.' },
      { recordName: 'two.labels' },
      { methods: [] },
      { methods: ['dns-cname', 'dns-cname'] },
      { methods: ['dns-txt'] },
    ]) {
      await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('turns a lookup service that throws into error, never missing, for both methods', async () => {
    // createTestServices' default dns throws on every query.
    const kernel = await start({});
    for (const method of ['dns-cname', 'cname-routing']) {
      const result = await kernel.verify(method, { hostname: 'www.shop.test', token: 't' });
      expect(result.status).toBe('error');
      expect(result.message).toContain('EUNKNOWN');
    }
  });
});
