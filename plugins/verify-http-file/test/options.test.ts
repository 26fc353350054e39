import { createKernel, type Kernel } from '@portico/kernel';
import { createTestServices } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import httpFile from '../src/index.ts';
import { startTestWeb, type TestWeb } from './dns.ts';
import { startSite, type TestSite } from './site.ts';

describe('plugin registration', () => {
  const kernels: Kernel[] = [];
  afterAll(async () => {
    for (const kernel of kernels) await kernel.close();
  });
  const start = async (options: unknown) => {
    const kernel = createKernel({ services: createTestServices() });
    kernels.push(kernel);
    await kernel.register({ plugin: httpFile, options });
    return kernel;
  };
  const input = { hostname: 'shop.example.com', token: 'tok' };

  it('describes the http-file method, on port 80 over http by default', async () => {
    const kernel = await start({});
    expect(kernel.descriptors.verificationMethods).toEqual([
      expect.objectContaining({ plugin: 'verify.http-file', method: 'http-file', title: 'File on your web server' }),
    ]);
    expect(kernel.challenge('http-file', input)).toEqual([
      { name: 'http://shop.example.com/.well-known/portico-challenge/tok', type: 'HTTP', value: 'tok' },
    ]);
  });

  it('puts scheme and a non-default port into the URL', async () => {
    expect((await start({ scheme: 'https' })).challenge('http-file', input)[0].name).toBe('https://shop.example.com/.well-known/portico-challenge/tok');
    expect((await start({ port: 8080 })).challenge('http-file', input)[0].name).toBe('http://shop.example.com:8080/.well-known/portico-challenge/tok');
  });

  it('refuses out-of-range options', async () => {
    for (const options of [{ scheme: 'ftp' }, { port: 0 }, { port: 70000 }, { timeoutMs: 10 }, { maxBytes: 1 }, { allowPrivateAddresses: 'yes' }]) {
      await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('turns a lookup service that throws into error, never missing', async () => {
    const result = await (await start({})).verify('http-file', input);
    expect(result.status).toBe('error');
    expect(result.message).toContain('EUNKNOWN');
  });
});

describe('scheme https', () => {
  let site: TestSite;
  let web: TestWeb;
  beforeAll(async () => {
    site = await startSite({ tls: true });
    web = await startTestWeb({ id: 'http-tls', zone: 'shop.test', site, plugin: { scheme: 'https' } });
  });
  afterAll(async () => {
    await web?.teardown();
    await site?.close();
  });

  it('fetches over TLS and refuses a certificate the system does not trust, as error', async () => {
    const input = { hostname: 'secure.shop.test', token: 'tok-tls' };
    const challenge = web.kernel.challenge('http-file', input);
    expect(challenge[0].name).toBe(`https://secure.shop.test:${site.port}/.well-known/portico-challenge/tok-tls`);
    await web.publish(challenge);
    try {
      const result = await web.kernel.verify('http-file', input);
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
      expect(site.requests).toEqual([]); // the handshake failed before any request
    } finally {
      await web.unpublish(challenge);
    }
  });
});
