import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPlugin, type Plugin } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.ts';

// Every plugin package of the repository says who it is the same way everywhere: the folder `<kind>-<name>`, the
// package `@portico/<kind>-<name>`, the plugin id `<kind>.<name>`, the plugin's version and kernel range as its
// package.json has them (the version npm publishes, the `@portico/kernel` peer range npm checks), and a README
// that starts with the package name.
const PLUGINS = join(REPO_ROOT, 'plugins');
const folders = readdirSync(PLUGINS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('plugin packages', () => {
  it('are all here', () => {
    expect(folders.length).toBeGreaterThanOrEqual(14);
  });

  it.each(folders)('%s: folder, package name, plugin id, version, kernel range and README agree', async (folder) => {
    const manifest = JSON.parse(readFileSync(join(PLUGINS, folder, 'package.json'), 'utf8')) as { name: string; version: string; exports: Record<string, string>; peerDependencies?: Record<string, string> };
    expect(manifest.name).toBe(`@portico/${folder}`);
    const mod = (await import(pathToFileURL(join(PLUGINS, folder, manifest.exports['.']!)).href)) as { default: unknown };
    expect(isPlugin(mod.default)).toBe(true);
    const plugin = mod.default as Plugin;
    expect(plugin.id).toBe(folder.replace('-', '.'));
    expect(plugin.version).toBe(manifest.version);
    expect(plugin.kernel).toBe(manifest.peerDependencies?.['@portico/kernel']);
    expect(readFileSync(join(PLUGINS, folder, 'README.md'), 'utf8').split('\n')[0]).toBe(`# ${manifest.name}`);
  });
});
