import { getServers } from 'node:dns';
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

/**
 * Environment variables that override a config field, applied before validation so a bad value is named. Where
 * several names are listed the first one set wins: the PORTICO_ name, then the common one platforms set (PORT).
 */
const ENV_OVERRIDES = [
  { names: ['DATABASE_URL'], path: ['database', 'url'] },
  { names: ['PORTICO_PORT', 'PORT'], path: ['http', 'port'], number: true },
  { names: ['PORTICO_HOST', 'HOST'], path: ['http', 'host'] },
  { names: ['PORTICO_PUBLIC_URL', 'PUBLIC_URL'], path: ['http', 'publicUrl'] },
] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Validate a raw config object, apply environment overrides, and name the field that is wrong. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv, source: string): PorticoConfig {
  const { merged, fromEnv } = applyEnv(raw, env);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = fromEnv.get(issue?.path.join('.') ?? '');
    throw new AppError('CONFIG_INVALID', `Invalid config (${variable ? `${source}, ${variable} from the environment` : source}): ${describeIssue(issue, raw)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const config = parsed.data;
  // "Empty means the system resolvers": the DNS lookup service needs them named.
  if (config.dns.servers.length === 0) {
    config.dns.servers = getServers();
    if (config.dns.servers.length === 0) {
      throw new AppError('CONFIG_INVALID', `Invalid config (${source}): dns.servers: empty, and the system has no DNS resolvers configured; list servers to ask`);
    }
  }
  return config;
}

/** A copy of `raw` with the environment overrides written in (a numeric variable is converted only when it is one). */
function applyEnv(raw: unknown, env: NodeJS.ProcessEnv): { merged: unknown; fromEnv: Map<string, string> } {
  const fromEnv = new Map<string, string>();
  if (!isRecord(raw)) return { merged: raw, fromEnv };
  const merged: Record<string, unknown> = { ...raw };
  for (const override of ENV_OVERRIDES) {
    const name = override.names.find((n) => env[n] !== undefined && env[n] !== '');
    if (name === undefined) continue;
    const value = env[name]!;
    const [section, field] = override.path;
    const current = merged[section] ?? {};
    if (!isRecord(current)) continue; // the section itself is wrong; validation reports it
    const converted = 'number' in override && /^\d+$/.test(value.trim()) ? Number(value) : value;
    merged[section] = { ...current, [field]: converted };
    fromEnv.set(override.path.join('.'), name);
  }
  return { merged, fromEnv };
}

/** "plugins[1] (@portico/dns-memory).options: …" — names the plugin when the issue is inside a plugin entry. */
export function describeIssue(issue: z.core.$ZodIssue | undefined, raw: unknown): string {
  if (!issue) return 'unknown error';
  const [head, index] = issue.path;
  let where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  if (head === 'plugins' && typeof index === 'number') {
    const entry = (raw as { plugins?: Array<{ package?: unknown }> }).plugins?.[index];
    if (typeof entry?.package === 'string' && entry.package !== '') where = where.replace(`plugins[${index}]`, `plugins[${index}] (${entry.package})`);
  }
  return `${where || '(root)'}: ${issue.message}`;
}
