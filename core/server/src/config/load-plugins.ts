import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';
import { isPlugin, type PluginSpec } from '@portico/kernel';
import { AppError } from '../errors/app-error.ts';
import type { PluginEntry } from './schema.ts';

/**
 * Import the enabled plugins of the config. A package name is resolved from the config file's folder exactly as
 * Node would resolve an import written there, so a package installed next to the config (or anywhere up its
 * node_modules chain) loads the same as one of this repository's workspaces; a relative or absolute path
 * names a file or a package folder.
 */
export async function importPlugins(entries: PluginEntry[], baseDir: string): Promise<PluginSpec[]> {
  const specs: PluginSpec[] = [];
  for (const [index, entry] of entries.entries()) {
    if (!entry.enabled) continue;
    const where = `plugins[${index}] (${entry.package})`;
    let url: string;
    try {
      url = locate(entry.package, baseDir);
    } catch (error) {
      throw new AppError('CONFIG_INVALID', `${where}: cannot find the package from ${baseDir}: ${(error as Error).message}`);
    }
    let mod: { default?: unknown };
    try {
      mod = (await import(url)) as { default?: unknown };
    } catch (error) {
      // A missing dependency of the plugin, a syntax error, a throw at module level: name the entry at fault.
      throw new AppError('CONFIG_INVALID', `${where}: the package failed to load from ${url}: ${(error as Error).message}`);
    }
    if (!isPlugin(mod.default)) {
      throw new AppError('CONFIG_INVALID', `${where}: the package's default export is not a plugin built with definePlugin().`);
    }
    specs.push({ plugin: mod.default, options: entry.options ?? {} });
  }
  return specs;
}

function locate(specifier: string, baseDir: string): string {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  if (!isPath) return resolveModule(specifier, pathToFileURL(join(baseDir, 'portico.config.json')).href);
  const path = resolve(baseDir, specifier);
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  if (!statSync(path).isDirectory()) return pathToFileURL(path).href;
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
  const main = entryOf(manifest.exports) ?? manifest.main ?? 'index.js';
  return pathToFileURL(resolve(path, main)).href;
}

function entryOf(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (!exports || typeof exports !== 'object') return undefined;
  const root = (exports as Record<string, unknown>)['.'] ?? exports;
  if (typeof root === 'string') return root;
  const conditions = root as Record<string, unknown>;
  return entryOf(conditions.import ?? conditions.default ?? conditions.node);
}
