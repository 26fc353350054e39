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
type Manifest = {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
  files?: string[];
  peerDependencies?: Record<string, string>;
};
const folders = readdirSync(PLUGINS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('plugin packages', () => {
  it('are all here', () => {
    expect(folders.length).toBeGreaterThanOrEqual(14);
  });

  it.each(folders)('%s: folder, package name, plugin id, version, kernel range and README agree', async (folder) => {
    const manifest = JSON.parse(readFileSync(join(PLUGINS, folder, 'package.json'), 'utf8')) as Manifest;
    expect(manifest.name).toBe(`@portico/${folder}`);
    const root = manifest.exports['.']!;
    const source = typeof root === 'string' ? root : root['portico-source']!;
    const mod = (await import(pathToFileURL(join(PLUGINS, folder, source)).href)) as { default: unknown };
    expect(isPlugin(mod.default)).toBe(true);
    const plugin = mod.default as Plugin;
    expect(plugin.id).toBe(folder.replace('-', '.'));
    expect(plugin.version).toBe(manifest.version);
    expect(plugin.kernel).toBe(manifest.peerDependencies?.['@portico/kernel']);
    expect(readFileSync(join(PLUGINS, folder, 'README.md'), 'utf8').split('\n')[0]).toBe(`# ${manifest.name}`);
  });

  // Published as JavaScript (Node refuses to strip types under node_modules), run from the sources here: every
  // export lists the sources under `portico-source` first, then dist/'s declarations and JavaScript, and only dist/
  // (plus the docs) is packed. scripts/build-packages.ts builds each with its tsconfig.build.json.
  it.each(folders)('%s: exports dist/ JavaScript with declarations, and the sources under portico-source', (folder) => {
    const manifest = JSON.parse(readFileSync(join(PLUGINS, folder, 'package.json'), 'utf8')) as Manifest;
    for (const [path, conditions] of Object.entries(manifest.exports)) {
      expect(typeof conditions === 'object' && Object.keys(conditions), path).toEqual(['portico-source', 'types', 'default']);
      if (typeof conditions !== 'object') continue;
      const source = conditions['portico-source']!;
      expect(source, path).toMatch(/^\.\/src\/.+\.ts$/);
      expect(conditions.types, path).toBe(source.replace('./src/', './dist/').replace(/\.ts$/, '.d.ts'));
      expect(conditions.default, path).toBe(source.replace('./src/', './dist/').replace(/\.ts$/, '.js'));
    }
    expect(manifest.files).toContain('dist');
    expect(manifest.files).not.toContain('src');
    const build = JSON.parse(readFileSync(join(PLUGINS, folder, 'tsconfig.build.json'), 'utf8')) as { extends: string };
    expect(build.extends).toBe('../../tsconfig.build.json');
  });
});
