import { join } from 'node:path';
import { isKernelError } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../src/config/load-config.ts';
import { importPlugins } from '../src/config/load-plugins.ts';
import { AppError } from '../src/errors/app-error.ts';
import { startPortico } from '../src/runtime.ts';
import { collectingLogger, rejection, tempFolder, testKernel, thrown, writeFiles } from './config-fixtures.ts';
import { createTestDatabase, REPO_ROOT } from './helpers.ts';

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
