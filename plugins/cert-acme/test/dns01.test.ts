import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import type { IssueCertInput, Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { freePort, requirePebble, requirePowerDns, startPebble, startPowerDns, type Pebble, type PowerDns } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import certAcme from '../src/index.ts';
import { chainOf, expectChainVerifies } from './certs.ts';
import { startAcmeHarness, type AcmeHarness } from './harness.ts';

const available = requirePebble();
const ZONE = 'shop.example.test';

describe.skipIf(!available)('cert.acme DNS-01 against Pebble, TXT records in dns.memory', () => {
  let harness: AcmeHarness;

  beforeAll(async () => {
    harness = await startAcmeHarness({ id: 'cert-acme-dns01', zone: ZONE });
  });
  afterAll(() => harness?.teardown());

  it('issues for a wildcard and its apex through DNS-01 (HTTP-01 offered but not usable) and removes the TXT values', async () => {
    harness.events.length = 0;
    const cert = await harness.kernel.issueCert({
      hostnames: ['*.shop.example.test', 'shop.example.test'],
      challenges: { http: harness.http(), dns: harness.dns() },
    });
    if (cert.kind !== 'issued') throw new Error(`expected an issued certificate, got ${cert.kind}`);

    const chain = chainOf(cert.certificatePem);
    expect(chain[0].subjectAltName?.split(', ').sort()).toEqual(['DNS:*.shop.example.test', 'DNS:shop.example.test']);
    expect(chain[0].checkHost('anything.shop.example.test')).toBe('*.shop.example.test');
    expect(chain[0].checkHost('a.b.shop.example.test')).toBeUndefined();
    expect(cert.issuer).toMatch(/^Pebble Intermediate CA/);
    expect(cert.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(chain[0].checkPrivateKey(createPrivateKey(cert.privateKeyPem))).toBe(true);
    expectChainVerifies(chain, await harness.pebble.rootsPem());

    // Both authorizations put their value on the same name; both were presented, then withdrawn.
    expect([...harness.events].sort()).toEqual([
      'cleanup dns *.shop.example.test',
      'cleanup dns shop.example.test',
      'present dns *.shop.example.test',
      'present dns shop.example.test',
    ]);
    expect(harness.zones.get('_acme-challenge.shop.example.test', 'TXT')).toBeUndefined();
  });

  it('fails with reason challenge_failed when the TXT value is wrong, and names the record', async () => {
    harness.events.length = 0;
    const dns = harness.dns();
    const wrong: NonNullable<IssueCertInput['challenges']>['dns'] = {
      present: (record) => dns.present({ ...record, value: 'not-the-digest' }),
      cleanup: (record) => dns.cleanup({ ...record, value: 'not-the-digest' }),
    };
    const error = await harness.kernel.issueCert({ hostnames: ['api.shop.example.test'], challenges: { dns: wrong } }).catch((err: unknown) => err);
    expect(error).toMatchObject({ reason: 'challenge_failed', hostname: 'api.shop.example.test' });
    expect((error as Error).message).toContain('_acme-challenge.api.shop.example.test');
    expect(harness.events).toEqual(['present dns api.shop.example.test', 'cleanup dns api.shop.example.test']);
    expect(harness.zones.get('_acme-challenge.api.shop.example.test', 'TXT')).toBeUndefined();
  });

  it('uses only DNS-01 when preferredChallenge says so, and refuses when the caller cannot present it', async () => {
    const kernel = await createTestKernel([
      { plugin: certAcme, options: { directoryUrl: harness.pebble.directoryUrl, caBundlePem: harness.pebble.caPem, preferredChallenge: 'dns-01', accountKeyFile: join(tmpdir(), `portico-acme-dns01-${process.pid}.pem`), timeoutMs: 20_000 } },
    ]);
    try {
      const error = await kernel.issueCert({ hostnames: ['shop.example.test'], challenges: { http: harness.http() } }).catch((err: unknown) => err);
      expect(error).toMatchObject({ reason: 'no_challenge' });
      expect((error as Error).message).toContain('preferredChallenge is dns-01');
    } finally {
      await kernel.close();
    }
  });
});

describe.skipIf(!available || !requirePowerDns())('cert.acme DNS-01 against Pebble, TXT records in a real PowerDNS', () => {
  let pdns: PowerDns;
  let pebble: Pebble;
  let kernel: Kernel;
  let resolver: Resolver;
  const written = new Map<string, Set<string>>();
  const calls: string[] = [];

  // What the server's certificate job does with a DNS provider: add the value, publish the whole set; remove it.
  const dns: NonNullable<IssueCertInput['challenges']>['dns'] = {
    async present({ name, value }) {
      calls.push(`present ${name}`);
      const values = written.get(name) ?? new Set();
      written.set(name, values.add(value));
      await pdns.setRecords('pdns.example.test', { name, type: 'TXT', ttl: 1, values: [...values] });
    },
    async cleanup({ name, value }) {
      calls.push(`cleanup ${name}`);
      const values = written.get(name) ?? new Set();
      values.delete(value);
      if (values.size) await pdns.setRecords('pdns.example.test', { name, type: 'TXT', ttl: 1, values: [...values] });
      else await pdns.deleteRecords('pdns.example.test', name, 'TXT');
    },
  };

  beforeAll(async () => {
    pdns = await startPowerDns({ zones: [{ name: 'pdns.example.test' }] });
    // No HTTP-01 here: the ports only have to be valid.
    pebble = await startPebble({ dnsServer: `127.0.0.1:${pdns.dnsPort}`, httpPort: await freePort(), tlsPort: await freePort() });
    kernel = await createTestKernel([{ plugin: certAcme, options: { directoryUrl: pebble.directoryUrl, caBundlePem: pebble.caPem, accountKeyFile: join(tmpdir(), `portico-acme-dns01-${process.pid}.pem`), timeoutMs: 20_000, pollMaxMs: 250 } }]);
    resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${pdns.dnsPort}`]);
  });
  afterAll(async () => {
    await kernel?.close();
    await pebble?.stop();
    await pdns?.stop();
  });

  it('issues for *.pdns.example.test, validated through the TXT record PowerDNS serves, then deletes it', async () => {
    const cert = await kernel.issueCert({ hostnames: ['*.pdns.example.test'], challenges: { dns } });
    if (cert.kind !== 'issued') throw new Error(`expected an issued certificate, got ${cert.kind}`);
    const chain = chainOf(cert.certificatePem);
    expect(chain[0].subjectAltName).toBe('DNS:*.pdns.example.test');
    expectChainVerifies(chain, await pebble.rootsPem());
    expect(calls).toEqual(['present _acme-challenge.pdns.example.test', 'cleanup _acme-challenge.pdns.example.test']);
    await expect(resolver.resolveTxt('_acme-challenge.pdns.example.test')).rejects.toMatchObject({ code: expect.stringMatching(/ENOTFOUND|ENODATA/) });
  });
});
