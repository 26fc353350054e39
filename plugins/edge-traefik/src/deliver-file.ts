/**
 * Delivery to Traefik's file provider. Every file is written atomically: the YAML goes to a temporary file in
 * the same directory, which is then renamed over the target, so Traefik's watcher never reads half a file
 * (rename within one file system is atomic). Knows nothing of the kernel.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { toYaml, type TraefikConfig } from './render.ts';

/** Writes `text` to `path` through a temporary sibling and a rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // A leading dot: Traefik's directory watcher skips hidden files, so it never parses the temporary one.
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** One file in total: `path` holds the whole dynamic configuration. */
export function writeTraefikFile(path: string, config: TraefikConfig): Promise<void> {
  return writeFileAtomic(path, toYaml(config));
}

/**
 * One file per project in `dir` (Traefik's `providers.file.directory`): `portico-<project>.yaml` for each
 * entry, and stale `portico-*.yaml` files of projects no longer present are removed. Router names are unique
 * per (hostname, base path), so files of different projects never clash.
 */
export async function writeTraefikDirectory(dir: string, configs: Record<string, TraefikConfig>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const wanted = new Set<string>();
  for (const [project, config] of Object.entries(configs)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(project)) throw new TypeError(`project key ${project} is not a file name (a-z, 0-9, -)`);
    const name = `portico-${project}.yaml`;
    wanted.add(name);
    await writeTraefikFile(join(dir, name), config);
  }
  for (const name of await readdir(dir)) {
    if (/^portico-.*\.yaml$/.test(name) && !wanted.has(name)) await rm(join(dir, name), { force: true });
  }
}
