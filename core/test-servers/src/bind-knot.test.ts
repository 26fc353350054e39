// startBind and startKnot, checked with BIND's own tools (nsupdate, dig) and node:dns: zones and records served,
// what each key may do, and a clean stop.
import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBinary } from './binaries.ts';
import { requireBind, startBind, type AuthoritativeOptions, type AuthoritativeServer, type TsigKeyInfo } from './bind.ts';
import { requireKnot, startKnot } from './knot.ts';

const haveTools = requireBinary('nsupdate') && requireBinary('dig');

const servers = [
  { label: 'BIND', available: requireBind(), start: startBind },
  { label: 'Knot', available: requireKnot(), start: startKnot },
];

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(file: string, args: string[], input?: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: 10_000 }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}` }));
    child.stdin?.end(input ?? '');
  });
}

/** nsupdate signed with `key` (or unsigned), one `send`. */
function nsupdate(server: AuthoritativeServer, key: TsigKeyInfo | undefined, commands: string[]) {
  const script = [`server ${server.host} ${server.dnsPort}`, 'zone example.test', ...commands, 'send', ''].join('\n');
  return run('nsupdate', key ? ['-y', `${key.algorithm}:${key.name}:${key.secret}`] : [], script);
}

function axfr(server: AuthoritativeServer, key: TsigKeyInfo) {
  return run('dig', ['-y', `${key.algorithm}:${key.name}:${key.secret}`, '-p', String(server.dnsPort), `@${server.host}`, 'example.test', 'AXFR', '+time=5', '+tries=1']);
}

const ZONES: AuthoritativeOptions['zones'] = [
  {
    name: 'Example.Test.',
    records: [
      { name: 'www', type: 'A', values: ['192.0.2.1', '192.0.2.2'] },
      { name: 'v6.example.test', type: 'AAAA', ttl: 30, values: ['2001:db8::1'] },
      { name: 'alias', type: 'CNAME', values: ['www.example.test'] },
      { name: '_verify', type: 'TXT', values: ['token "quoted" \\ done', 'x'.repeat(300)] },
    ],
  },
  { name: 'second.test' },
];

for (const { label, available, start } of servers) {
  describe.skipIf(!available || !haveTools)(`start${label === 'BIND' ? 'Bind' : 'Knot'}`, () => {
    let server: AuthoritativeServer;
    let resolver: Resolver;
    const key = (name: string) => server.keys.find((k) => k.name === name) as TsigKeyInfo;

    beforeAll(async () => {
      server = await start({
        zones: ZONES,
        keys: [{ name: 'all-key' }, { name: 'sha512-key', algorithm: 'hmac-sha512' }, { name: 'txt-key', update: ['TXT'], transfer: false }, { name: 'no-key', update: false, transfer: false }],
      });
      resolver = new Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([`${server.host}:${server.dnsPort}`]);
    });
    afterAll(() => server?.stop());

    it('serves the zones with SOA, NS and the records given', async () => {
      expect(server.zones).toEqual(['example.test', 'second.test']);
      expect(await resolver.resolveSoa('second.test')).toMatchObject({ nsname: 'ns1.second.test', hostmaster: 'hostmaster.second.test', serial: 1 });
      expect(await resolver.resolveNs('example.test')).toEqual(['ns1.example.test']);
      expect(await resolver.resolve4('ns1.example.test')).toEqual([server.host]);
      expect((await resolver.resolve4('www.example.test')).sort()).toEqual(['192.0.2.1', '192.0.2.2']);
      expect(await resolver.resolve6('v6.example.test', { ttl: true })).toEqual([{ address: '2001:db8::1', ttl: 30 }]);
      expect(await resolver.resolveCname('alias.example.test')).toEqual(['www.example.test']);
      const txt = await resolver.resolveTxt('_verify.example.test');
      expect(txt.map((chunks) => chunks.join('')).sort()).toEqual(['token "quoted" \\ done', 'x'.repeat(300)]);
    });

    it('generates base64 secrets of 32 random bytes and keeps given options', () => {
      expect(server.keys.map(({ name, algorithm, update, transfer }) => ({ name, algorithm, update, transfer }))).toEqual([
        { name: 'all-key', algorithm: 'hmac-sha256', update: true, transfer: true },
        { name: 'sha512-key', algorithm: 'hmac-sha512', update: true, transfer: true },
        { name: 'txt-key', algorithm: 'hmac-sha256', update: ['TXT'], transfer: false },
        { name: 'no-key', algorithm: 'hmac-sha256', update: false, transfer: false },
      ]);
      for (const k of server.keys) expect(Buffer.from(k.secret, 'base64')).toHaveLength(32);
      expect(new Set(server.keys.map((k) => k.secret)).size).toBe(4);
    });

    it('takes updates signed by a key that may update, in every zone', async () => {
      for (const name of ['all-key', 'sha512-key']) {
        const result = await nsupdate(server, key(name), [`update add ${name}.example.test 60 A 192.0.2.50`]);
        expect(result, result.output).toMatchObject({ ok: true });
        expect(await resolver.resolve4(`${name}.example.test`)).toEqual(['192.0.2.50']);
      }
      const second = await run('nsupdate', ['-y', `hmac-sha256:all-key:${key('all-key').secret}`], `server ${server.host} ${server.dnsPort}\nzone second.test\nupdate add a.second.test 60 TXT "hi"\nsend\n`);
      expect(second, second.output).toMatchObject({ ok: true });
      expect(await resolver.resolveTxt('a.second.test')).toEqual([['hi']]);
    });

    it('refuses updates a key may not make, unsigned ones and wrong secrets', async () => {
      const txt = await nsupdate(server, key('txt-key'), ['update add t.example.test 60 TXT "ok"']);
      expect(txt, txt.output).toMatchObject({ ok: true });
      for (const attempt of [
        nsupdate(server, key('txt-key'), ['update add ta.example.test 60 A 192.0.2.1']),
        nsupdate(server, key('no-key'), ['update add n.example.test 60 A 192.0.2.1']),
        nsupdate(server, undefined, ['update add u.example.test 60 A 192.0.2.1']),
        nsupdate(server, { ...key('all-key'), secret: Buffer.alloc(32, 1).toString('base64') }, ['update add w.example.test 60 A 192.0.2.1']),
      ]) {
        const result = await attempt;
        expect(result.output).toMatch(/update failed: (REFUSED|NOTAUTH)/);
      }
      for (const name of ['ta', 'n', 'u', 'w']) await expect(resolver.resolve4(`${name}.example.test`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });

    it('allows zone transfers to keys with transfer only', async () => {
      const allowed = await axfr(server, key('all-key'));
      expect(allowed.output).toMatch(/www\.example\.test\.\s+60\s+IN\s+A\s+192\.0\.2\.1/);
      const denied = await axfr(server, key('txt-key'));
      expect(denied.output).not.toMatch(/www\.example\.test\.\s+60\s+IN\s+A/);
    });
  });

  describe.skipIf(!available)(`stopping ${label}`, () => {
    it('leaves no process and no directory behind', async () => {
      const server = await start({ zones: [{ name: 'example.test' }] });
      expect(server.keys).toEqual([expect.objectContaining({ name: 'portico-test', algorithm: 'hmac-sha256', update: true, transfer: true })]);
      expect(isRunning(server.pid)).toBe(true);
      expect(existsSync(server.dir)).toBe(true);
      await server.stop();
      await server.stop(); // twice is fine
      expect(isRunning(server.pid)).toBe(false);
      expect(existsSync(server.dir)).toBe(false);
      const resolver = new Resolver({ timeout: 300, tries: 1 });
      resolver.setServers([`${server.host}:${server.dnsPort}`]);
      await expect(resolver.resolveSoa('example.test')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|ETIMEOUT/) });
    });

    it('runs independent servers side by side, with no zones at all too', async () => {
      const [a, b] = await Promise.all([start({ zones: [{ name: 'a.test' }] }), start()]);
      try {
        expect(a.dnsPort).not.toBe(b.dnsPort);
        expect(b.zones).toEqual([]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });

    it('fails with the log when the configuration is refused, leaving nothing behind', async () => {
      await expect(start({ zones: [{ name: 'example.test', records: [{ name: 'bad', type: 'A', values: ['not-an-address'] }] }], readyTimeoutMs: 3000 })).rejects.toThrow(/did not become ready[\s\S]*log/);
    });
  });
}
