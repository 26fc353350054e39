import { Resolver } from 'node:dns/promises';
import { createKernel, type Kernel } from '@portico/kernel';
import { createTestKernel, createTestServices, dnsProviderConformance } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import memoryDns, { MemoryZones, getMemoryDnsInstance, startDnsServer } from '../src/index.ts';

dnsProviderConformance({
  name: 'dns.memory',
  provider: 'memory',
  zone: 'example.com',
  setup: async () => {
    const kernel = await createTestKernel([
      { plugin: memoryDns, options: { id: 'conformance', token: 'right', zones: [{ name: 'example.com' }], serve: {} } },
    ]);
    const zones = getMemoryDnsInstance('conformance')!.zones;
    return {
      kernel,
      credentials: { token: 'right' },
      badCredentials: { token: 'wrong' },
      writeForeign: async (set) => {
        zones.apply({ zone: 'example.com', upsert: [set], remove: [] });
      },
      teardown: () => kernel.close(),
    };
  },
});

const kernels: Kernel[] = [];
afterAll(async () => {
  for (const kernel of kernels) await kernel.close();
});

async function start(options: unknown) {
  const services = createTestServices();
  const kernel = createKernel({ services });
  kernels.push(kernel);
  await kernel.register({ plugin: memoryDns, options });
  return { kernel, services };
}

describe('dns.memory plugin', () => {
  it('serves the zones it writes on an ephemeral port, logs the address and exposes the instance', async () => {
    const { kernel, services } = await start({ id: 'serve', zones: [{ name: 'shop.test' }], serve: {} });
    const instance = getMemoryDnsInstance('serve');
    expect(instance?.address?.host).toBe('127.0.0.1');
    expect(instance?.address?.port).toBeGreaterThan(0);
    const address = `${instance!.address!.host}:${instance!.address!.port}`;
    expect(services.logs).toContainEqual(expect.objectContaining({ level: 'info', obj: { dns: address } }));

    const result = await kernel.applyRecords('memory', {
      zone: 'shop.test',
      upsert: [{ name: 'www.shop.test', type: 'A', ttl: 60, values: ['192.0.2.7'] }],
      remove: [],
    });
    expect(result.changes[0].action).toBe('create');
    expect(instance!.zones.get('www.shop.test', 'A')?.values).toEqual(['192.0.2.7']);

    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([address]);
    expect(await resolver.resolve4('www.shop.test')).toEqual(['192.0.2.7']);
  });

  it('describes the memory provider', async () => {
    const { kernel } = await start({ id: 'describe' });
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        apiVersion: 1,
        plugin: 'dns.memory',
        provider: 'memory',
        displayName: 'In-memory (reference)',
        setup: 'api',
        nameservers: ['*.memory.portico.test'],
        capabilities: expect.objectContaining({ recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], ownership: 'txt' }),
      }),
    ]);
    expect(getMemoryDnsInstance('describe')).toMatchObject({ address: undefined });
  });

  it('loads initial records with a default ttl', async () => {
    await start({ id: 'initial', zones: [{ name: 'init.test', records: [{ name: 'init.test', type: 'TXT', values: ['hello'] }] }] });
    expect(getMemoryDnsInstance('initial')?.zones.get('init.test', 'TXT')).toEqual({
      name: 'init.test',
      type: 'TXT',
      ttl: 300,
      values: ['hello'],
    });
  });

  it('stops the server and forgets the instance when the kernel closes', async () => {
    const { kernel } = await start({ id: 'closing', zones: [{ name: 'close.test' }], serve: { port: 0 } });
    const port = getMemoryDnsInstance('closing')!.address!.port;
    await kernel.close();
    expect(getMemoryDnsInstance('closing')).toBeUndefined();
    // The port is free again on both protocols.
    const server = await startDnsServer({ zones: new MemoryZones(), port });
    await server.close();
  });

  it('refuses invalid options', async () => {
    for (const options of [{ serve: { port: 70000 } }, { serve: true }, { zones: [{ records: [] }] }, { id: '' }]) {
      await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('fails apply with a clear message for a bad zone, leaving no instance behind', async () => {
    await expect(start({ id: 'bad-zone', zones: [{ name: 'not a zone' }] })).rejects.toMatchObject({
      code: 'PLUGIN_APPLY_FAILED',
      message: expect.stringContaining('"not a zone" is not a valid DNS name'),
    });
    expect(getMemoryDnsInstance('bad-zone')).toBeUndefined();
  });

  it('refuses a second running instance with the same id', async () => {
    await start({ id: 'twice' });
    await expect(start({ id: 'twice' })).rejects.toMatchObject({
      code: 'PLUGIN_APPLY_FAILED',
      message: expect.stringContaining('id "twice" is already running'),
    });
  });
});
