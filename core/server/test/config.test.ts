import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createKernel, createDnsLookup, isKernelError, type Kernel } from '@portico/kernel';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../src/config/load-config.ts';
import { importPlugins } from '../src/config/load-plugins.ts';
import { AppError } from '../src/errors/app-error.ts';
import { createLogger } from '../src/logger.ts';
import { startPortico, type Portico } from '../src/runtime.ts';
import { createTestDatabase, REPO_ROOT, waitFor } from './helpers.ts';

const KERNEL_DIR = join(REPO_ROOT, 'core', 'kernel');

/** A fresh folder outside the repository, removed after the run. */
const folders: string[] = [];
function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-config-test-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function writeFiles(root: string, files: Record<string, string | object>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** `@portico/kernel` installed in `root` the way a third party would have it: node_modules/@portico/kernel. */
function installKernel(root: string): void {
  mkdirSync(join(root, 'node_modules', '@portico'), { recursive: true });
  symlinkSync(KERNEL_DIR, join(root, 'node_modules', '@portico', 'kernel'), 'dir');
}

/** A plugin module offering verification method `method`, which always answers verified. */
const verifierSource = (id: string, method: string) => `import { definePlugin, z } from '@portico/kernel';

export default definePlugin({
  id: '${id}',
  version: '1.2.3',
  kernel: '^0.1.0',
  options: z.object({ label: z.string().default('_${method}') }),
  describe: {
    verificationMethods: [
      {
        method: '${method}',
        title: '${method} check',
        challenge: ({ hostname, token }) => [{ name: '_${method}.' + hostname, type: 'TXT', value: '${method}=' + token }],
      },
    ],
  },
  apply({ hooks, options }) {
    hooks.verify.for('${method}').tapPromise('${id}', async ({ hostname, token }) => ({
      status: 'verified',
      expected: [{ name: options.label + '.' + hostname, type: 'TXT', value: '${method}=' + token }],
      message: 'The ${method} check passed.',
    }));
  },
});
`;

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}
function thrown(fn: () => unknown): Error & { code?: string; details?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

function collectingLogger() {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), logs };
}

function testKernel(): Kernel {
  const { logger } = collectingLogger();
  return createKernel({
    services: { logger, fetch: globalThis.fetch, dns: createDnsLookup({ servers: ['127.0.0.1'] }), secrets: { get: async () => undefined } },
  });
}

describe('loadConfig', () => {
  it('reads an explicit JSON file and resolves plugins from its folder', async () => {
    const dir = tempFolder();
    writeFiles(dir, {
      'conf/portico.json': { http: { port: 9123, host: '0.0.0.0' }, dns: { servers: ['192.0.2.53'] }, seedDemo: false, plugins: [{ package: 'x', enabled: false }] },
    });
    const loaded = await loadConfig({ path: join(dir, 'conf/portico.json'), env: {} });
    expect(loaded.path).toBe(join(dir, 'conf/portico.json'));
    expect(loaded.baseDir).toBe(join(dir, 'conf'));
    expect(loaded.config.http).toMatchObject({ port: 9123, host: '0.0.0.0' });
    expect(loaded.config.dns.servers).toEqual(['192.0.2.53']);
    expect(loaded.config.seedDemo).toBe(false);
    expect(loaded.config.plugins).toEqual([{ package: 'x', enabled: false }]);
    // Defaults fill the rest.
    expect(loaded.config.database.embedded.dataDir).toBe('.portico/postgres');
    expect(loaded.config.verification.defaultMethod).toBe('dns-txt');
  });

  it('finds portico.config.json in cwd, and falls back to defaults when there is none', async () => {
    const dir = tempFolder();
    const empty = tempFolder();
    writeFiles(dir, { 'portico.config.json': { http: { port: 9200 } } });
    const found = await loadConfig({ cwd: dir, env: {} });
    expect(found.path).toBe(join(dir, 'portico.config.json'));
    expect(found.config.http.port).toBe(9200);
    const none = await loadConfig({ cwd: empty, env: {} });
    expect(none.path).toBeUndefined();
    expect(none.baseDir).toBe(empty);
    expect(none.config.http.port).toBe(8780);
    // An empty dns.servers means the system resolvers, so the lookup service has servers to ask.
    expect(none.config.dns.servers.length).toBeGreaterThan(0);
  });

  it('reads a portico.config.ts default export', async () => {
    const dir = tempFolder();
    writeFiles(dir, { 'portico.config.ts': `const port: number = 9300;\nexport default { http: { port } };\n` });
    const loaded = await loadConfig({ cwd: dir, env: {} });
    expect(loaded.path).toBe(join(dir, 'portico.config.ts'));
    expect(loaded.config.http.port).toBe(9300);
  });

  it('takes PORTICO_CONFIG, DATABASE_URL, PORT, HOST and PUBLIC_URL from the env option', async () => {
    const dir = tempFolder();
    writeFiles(dir, { 'elsewhere/custom.json': { http: { port: 9400 }, database: { url: 'postgres://file/db' } } });
    const env = {
      PORTICO_CONFIG: 'elsewhere/custom.json',
      DATABASE_URL: 'postgres://env:secret@db.internal:5432/portico',
      PORT: '9999',
      HOST: '::',
      PUBLIC_URL: 'https://portico.example.com',
    };
    const loaded = await loadConfig({ cwd: dir, env });
    expect(loaded.path).toBe(join(dir, 'elsewhere/custom.json'));
    expect(loaded.config.database.url).toBe(env.DATABASE_URL);
    expect(loaded.config.http).toMatchObject({ port: 9999, host: '::', publicUrl: 'https://portico.example.com' });
    // An explicit path wins over PORTICO_CONFIG.
    writeFiles(dir, { 'explicit.json': { http: { port: 9401 } } });
    expect((await loadConfig({ cwd: dir, path: 'explicit.json', env: { PORTICO_CONFIG: 'elsewhere/custom.json' } })).config.http.port).toBe(9401);
  });

  it('refuses an environment value that breaks the schema, naming the field and the variable', async () => {
    for (const PORT of ['eighty', '70000', '-1', '80.5']) {
      const error = thrown(() => parseConfig({}, { PORT }, 'test'));
      expect(error, PORT).toBeInstanceOf(AppError);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('http.port');
      expect(error.message).toContain('PORT');
    }
    const url = thrown(() => parseConfig({}, { PUBLIC_URL: 'not a url' }, 'test'));
    expect(url.code).toBe('CONFIG_INVALID');
    expect(url.message).toContain('http.publicUrl');
  });

  it('refuses a bad field with CONFIG_INVALID naming it', async () => {
    const dir = tempFolder();
    writeFiles(dir, { 'portico.config.json': { http: { port: 'x' } } });
    const error = await rejection(loadConfig({ cwd: dir, env: {} }));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('http.port');
    expect(error.message).toContain(join(dir, 'portico.config.json'));
    expect(error.details).toEqual({ issues: [expect.objectContaining({ path: 'http.port' })] });

    for (const [raw, field] of [
      [{ dns: { timeoutMs: 10 } }, 'dns.timeoutMs'],
      [{ seedDemo: 'yes' }, 'seedDemo'],
      [{ plugins: [{ package: '' }] }, 'plugins[0].package'],
      [{ plugins: [{ package: '@portico/dns-memory', enabled: 'no' }] }, 'plugins[0] (@portico/dns-memory).enabled'],
      [[], '(root)'],
    ] as const) {
      const e = thrown(() => parseConfig(raw, {}, 'test'));
      expect(e.code, field).toBe('CONFIG_INVALID');
      expect(e.message, field).toContain(field);
    }
  });

  it('refuses a missing or unreadable file with CONFIG_INVALID', async () => {
    const dir = tempFolder();
    expect((await rejection(loadConfig({ path: join(dir, 'nope.json'), env: {} }))).code).toBe('CONFIG_INVALID');
    writeFiles(dir, { 'broken.json': '{ "http": ' });
    const broken = await rejection(loadConfig({ path: join(dir, 'broken.json'), env: {} }));
    expect(broken.code).toBe('CONFIG_INVALID');
    expect(broken.message).toContain('broken.json');
  });
});

describe('plugin entries', () => {
  it('refuses an unknown package with CONFIG_INVALID naming the entry and the package', async () => {
    const error = await rejection(importPlugins([{ package: '@portico/does-not-exist', enabled: true }], REPO_ROOT));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('plugins[0]');
    expect(error.message).toContain('@portico/does-not-exist');

    const second = await rejection(importPlugins([{ package: '@portico/verify-dns-txt', enabled: true }, { package: './missing/plugin.js', enabled: true }], REPO_ROOT));
    expect(second.code).toBe('CONFIG_INVALID');
    expect(second.message).toContain('plugins[1]');
    expect(second.message).toContain('./missing/plugin.js');
  });

  it('refuses a package whose default export is not a plugin with CONFIG_INVALID', async () => {
    const dir = tempFolder();
    writeFiles(dir, {
      'node_modules/portico-plugin-fake/package.json': { name: 'portico-plugin-fake', version: '1.0.0', type: 'module', exports: './index.js' },
      'node_modules/portico-plugin-fake/index.js': `export default { id: 'verify.fake', version: '1.0.0', kernel: '^0.1.0', apply() {} };\n`,
      'no-default.js': `export const plugin = 1;\n`,
    });
    for (const entry of ['portico-plugin-fake', './no-default.js']) {
      const error = await rejection(importPlugins([{ package: entry, enabled: true }], dir));
      expect(error.code, entry).toBe('CONFIG_INVALID');
      expect(error.message, entry).toContain(`plugins[0] (${entry})`);
    }
  });

  it('refuses a plugin that fails to import with CONFIG_INVALID naming the entry', async () => {
    const dir = tempFolder();
    writeFiles(dir, {
      'node_modules/portico-plugin-broken/package.json': { name: 'portico-plugin-broken', version: '1.0.0', type: 'module', exports: './index.js' },
      'node_modules/portico-plugin-broken/index.js': `import 'portico-dependency-not-installed';\nexport default {};\n`,
    });
    const error = await rejection(importPlugins([{ package: 'portico-plugin-broken', enabled: true }], dir));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('plugins[0] (portico-plugin-broken)');
  });

  it('skips disabled entries without importing them', async () => {
    expect(await importPlugins([{ package: '@portico/does-not-exist', enabled: false }], REPO_ROOT)).toEqual([]);
  });

  it('refuses invalid plugin options at kernel registration with PLUGIN_OPTIONS_INVALID naming the plugin and the option', async () => {
    const specs = await importPlugins([{ package: '@portico/dns-memory', enabled: true, options: { serve: { port: 99999 } } }], REPO_ROOT);
    const kernel = testKernel();
    try {
      const error = await rejection(kernel.registerAll(specs));
      expect(isKernelError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
      expect(error.message).toContain('dns.memory');
      expect(error.message).toContain('serve.port');
      expect(error.details).toEqual([expect.objectContaining({ path: 'serve.port' })]);
      expect(kernel.plugins).toEqual([]);
    } finally {
      await kernel.close();
    }

    const other = testKernel();
    try {
      const [spec] = await importPlugins([{ package: '@portico/verify-dns-txt', enabled: true, options: { recordName: 'Not A Label' } }], REPO_ROOT);
      const error = await rejection(other.register(spec));
      expect(error.code).toBe('PLUGIN_OPTIONS_INVALID');
      expect(error.message).toContain('verify.dns-txt');
      expect(error.message).toContain('recordName');
    } finally {
      await other.close();
    }
  });

  it('refuses invalid plugin options at start-up (startPortico) with PLUGIN_OPTIONS_INVALID', async () => {
    const config = parseConfig({ seedDemo: false, plugins: [{ package: '@portico/dns-memory', options: { serve: { port: 99999 } } }] }, {}, 'test');
    config.database.url = await createTestDatabase();
    const { logger } = collectingLogger();
    const error = await rejection(startPortico({ config, baseDir: REPO_ROOT, logger, listen: false }));
    expect(error.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(error.message).toContain('dns.memory');
    expect(error.message).toContain('serve.port');
  });
});

// A plugin installed the way a third party would have it: in node_modules next to the config file, outside this
// repository, with @portico/kernel installed beside it (a symlink to this repository's kernel).
describe('an out-of-tree plugin package', () => {
  let dir: string;
  let portico: Portico;

  beforeAll(async () => {
    dir = tempFolder();
    installKernel(dir);
    writeFiles(dir, {
      'node_modules/portico-plugin-acme-verify/package.json': {
        name: 'portico-plugin-acme-verify',
        version: '1.2.3',
        type: 'module',
        exports: './index.js',
        peerDependencies: { '@portico/kernel': '^0.1.0' },
      },
      'node_modules/portico-plugin-acme-verify/index.js': verifierSource('verify.acme', 'acme'),
      'my-plugin/index.js': verifierSource('verify.local-file', 'local-file'),
      'portico.config.json': {
        seedDemo: true,
        jobs: { pollingIntervalSeconds: 0.5 },
        plugins: [{ package: 'portico-plugin-acme-verify', options: { label: '_acme-challenge' } }, { package: './my-plugin/index.js' }],
      },
    });
    const loaded = await loadConfig({ path: join(dir, 'portico.config.json'), env: {} });
    expect(loaded.baseDir).toBe(dir);
    loaded.config.database.url = await createTestDatabase();
    portico = await startPortico({ config: loaded.config, baseDir: loaded.baseDir, logger: collectingLogger().logger, listen: false });
  });
  afterAll(async () => portico?.stop());

  it('lives outside the repository, and the kernel it imports resolves to real paths outside node_modules', () => {
    expect(realpathSync(dir).startsWith(realpathSync(REPO_ROOT))).toBe(false);
    // Node refuses to strip types under node_modules; the symlink's real path is the kernel's own folder.
    expect(realpathSync(join(dir, 'node_modules', '@portico', 'kernel'))).toBe(realpathSync(KERNEL_DIR));
    expect(realpathSync(KERNEL_DIR)).not.toContain('node_modules');
  });

  it('loads with Node’s own loader too: type stripping works through the symlink, not on a copy under node_modules', () => {
    // Vitest transforms modules itself; a child `node` proves the product path (loadConfig + importPlugins) natively.
    const script = `
      const { loadConfig } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'core/server/src/config/load-config.ts')).href)});
      const { importPlugins } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'core/server/src/config/load-plugins.ts')).href)});
      const { config, baseDir } = await loadConfig({ path: process.argv[1], env: {} });
      try {
        const specs = await importPlugins(config.plugins, baseDir);
        console.log(JSON.stringify({ ids: specs.map((s) => s.plugin.id) }));
      } catch (error) {
        console.log(JSON.stringify({ code: error.code, message: error.message }));
      }`;
    const run = (configPath: string) =>
      JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, configPath], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).trim().split('\n').at(-1)!);
    expect(run(join(dir, 'portico.config.json'))).toEqual({ ids: ['verify.acme', 'verify.local-file'] });

    // The same package with a copy of the kernel (TypeScript sources) inside node_modules: Node refuses it.
    const copy = tempFolder();
    mkdirSync(join(copy, 'node_modules', '@portico'), { recursive: true });
    cpSync(KERNEL_DIR, join(copy, 'node_modules', '@portico', 'kernel'), { recursive: true, filter: (src) => !src.includes('node_modules') });
    writeFiles(copy, {
      'node_modules/portico-plugin-acme-verify/package.json': { name: 'portico-plugin-acme-verify', version: '1.2.3', type: 'module', exports: './index.js' },
      'node_modules/portico-plugin-acme-verify/index.js': verifierSource('verify.acme', 'acme'),
      'portico.config.json': { plugins: [{ package: 'portico-plugin-acme-verify' }] },
    });
    const refused = run(join(copy, 'portico.config.json'));
    expect(refused.code).toBe('CONFIG_INVALID');
    expect(refused.message).toContain('plugins[0] (portico-plugin-acme-verify)');
    expect(refused.message).toMatch(/type|node_modules/i);
  });

  it('is registered by the kernel, as is the plugin loaded by relative path', () => {
    const { kernel } = portico.container.cradle;
    expect(kernel.plugins).toEqual(
      expect.arrayContaining([
        { id: 'verify.acme', version: '1.2.3' },
        { id: 'verify.local-file', version: '1.2.3' },
      ]),
    );
    expect(kernel.descriptors.verificationMethods.map((d) => `${d.plugin}:${d.method}`).sort()).toEqual(['verify.acme:acme', 'verify.local-file:local-file']);
  });

  it('offers its verification method through the API: challenge instructions, then a verified domain', async () => {
    const agent = supertest.agent(portico.app!.callback());
    const login = await agent.post('/v1/auth/login').send({ email: 'demo@portico.local', password: 'portico-demo' }).expect(200);
    const csrf = login.body.csrfToken as string;
    const organizationId = (await agent.get('/v1/organizations').expect(200)).body.data[0].id;

    const created = await agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname: 'shop.acme-customer.com', method: 'acme' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ method: 'acme', status: 'pending' });
    expect(created.body.instructions).toEqual([{ name: '_acme.shop.acme-customer.com', type: 'TXT', value: expect.stringMatching(/^acme=[0-9a-f]{32}$/) }]);

    const local = await agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname: 'shop.local-customer.com', method: 'local-file' });
    expect(local.status).toBe(201);
    expect(local.body.instructions[0].name).toBe('_local-file.shop.local-customer.com');

    // A method no plugin offers is refused before anything is written.
    const unknown = await agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', csrf).send({ hostname: 'shop.other-customer.com', method: 'dns-txt' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VERIFY_METHOD_UNKNOWN');

    // The plugin's verify tap answers through the job queue.
    await agent.post(`/v1/domains/${created.body.id}/verify`).set('x-csrf-token', csrf).expect(202);
    const settled = await waitFor(
      async () => (await agent.get(`/v1/domains/${created.body.id}`).expect(200)).body,
      (d) => d.status !== 'verifying',
    );
    expect(settled.status).toBe('verified');
    const events = (await agent.get(`/v1/domains/${created.body.id}/events`).expect(200)).body.data;
    expect(events.at(-1)).toMatchObject({ toStatus: 'verified', reason: 'verified' });
    // The options from the config file reached the plugin.
    expect(events.at(-1).details.expected[0].name).toBe('_acme-challenge.shop.acme-customer.com');
  });

  it('loads a plugin package folder given by relative path', async () => {
    writeFiles(dir, {
      'vendor/folder-plugin/package.json': { name: 'folder-plugin', type: 'module', exports: { '.': { import: './lib/main.js' } } },
      'vendor/folder-plugin/lib/main.js': verifierSource('verify.folder', 'folder'),
    });
    const [spec] = await importPlugins([{ package: './vendor/folder-plugin', enabled: true, options: { label: '_f' } }], dir);
    expect(spec.plugin.id).toBe('verify.folder');
    expect(spec.options).toEqual({ label: '_f' });
  });
});
