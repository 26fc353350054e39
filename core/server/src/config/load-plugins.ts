import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { moduleResolve } from 'import-meta-resolve';
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
  if (!isPath) return moduleResolve(specifier, pathToFileURL(join(baseDir, 'portico.config.json')), runtimeConditions()).href;
  const path = resolve(baseDir, specifier);
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  if (!statSync(path).isDirectory()) return pathToFileURL(path).href;
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
  const main = entryOf(manifest.exports, runtimeConditions()) ?? manifest.main ?? 'index.js';
  return pathToFileURL(resolve(path, main)).href;
}

/** The first target of `exports` (its "." entry) whose condition this process matches, in the order the package lists them. */
function entryOf(exports: unknown, conditions: Set<string>): string | undefined {
  if (typeof exports === 'string') return exports;
  if (!exports || typeof exports !== 'object') return undefined;
  const root = (exports as Record<string, unknown>)['.'] ?? exports;
  if (typeof root === 'string') return root;
  for (const [condition, target] of Object.entries(root as Record<string, unknown>)) {
    if (condition !== 'default' && !conditions.has(condition)) continue;
    const entry = entryOf(target, conditions);
    if (entry) return entry;
  }
  return undefined;
}

/**
 * The export conditions this process resolves packages with: Node's own for `import` plus every `--conditions`
 * (`-C`) it was started with, on the command line or in NODE_OPTIONS. A plugin then loads from the same files a
 * plain `import` would pick: the repository runs on its TypeScript sources under `--conditions=portico-source`
 * (docs/development.md), an installed Portico on the packages' built JavaScript.
 */
export function runtimeConditions(): Set<string> {
  const conditions = new Set(['node', 'import']);
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)];
  for (const [index, arg] of args.entries()) {
    const match = /^(?:--conditions|-C)(?:=(.+))?$/.exec(arg);
    const value = match ? (match[1] ?? args[index + 1]) : undefined;
    if (value) conditions.add(value);
  }
  return conditions;
}
