/**
 * Builds the console into console/dist/: the app (index.html, content-hashed assets), the PWA files
 * (manifest.webmanifest and icons from public/, sw.js rendered with this build's file list) and build.json
 * (version and source hash).
 *
 *   node console/scripts/build.ts [--force]
 *
 * Skipped when the hash of the sources equals the one in dist/build.json, so `npm start` pays for a build only
 * after a change. Works offline and from any working directory.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderServiceWorker } from './service-worker.ts';

const consoleDir = fileURLToPath(new URL('..', import.meta.url));

/** Where the built console goes (absolute): console/dist, or PORTICO_CONSOLE_DIST (parallel test runs build apart). */
export const consoleDistDir = process.env.PORTICO_CONSOLE_DIST ? resolve(process.env.PORTICO_CONSOLE_DIST) : join(consoleDir, 'dist');

export interface ConsoleBuild {
  name: string;
  version: string;
  sourceHash: string;
  /** Every file of the build, relative to dist/, sorted. */
  files: string[];
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** sha256 over every input of the build, in a stable order; tests beside the code do not count. */
export async function sourceHash(): Promise<string> {
  const files = [
    ...(await listFiles(join(consoleDir, 'src'))).filter((f) => !/\.test\.ts$/.test(f)),
    ...(await listFiles(join(consoleDir, 'public'))),
    join(consoleDir, 'index.html'),
    join(consoleDir, 'vite.config.ts'),
    join(consoleDir, 'package.json'),
    join(consoleDir, 'scripts', 'build.ts'),
    join(consoleDir, 'scripts', 'service-worker.ts'),
  ]
    .map((f) => relative(consoleDir, f).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0');
    hash.update(await readFile(join(consoleDir, file))).update('\0');
  }
  return hash.digest('hex');
}

async function readBuild(): Promise<ConsoleBuild | null> {
  try {
    const build = JSON.parse(await readFile(join(consoleDistDir, 'build.json'), 'utf8')) as ConsoleBuild;
    return build.files.every((f) => existsSync(join(consoleDistDir, f))) ? build : null;
  } catch {
    return null;
  }
}

/** Builds the console unless dist/ already holds a build of these exact sources (or `force`). */
export async function buildConsole(options: { force?: boolean } = {}): Promise<{ built: boolean; build: ConsoleBuild }> {
  const pkg = JSON.parse(await readFile(join(consoleDir, 'package.json'), 'utf8')) as { name: string; version: string };
  const hash = await sourceHash();
  const previous = await readBuild();
  if (!options.force && previous && previous.sourceHash === hash && previous.version === pkg.version) return { built: false, build: previous };

  const { build } = await import('vite');
  const config = (await import('../vite.config.ts')).default;
  // A production build whoever runs it (vitest sets NODE_ENV=test, which would make Vite build Vue's dev bundle and
  // drop the service worker's registration); the caller's environment is put back afterwards.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...config, logLevel: 'warn', mode: 'production', build: { ...config.build, outDir: consoleDistDir } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }

  const built = (await listFiles(consoleDistDir)).map((f) => relative(consoleDistDir, f).split('\\').join('/'));
  const shell = built.filter((f) => f !== 'index.html').sort();
  await writeFile(join(consoleDistDir, 'sw.js'), renderServiceWorker({ buildId: hash.slice(0, 12), files: shell }));
  const files = [...built, 'sw.js', 'build.json'].sort();
  const result: ConsoleBuild = { name: pkg.name, version: pkg.version, sourceHash: hash, files };
  await writeFile(join(consoleDistDir, 'build.json'), `${JSON.stringify(result, null, 2)}\n`);
  return { built: true, build: result };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const { built, build } = await buildConsole({ force: process.argv.includes('--force') });
  const what = built ? `built in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'up to date';
  console.log(`console ${build.version}: ${what} (${build.files.length} files in console/dist)`);
}
