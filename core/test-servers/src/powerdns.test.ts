import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePowerDns } from './binaries.ts';
import { startPowerDns, type PowerDns } from './powerdns.ts';

const available = requirePowerDns();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!available)('startPowerDns', () => {
  let pdns: PowerDns;
  let resolver: Resolver;

  beforeAll(async () => {
    pdns = await startPowerDns({
      zones: [{ name: 'example.test', records: [{ name: 'www', type: 'A', values: ['192.0.2.1', '192.0.2.2'] }] }],
    });
    resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${pdns.dnsPort}`]);
  });
  afterAll(() => pdns?.stop());

  it('serves the zones and records it was started with, with a SOA and NS', async () => {
    expect((await resolver.resolve4('www.example.test')).sort()).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(await resolver.resolveNs('example.test')).toEqual(['ns1.example.test']);
    expect(await resolver.resolveSoa('example.test')).toMatchObject({ nsname: 'ns1.example.test', hostmaster: 'hostmaster.example.test' });
  });

  it('creates zones and replaces and deletes record sets through the API', async () => {
    await pdns.createZone('other.test', { nameservers: ['ns-a.example.test', 'ns-b.example.test'] });
    expect((await resolver.resolveNs('other.test')).sort()).toEqual(['ns-a.example.test', 'ns-b.example.test']);

    const long = 'x'.repeat(300);
    await pdns.setRecords('other.test', { name: '_verify.other.test', type: 'TXT', ttl: 30, values: ['token "quoted"', long] });
    await pdns.setRecords('other.test', { name: 'v6', type: 'AAAA', ttl: 30, values: ['2001:db8::1'] });
    await pdns.setRecords('other.test', { name: 'alias', type: 'CNAME', ttl: 30, values: ['v6.other.test'] });
    expect((await resolver.resolveTxt('_verify.other.test')).map((chunks) => chunks.join('')).sort()).toEqual(['token "quoted"', long]);
    expect(await resolver.resolve6('v6.other.test')).toEqual(['2001:db8::1']);
    expect(await resolver.resolveCname('alias.other.test')).toEqual(['v6.other.test']);

    await pdns.setRecords('other.test', { name: '_verify', type: 'TXT', values: ['replaced'] });
    expect(await resolver.resolveTxt('_verify.other.test')).toEqual([['replaced']]);
    await pdns.deleteRecords('other.test', '_verify', 'TXT');
    await expect(resolver.resolveTxt('_verify.other.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('reports API errors with the status and PowerDNS message', async () => {
    await expect(pdns.setRecords('example.test', { name: 'bad', type: 'A', values: ['not-an-ip'] })).rejects.toThrow(/422/);
    await expect(pdns.createZone('example.test')).rejects.toThrow(/409|Conflict/);
  });
});

describe.skipIf(!available)('stopping PowerDNS', () => {
  it('leaves no process and no directory behind', async () => {
    const pdns = await startPowerDns();
    expect(isRunning(pdns.pid)).toBe(true);
    expect(existsSync(pdns.dir)).toBe(true);
    await pdns.stop();
    await pdns.stop(); // twice is fine
    expect(isRunning(pdns.pid)).toBe(false);
    expect(existsSync(pdns.dir)).toBe(false);
    const resolver = new Resolver({ timeout: 300, tries: 1 });
    resolver.setServers([`127.0.0.1:${pdns.dnsPort}`]);
    await expect(resolver.resolve4('www.example.test')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|ETIMEOUT/) });
  });

  it('runs independent servers side by side on their own ports', async () => {
    const [a, b] = await Promise.all([startPowerDns(), startPowerDns()]);
    try {
      expect(new Set([a.dnsPort, a.apiPort, b.dnsPort, b.apiPort]).size).toBe(4);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
