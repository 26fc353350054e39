import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import { configSchema, type PorticoConfig } from './schema.ts';

export interface LoadedConfig {
  config: PorticoConfig;
  /** Absolute path of the file read, or undefined when none was found (all defaults). */
  path: string | undefined;
  /** Folder plugin packages and relative paths are resolved from. */
  baseDir: string;
}

const CANDIDATES = ['portico.config.ts', 'portico.config.json'];

/** Find and read the config: an explicit path, else PORTICO_CONFIG, else portico.config.{ts,json} in `cwd`. */
export async function loadConfig(options: { path?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.PORTICO_CONFIG;
  const path = explicit ? resolve(cwd, explicit) : CANDIDATES.map((c) => resolve(cwd, c)).find((c) => existsSync(c));
  if (explicit && !existsSync(path!)) {
    throw new AppError('CONFIG_INVALID', `Config file not found: ${path}`);
  }
  const raw = path ? await readRaw(path) : {};
  return { config: parseConfig(raw, env, path ?? 'defaults'), path, baseDir: path ? dirname(path) : cwd };
}

async function readRaw(path: string): Promise<unknown> {
  try {
    if (path.endsWith('.json')) return JSON.parse(await readFile(path, 'utf8'));
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    return mod.default;
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `Cannot read config ${path}: ${(error as Error).message}`);
  }
}

/** Validate a raw config object, apply environment overrides, and name the field that is wrong. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv, source: string): PorticoConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('CONFIG_INVALID', `Invalid config (${source}): ${describeIssue(parsed.error.issues[0], raw)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const config = parsed.data;
  if (env.DATABASE_URL) config.database.url = env.DATABASE_URL;
  if (env.PORT) config.http.port = Number(env.PORT);
  if (env.HOST) config.http.host = env.HOST;
  if (env.PUBLIC_URL) config.http.publicUrl = env.PUBLIC_URL;
  return config;
}

/** "plugins[1] (@portico/dns-memory).options: …" — names the plugin when the issue is inside a plugin entry. */
export function describeIssue(issue: z.core.$ZodIssue | undefined, raw: unknown): string {
  if (!issue) return 'unknown error';
  const [head, index] = issue.path;
  let where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  if (head === 'plugins' && typeof index === 'number') {
    const entry = (raw as { plugins?: Array<{ package?: unknown }> }).plugins?.[index];
    if (typeof entry?.package === 'string') where = where.replace(`plugins[${index}]`, `plugins[${index}] (${entry.package})`);
  }
  return `${where || '(root)'}: ${issue.message}`;
}
