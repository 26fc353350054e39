// The plugin without a DNS server: its descriptor, option and credential checks, the server allow-list, and what
// is decided before anything is sent. A loopback socket that never answers counts what would have gone out.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { DnsProviderError, KernelError, type Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { freePort } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rfc2136 from './index.ts';

const SECRET = Buffer.alloc(32, 3).toString('base64');

let port: number;
let udp: Socket;
let tcp: Server;
let received = 0;

beforeAll(async () => {
  port = await freePort({ udp: true });
  udp = createSocket('udp4').on('message', () => received++);
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  tcp = createServer((socket) => socket.on('data', () => received++));
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', resolve));
});

const kernels: Kernel[] = [];
afterAll(async () => {
  for (const kernel of kernels) await kernel.close();
  await new Promise<void>((resolve) => udp?.close(() => resolve()));
  await new Promise<void>((resolve) => tcp?.close(() => resolve()));
});

async function start(options: Record<string, unknown> = {}): Promise<Kernel> {
  const kernel = await createTestKernel([{ plugin: rfc2136, options: { timeoutMs: 200, tries: 1, ...options } }]);
  kernels.push(kernel);
  return kernel;
}

const credential = (extra: Record<string, unknown> = {}) => ({ server: `127.0.0.1:${port}`, keyName: 'portico-key', secret: SECRET, ...extra });
const write = { zone: 'example.test', upsert: [{ name: 'a.example.test', type: 'A' as const, ttl: 60, values: ['192.0.2.1'] }], remove: [] };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

describe('dns.rfc2136 plugin', () => {
  it('describes the provider: owner TXT records, atomic rrset updates, no fixed nameservers by default', async () => {
    const kernel = await start();
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        apiVersion: 1,
        plugin: 'dns.rfc2136',
        provider: 'rfc2136',
        setup: 'api',
        nameservers: [],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'txt' },
        permissions: expect.arrayContaining([expect.stringContaining('zonesub A AAAA CNAME TXT'), expect.stringContaining('No zone transfer')]),
      }),
    ]);
    expect((await start({ nameservers: ['ns*.example.net'] })).descriptors.dnsProviders[0].nameservers).toEqual(['ns*.example.net']);
  });

  it('refuses invalid options', async () => {
    for (const options of [{ allowedServers: ['not a server'] }, { timeoutMs: -1 }, { tries: 0 }]) {
      await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('refuses a credential of the wrong shape with DNS_CREDENTIALS_INVALID, naming the field, sending nothing', async () => {
    const kernel = await start();
    const before = received;
    for (const [bad, field] of [[{ server: 'nowhere:0' }, 'server'], [{ secret: 'not base64!' }, 'secret'], [{ algorithm: 'hmac-md5' }, 'algorithm'], [{ keyName: '' }, 'keyName']] as const) {
      const verified = await failure(kernel.dns('rfc2136').verifyCredentials(credential({ ...bad, zone: 'example.test' })));
      expect(verified).toBeInstanceOf(KernelError);
      expect(verified).toMatchObject({ code: 'DNS_CREDENTIALS_INVALID', details: { issues: [expect.objectContaining({ path: field })] } });
      expect((verified as Error).message).not.toContain(SECRET);
      expect(await failure(kernel.applyRecords('rfc2136', { ...write, credentials: credential(bad) }))).toMatchObject({ code: 'DNS_CREDENTIALS_INVALID' });
    }
    expect(received).toBe(before);
  });

  it('without a zone, verifying a credential checks only its shape and sends nothing', async () => {
    const before = received;
    const result = await (await start()).dns('rfc2136').verifyCredentials(credential());
    expect(result).toEqual({ message: expect.stringContaining('Only the credential\'s shape was checked') });
    expect(received).toBe(before);
  });

  it('with a zone, verifying a credential asks the server (here: one that never answers, so transient)', async () => {
    const before = received;
    const error = await failure((await start()).dns('rfc2136').verifyCredentials(credential({ zone: 'example.test' })));
    expect(error).toBeInstanceOf(DnsProviderError);
    expect(error).toMatchObject({ kind: 'transient' });
    expect(received).toBe(before + 1);
  });

  it('reaches only the servers allowedServers lists, when it lists any', async () => {
    const kernel = await start({ allowedServers: ['192.0.2.53', `LOCALHOST:${port}`] });
    const before = received;
    for (const server of [`127.0.0.1:${port}`, '192.0.2.53:5353', '10.0.0.1']) {
      const verified = await failure(kernel.dns('rfc2136').verifyCredentials(credential({ server, zone: 'example.test' })));
      expect(verified).toBeInstanceOf(DnsProviderError);
      expect(verified).toMatchObject({ kind: 'validation', message: expect.stringContaining('allowedServers') });
      const written = await failure(kernel.applyRecords('rfc2136', { ...write, credentials: credential({ server }) }));
      expect(written).toMatchObject({ kind: 'validation' });
    }
    expect(received).toBe(before);
    // Listed (port 53 implied, host case ignored): accepted; without a zone nothing is sent.
    await kernel.dns('rfc2136').verifyCredentials(credential({ server: '192.0.2.53:53' }));
    await kernel.dns('rfc2136').verifyCredentials(credential({ server: `localhost:${port}` }));
  });

  it('refuses an aborted call before sending anything', async () => {
    const before = received;
    const handle = (await start()).dns('rfc2136');
    const error = await failure(handle.getZone('example.test', credential(), { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(received).toBe(before);
  });
});
