import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadPort, MemoryZones, startDnsServer, type DnsServer } from '@portico/dns-memory/testing';
import { requirePebble, startPebble, type Pebble } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { cliRunner, collectingLogger, createTestDatabase, REPO_ROOT } from './helpers.ts';

// `portico doctor` and `portico plugins list` from the machine they run on: a DNS server that answers and one that
// does not, an edge it can deliver to and one whose admin API is down, and a real ACME directory (Pebble).
describe('portico doctor and plugins list', () => {
  let dir: string;
  let dns: DnsServer;
  let pebble: Pebble | undefined;
  let configFile: string;
  let silentDns: string;
  const cli = cliRunner(() => configFile);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portico-doctor-'));
    dns = await startDnsServer({ zones: new MemoryZones([{ name: 'doctor.test', records: [{ name: '_portico-challenge.shop.doctor.test', type: 'TXT', ttl: 60, values: ['abc'] }] }]) });
    silentDns = `127.0.0.1:${await deadPort()}`;
    // Without pebble (apt-get install pebble) the ACME check is left out; CI=true makes requirePebble() throw.
    pebble = requirePebble() ? await startPebble({ dnsServer: `127.0.0.1:${dns.port}`, httpPort: await deadPort(), tlsPort: await deadPort(), alwaysValid: true }) : undefined;
    const caddyDown = `http://127.0.0.1:${await deadPort()}`;
    configFile = join(REPO_ROOT, `.tmp-doctor-${Date.now()}.json`);
    await writeFile(
      configFile,
      JSON.stringify({
        database: { url: await createTestDatabase() },
        secrets: { keyFile: join(dir, 'keys.json') },
        dns: { mode: 'resolver', servers: [`127.0.0.1:${dns.port}`, silentDns], timeoutMs: 300, tries: 1 },
        plugins: [
          { package: '@portico/verify-dns-txt' },
          { package: '@portico/edge-traefik', options: { delivery: { kind: 'file', path: join(dir, 'traefik.yaml') } } },
          { package: '@portico/edge-caddy', options: { askUrl: 'http://127.0.0.1:9/edge/ask', adminUrl: caddyDown, adminTimeoutMs: 2000 } },
          { package: '@portico/dns-memory', enabled: false },
          ...(pebble ? [{ package: '@portico/cert-acme', options: { directoryUrl: pebble.directoryUrl, caBundlePem: pebble.caPem, accountKeyFile: join(dir, 'acme.pem') } }] : []),
        ],
        edges: [
          { id: 'traefik-files', edge: 'traefik' },
          { id: 'caddy-down', edge: 'caddy' },
        ],
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await dns?.close();
    await pebble?.stop();
    if (configFile) await rm(configFile, { force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('doctor checks the database, each DNS server, each edge and the ACME directory, and exits 1 on a failure', async () => {
    const { code, out, err } = await cli('doctor', '--hostname', '_portico-challenge.shop.doctor.test');
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(out).toMatch(/^database\s+ok\s+PostgreSQL \d+/m);
    expect(out).toMatch(new RegExp(`^dns 127\\.0\\.0\\.1:${dns.port}\\s+ok\\s+answers`, 'm'));
    expect(out).toMatch(new RegExp(`^dns ${silentDns.replace(/\./g, '\\.')}\\s+FAIL\\s+no answer \\((ETIMEOUT|ECONNREFUSED)\\)`, 'm'));
    expect(out).toMatch(/^dns lookup _portico-challenge\.shop\.doctor\.test\s+ok\s+.*TXT found/m);
    expect(out).toMatch(/^edge traefik-files\s+ok\s+traefik: reachable/m);
    expect(out).toMatch(/^edge caddy-down\s+FAIL\s+caddy: /m);
    if (pebble) expect(out).toMatch(/^acme\s+ok\s+https:\/\/127\.0\.0\.1:\d+\/dir: an ACME directory/m);

    const json = JSON.parse((await cli('doctor', '--json')).out) as Array<{ check: string; ok: boolean }>;
    expect(json.map((c) => [c.check, c.ok])).toEqual([
      ['database', true],
      [`dns 127.0.0.1:${dns.port}`, true],
      [`dns ${silentDns}`, false],
      ['edge traefik-files', true],
      ['edge caddy-down', false],
      ...(pebble ? [['acme', true]] : []),
    ]);
  });

  it('plugins list names each plugin with its version, kernel range and what it provides, without starting anything', async () => {
    const { code, out } = await cli('plugins', 'list');
    expect(code).toBe(0);
    expect(out).toMatch(/^edge\.traefik\s+\d+\.\d+\.\d+\s+\^0\.1\.\d+\s+@portico\/edge-traefik\s+edge traefik\s+ok$/m);
    expect(out).toMatch(/^verify\.dns-txt\s+.*method dns-txt\s+ok$/m);
    expect(out).toMatch(/^-\s+-\s+-\s+@portico\/dns-memory\s+-\s+disabled$/m);
    const json = JSON.parse((await cli('plugins', 'list', '--json')).out) as Array<{ package: string; status: string }>;
    expect(json.find((p) => p.package === '@portico/edge-caddy')).toMatchObject({ id: 'edge.caddy', provides: ['edge caddy'], status: 'ok' });
  });

  it('plugins list reports a plugin whose options its schema refuses, and exits 1', async () => {
    const bad = join(REPO_ROOT, `.tmp-doctor-bad-${Date.now()}.json`);
    await writeFile(bad, JSON.stringify({ plugins: [{ package: '@portico/edge-traefik', options: { delivery: { kind: 'carrier-pigeon' } } }, { package: '@portico/no-such-plugin' }] }));
    let out = '';
    try {
      const code = await runCli(['plugins', 'list', '--config', bad], { out: (t) => (out += t), err: () => undefined, logger: collectingLogger().logger });
      expect(code).toBe(1);
    } finally {
      await rm(bad, { force: true });
    }
    expect(out).toMatch(/^edge\.traefik .*invalid options: delivery/m);
    expect(out).toMatch(/@portico\/no-such-plugin .*cannot find the package/);
  });
});
