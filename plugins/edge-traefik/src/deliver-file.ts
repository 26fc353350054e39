/**
 * Delivery to Traefik's file provider. Every file is written atomically: the YAML goes to a temporary file in
 * the same directory, which is then renamed over the target, so Traefik's watcher never reads half a file
 * (rename within one file system is atomic). Dry runs (`preview*`) read the files and diff them, writing nothing.
 * Knows nothing of the kernel.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { redactPrivateKeys, unifiedDiff } from '@portico/kernel';
import { toYaml, type TraefikConfig } from './render.ts';

const PRIVATE_KEY = 'PRIVATE KEY-----';

/**
 * Writes `text` (or its encoded pieces, one after another) to `path` through a temporary sibling and a rename; a
 * text holding a private key gets mode 0600.
 */
export async function writeFileAtomic(path: string, text: string | readonly Uint8Array[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // A leading dot: Traefik's directory watcher skips hidden files, so it never parses the temporary one.
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const secret = typeof text === 'string' ? text.includes(PRIVATE_KEY) : text.some((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).includes(PRIVATE_KEY));
  try {
    await writeFile(temp, text, { flag: 'wx', ...(secret ? { mode: 0o600 } : {}) });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function readBytesOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** What a dry run found (the kernel's `DeliveryPreview`). */
export interface FilePreview {
  changed: boolean;
  /** Unified diff of the current file(s) → the rendered ones; `''` when nothing changes. */
  diff: string;
  summary: string;
}

/**
 * One file in total: `path` holds the whole dynamic configuration (or its YAML, already made: a text or its encoded
 * pieces in order). Resolves with whether the file changed.
 */
export async function writeTraefikFile(path: string, config: TraefikConfig | string | readonly Uint8Array[]): Promise<boolean> {
  const text = typeof config === 'string' || Array.isArray(config) ? (config as string | readonly Uint8Array[]) : toYaml(config as TraefikConfig);
  const current = await readBytesOrUndefined(path);
  if (current !== undefined && current.equals(typeof text === 'string' ? Buffer.from(text) : Buffer.concat(text))) return false;
  await writeFileAtomic(path, text);
  return true;
}

/** The diff a `writeTraefikFile(path, config)` would make. */
export async function previewTraefikFile(path: string, config: TraefikConfig): Promise<FilePreview> {
  const before = await readOrUndefined(path);
  // Supplied certificates' keys are redacted on both sides: a changed key shows as a changed fingerprint.
  const diff = unifiedDiff(basename(path), before === undefined ? undefined : redactPrivateKeys(before), redactPrivateKeys(toYaml(config)));
  const summary = diff === '' ? `${basename(path)} unchanged` : `${basename(path)} would be ${before === undefined ? 'created' : 'changed'}`;
  return { changed: diff !== '', diff, summary };
}

const OURS = /^portico-.*\.yaml$/;
/** File keys: `<organization>.<project>` (slugs a-z, 0-9, -) or `_default`. */
const KEY = /^(_default|[a-z0-9-]+\.[a-z0-9-]+)$/;

/**
 * Each project's YAML by the JSON of its configuration, kept between deliveries: a routing change touches one
 * project, so only its file is serialised again (YAML is most of a delivery's time, see perf/README.md). The JSON
 * key makes a hit exact, never stale.
 */
export type ProjectFileCache = Map<string, { json: string; text: string }>;

/** `portico-<key>.yaml` for each entry; refuses a key that is not a safe file name. */
function wantedFiles(configs: ReadonlyMap<string, TraefikConfig> | Record<string, TraefikConfig>, cache?: ProjectFileCache, only?: ReadonlySet<string>): Map<string, string> {
  const entries = configs instanceof Map ? [...configs] : Object.entries(configs);
  const wanted = new Map<string, string>();
  for (const [key, config] of entries) {
    if (!KEY.test(key)) throw new TypeError(`file key ${key} is not <organization>.<project> (a-z, 0-9, -) or _default`);
    const name = `portico-${key}.yaml`;
    if (!cache) {
      wanted.set(name, toYaml(config));
      continue;
    }
    const json = JSON.stringify(config);
    let entry = cache.get(name);
    if (entry?.json !== json) cache.set(name, (entry = { json, text: toYaml(config) }));
    wanted.set(name, entry.text);
  }
  if (cache) for (const name of cache.keys()) if (!wanted.has(name) && (only === undefined || only.has(name))) cache.delete(name);
  return wanted;
}

/** Portico's files in `dir` (`portico-*.yaml`) and their text; none when the directory does not exist. */
async function currentFiles(dir: string, only?: ReadonlySet<string>): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const current = new Map<string, string>();
  for (const name of names.filter((n) => OURS.test(n) && (only === undefined || only.has(n))).sort()) {
    const text = await readOrUndefined(join(dir, name));
    if (text !== undefined) current.set(name, text);
  }
  return current;
}

export interface DirectoryResult {
  /** File names written (new or changed text). */
  written: string[];
  /** Stale `portico-*.yaml` files removed. */
  removed: string[];
  /** Files left alone: their text was already the rendered one, so Traefik's watcher is not woken for them. */
  unchanged: string[];
}

/**
 * One file per project in `dir` (Traefik's `providers.file.directory`): `portico-<key>.yaml` for each entry of
 * `configs` (keys from `tenantKey`, configs from `splitByTenant`). A file is rewritten only when its text changed;
 * stale `portico-*.yaml` files are removed after the writes, so a route moving between projects is never missing.
 * `only`: the file names a partial delivery covers (the projects whose routes changed); every other file is left
 * alone, neither read nor removed.
 */
export async function writeTraefikDirectory(dir: string, configs: ReadonlyMap<string, TraefikConfig> | Record<string, TraefikConfig>, cache?: ProjectFileCache, only?: ReadonlySet<string>): Promise<DirectoryResult> {
  const wanted = wantedFiles(configs, cache, only);
  await mkdir(dir, { recursive: true });
  const current = await currentFiles(dir, only);
  const result: DirectoryResult = { written: [], removed: [], unchanged: [] };
  for (const [name, text] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (current.get(name) === text) {
      result.unchanged.push(name);
      continue;
    }
    await writeFileAtomic(join(dir, name), text);
    result.written.push(name);
  }
  for (const name of current.keys()) {
    if (wanted.has(name)) continue;
    await rm(join(dir, name), { force: true });
    result.removed.push(name);
  }
  return result;
}

/** The diff a `writeTraefikDirectory(dir, configs)` would make: one diff per file created, changed or removed. */
export async function previewTraefikDirectory(dir: string, configs: ReadonlyMap<string, TraefikConfig> | Record<string, TraefikConfig>, cache?: ProjectFileCache): Promise<FilePreview> {
  const wanted = wantedFiles(configs, cache);
  const current = await currentFiles(dir);
  const names = [...new Set([...wanted.keys(), ...current.keys()])].sort();
  const counts = { created: 0, changed: 0, removed: 0 };
  let diff = '';
  for (const name of names) {
    const before = current.get(name);
    const after = wanted.get(name);
    if (before === after) continue;
    const [shownBefore, shownAfter] = [before, after].map((text) => (text === undefined ? undefined : redactPrivateKeys(text)));
    counts[before === undefined ? 'created' : after === undefined ? 'removed' : 'changed']++;
    diff += unifiedDiff(name, shownBefore, shownAfter);
  }
  const total = counts.created + counts.changed + counts.removed;
  const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
  const summary = total === 0 ? `${names.length} file${names.length === 1 ? '' : 's'} unchanged` : `${total} file${total === 1 ? '' : 's'} would change: ${parts.join(', ')}`;
  return { changed: total > 0, diff, summary };
}
