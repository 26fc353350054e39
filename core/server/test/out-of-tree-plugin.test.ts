import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.ts';
import { importPlugins } from '../src/config/load-plugins.ts';
import { startPortico, type Portico } from '../src/runtime.ts';
import { collectingLogger, installKernel, KERNEL_DIR, tempFolder, verifierSource, writeFiles } from './config-fixtures.ts';
import { createTestDatabase, REPO_ROOT, waitFor } from './helpers.ts';

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
    // Vitest transforms modules itself; a child `node` proves the product path (loadConfig + importPlugins) natively,
    // on the kernel's sources as the repository runs (its `portico-source` export condition).
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
      JSON.parse(execFileSync(process.execPath, ['--conditions=portico-source', '--input-type=module', '-e', script, configPath], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).trim().split('\n').at(-1)!);
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
