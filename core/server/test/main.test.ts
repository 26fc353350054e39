import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, REPO_ROOT } from './helpers.ts';

// `npm start` is `node core/server/src/main.ts`: run it as a person would, in a folder of its own, and stop it
// with a signal. Bounded: every wait has a deadline, and a child still alive at the end is killed.
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const until = (pattern: RegExp, ms = 60_000) =>
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

function folderWithConfig(config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-main-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must be able to enter the folder
  writeFileSync(join(dir, 'portico.config.json'), JSON.stringify({ http: { port: 0 }, ...config }));
  return dir;
}

const plugins = [{ package: join(REPO_ROOT, 'plugins/verify-dns-txt') }];

describe('main.ts', () => {
  it('starts on an embedded PostgreSQL in ./.portico, answers /readyz, prints the demo login, and leaves nothing behind on SIGINT', async () => {
    const cwd = folderWithConfig({ plugins, database: { embedded: { port: 0 } } });
    const run = start([], { cwd });
    const [, url] = await run.until(/Portico is up: (http:\/\/\S+)/);
    await run.until(/Demo login: demo@portico\.local \/ portico-demo/);
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
    expect(ready.status).toBe(200);
    expect(existsSync(join(cwd, '.portico/postgres/PG_VERSION'))).toBe(true);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    // PostgreSQL removes its pid file when it has stopped.
    expect(existsSync(join(cwd, '.portico/postgres/postmaster.pid'))).toBe(false);

    // The data is reused on the next start: the demo user exists, so the seed does not run again.
    const again = start([], { cwd });
    const [, url2] = await again.until(/Portico is up: (http:\/\/\S+)/);
    const login = await fetch(`${url2}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@portico.local', password: 'portico-demo' }),
      signal: AbortSignal.timeout(5000),
    });
    expect(login.status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(existsSync(join(cwd, '.portico/postgres/postmaster.pid'))).toBe(false);
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
