import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freeUdpTcpPort } from '../src/free-port.ts';
import { createTestDatabase, REPO_ROOT } from './helpers.ts';

// `npm start` is `node core/server/src/main.ts`: run it as a person would, in a folder of its own, and stop it
// with a signal. Bounded: every wait has a deadline, and a child still alive at the end is killed.
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(async () => {
  // A child still running after a failed test gets SIGTERM first, so it stops its PostgreSQL; SIGKILL only if stuck.
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
});

function watch(child: ChildProcess) {
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const until = (pattern: RegExp, ms = 90_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; output:\n${output}`)), ms);
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.on('exit', () => {
        clearTimeout(timer);
        reject(new Error(`exited (${child.exitCode}) before ${pattern}; output:\n${output}`));
      });
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, until, exited, output: () => output };
}

function start(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watch(child);
}

function folderWithConfig(config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-main-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must be able to enter the folder
  writeFileSync(join(dir, 'portico.config.json'), JSON.stringify({ http: { port: 0 }, ...config }));
  return dir;
}

const plugins = [{ package: join(REPO_ROOT, 'plugins/verify-dns-txt') }];
const embedded = { database: { embedded: { port: 0 } } };

/** A demo-like config: seeded, with the in-memory DNS server on `dnsPort`. */
const demoConfig = (dnsPort: number) => ({
  seedDemo: true,
  ...embedded,
  dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`] },
  plugins: [...plugins, { package: join(REPO_ROOT, 'plugins/dns-memory'), options: { serve: { host: '127.0.0.1', port: dnsPort }, zones: [{ name: 'demo.portico.test' }] } }],
});

const postmaster = (cwd: string) => {
  const lines = readFileSync(join(cwd, '.portico/postgres/postmaster.pid'), 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
};
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};
/** Bounded wait for a process to be gone (its exit may trail its parent's by a moment). */
async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 150 && !gone(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return gone(pid);
}
const tcpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
const udpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4').once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
const login = (url: string, email: string, password: string) =>
  fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }), signal: AbortSignal.timeout(10_000) });

// Each start initialises or opens a durable PostgreSQL; on a busy two-core machine a test that starts Portico
// three times takes a minute or more, so the limit is generous (it only stops a hung test).
describe('main.ts', { timeout: 300_000 }, () => {
  it('demo mode: embedded PostgreSQL in ./.portico, labelled DEMO MODE with the demo login; SIGINT leaves nothing behind', async () => {
    const cwd = folderWithConfig({ ...embedded, seedDemo: true, plugins });
    const run = start([], { cwd });
    const [, url] = await run.until(/Portico is up: (http:\/\/\S+)/);
    await run.until(/DEMO MODE — demo login: demo@portico\.local \/ portico-demo/);
    expect((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect(existsSync(join(cwd, '.portico/postgres/PG_VERSION'))).toBe(true);
    // The cluster's superuser password is random and kept beside the data, readable by its owner only.
    expect(statSync(join(cwd, '.portico/postgres.password')).mode & 0o777).toBe(0o600);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(cwd, '.portico/postgres/postmaster.pid'))).toBe(false);

    // The data is reused on the next start: the demo user exists, so the seed does not run again.
    const again = start([], { cwd });
    const [, url2] = await again.until(/Portico is up: (http:\/\/\S+)/);
    expect((await login(url2!, 'demo@portico.local', 'portico-demo')).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(existsSync(join(cwd, '.portico/postgres/postmaster.pid'))).toBe(false);
  });

  it('SIGTERM stops the API, the demo DNS server and PostgreSQL, frees every port, and the next start on the same data works', async () => {
    const dnsPort = await freeUdpTcpPort();
    const cwd = folderWithConfig(demoConfig(dnsPort));
    const run = start([], { cwd });
    const [, url] = await run.until(/Portico is up: (http:\/\/\S+)/);
    await run.until(new RegExp(`Demo DNS \\(DNS checks ask\\): 127\\.0\\.0\\.1:${dnsPort}`));
    const httpPort = Number(new URL(url!).port);
    const database = postmaster(cwd);
    expect(gone(database.pid)).toBe(false);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(await waitGone(database.pid)).toBe(true);
    expect(await tcpFree(httpPort)).toBe(true);
    expect(await tcpFree(dnsPort)).toBe(true);
    expect(await udpFree(dnsPort)).toBe(true);
    expect(await tcpFree(database.port)).toBe(true);

    const again = start([], { cwd });
    const [, url2] = await again.until(/Portico is up: (http:\/\/\S+)/);
    expect((await fetch(`${url2}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    again.child.kill('SIGHUP');
    expect(await again.exited).toBe(0);
    expect(existsSync(join(cwd, '.portico/postgres/postmaster.pid'))).toBe(false);
  });

  it('a signal during start-up stops what had started (PostgreSQL included) and exits', async () => {
    const cwd = folderWithConfig({ ...embedded, plugins });
    const run = start([], { cwd, env: { LOG_LEVEL: 'info' } });
    await run.until(/starting embedded PostgreSQL/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).not.toMatch(/Portico is up/);
    // Whatever start-up had reached, no postmaster is left on the data folder.
    const pidFile = join(cwd, '.portico/postgres/postmaster.pid');
    if (existsSync(pidFile)) expect(await waitGone(postmaster(cwd).pid)).toBe(true);
  });

  it('a port in use stops start-up with a message naming the port and the process, and PostgreSQL is stopped again', async () => {
    // The demo DNS server's port, held by this test process (TCP and UDP).
    const dnsPort = await freeUdpTcpPort();
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(dnsPort, '127.0.0.1', resolve));
    const tcp = createServer();
    await new Promise<void>((resolve) => tcp.listen(dnsPort, '127.0.0.1', resolve));
    try {
      const cwd = folderWithConfig(demoConfig(dnsPort));
      const run = start([], { cwd });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`127.0.0.1:${dnsPort} is in use by pid ${process.pid}`);
      expect(existsSync(join(cwd, '.portico/postgres/PG_VERSION'))).toBe(true); // PostgreSQL had started…
      expect(existsSync(join(cwd, '.portico/postgres/postmaster.pid'))).toBe(false); // …and was stopped

      // The API port: PORT_IN_USE, naming the port and this process.
      const busy = start([], { cwd: folderWithConfig({ ...embedded, plugins }), env: { PORT: String(dnsPort) } });
      expect(await busy.exited).toBe(1);
      expect(busy.output()).toMatch(new RegExp(`\\[PORT_IN_USE\\].*port ${dnsPort} on 127\\.0\\.0\\.1 is in use by pid ${process.pid}`));
    } finally {
      udp.close();
      tcp.close();
    }
  });

  it('npm start: SIGTERM to npm reaches Portico, which stops PostgreSQL; when npm dies otherwise, Portico stops too', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'portico-npm-')), 'pg');
    chmodSync(join(dataDir, '..'), 0o755);
    const cwd = folderWithConfig({ ...embedded, database: { embedded: { port: 0, dataDir } }, plugins });
    const npmStart = () =>
      watch(spawn('npm', ['start'], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', PORTICO_CONFIG: join(cwd, 'portico.config.json') }, stdio: ['ignore', 'pipe', 'pipe'] }));
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const run = npmStart();
      await run.until(/Portico is up: (http:\/\/\S+)/);
      const node = Number(readFileSync(`${dataDir}.owner`, 'utf8'));
      const database = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      run.child.kill(signal);
      await run.exited;
      expect(await waitGone(node), `${signal}: node`).toBe(true);
      expect(await waitGone(database), `${signal}: PostgreSQL`).toBe(true);
    }
  });

  it('two instances of the demo config run side by side (PORT=0, each its own data folder and demo DNS port)', async () => {
    const config = join(REPO_ROOT, 'portico.config.ts');
    const runs = [0, 1].map(() => {
      const cwd = mkdtempSync(join(tmpdir(), 'portico-twin-'));
      chmodSync(cwd, 0o755);
      // Keys from the environment, so nothing is written beside the repository's config.
      return start(['--config', config], { cwd, env: { PORT: '0', PORTICO_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64url')}` } });
    });
    const urls = await Promise.all(runs.map(async (run) => (await run.until(/Portico is up: (http:\/\/\S+)/))[1]!));
    const dns = await Promise.all(runs.map(async (run) => (await run.until(/Demo DNS \(DNS checks ask\): (\S+)/))[1]));
    expect(new Set(urls).size).toBe(2);
    expect(new Set(dns).size).toBe(2);
    for (const url of urls) expect((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    for (const run of runs) run.child.kill('SIGTERM');
    for (const run of runs) expect(await run.exited).toBe(0);
  });

  it('without demo mode no account exists and start-up says how to create the first owner; DATABASE_URL never gets the demo owner', async () => {
    const cwd = folderWithConfig({ ...embedded, plugins });
    const run = start([], { cwd });
    const [, url] = await run.until(/Portico is up: (http:\/\/\S+)/);
    await run.until(/npm run portico -- users create-owner --email/);
    expect(run.output()).not.toMatch(/DEMO MODE/);
    expect((await login(url!, 'demo@portico.local', 'portico-demo')).status).toBe(401);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);

    const databaseUrl = await createTestDatabase();
    const external = start([], { cwd: folderWithConfig({ seedDemo: true, plugins }), env: { DATABASE_URL: databaseUrl } });
    await external.until(/users create-owner/);
    expect(external.output()).not.toMatch(/DEMO MODE/);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      expect((await client.query('select count(*)::int as n from users')).rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    external.child.kill('SIGTERM');
    expect(await external.exited).toBe(0);
  });

  it('runs the API and the worker as separate processes on one DATABASE_URL (--role api|worker)', async () => {
    const databaseUrl = await createTestDatabase();
    const cwd = folderWithConfig({ plugins });
    const api = start(['--role', 'api'], { cwd, env: { DATABASE_URL: databaseUrl } });
    const [, url] = await api.until(/Portico is up: (http:\/\/\S+)/);
    const worker = start(['--role', 'worker'], { cwd, env: { DATABASE_URL: databaseUrl } });
    await worker.until(/worker is running/);
    expect((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    worker.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await api.exited).toBe(0);
  });

  it('stops with a message naming the field when the config is wrong, and refuses an unknown role', async () => {
    const bad = start([], { cwd: folderWithConfig({ http: { port: 'eighty' } }) });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/CONFIG_INVALID.*http\.port/);

    const role = start(['--role', 'both'], { cwd: folderWithConfig({}) });
    expect(await role.exited).toBe(2);
  });
});
