/**
 * Builds `<portico-connect>` into widget/dist/: `portico-connect.js` (classic script), `portico-connect.mjs`
 * (ES module) and `manifest.json` (version, source hash, SRI integrity and sizes of each file).
 *
 *   node widget/scripts/build.ts [--force]
 *
 * The build is skipped when the hash of the sources equals the one in dist/manifest.json, so `npm start` pays for
 * it only after a change. Works offline and from any working directory.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const widgetDir = fileURLToPath(new URL('..', import.meta.url));

/** Where the built files go (absolute). */
export const widgetDistDir = join(widgetDir, 'dist');

export const WIDGET_FILES = ['portico-connect.js', 'portico-connect.mjs'] as const;

export interface WidgetFileInfo {
  integrity: string;
  bytes: number;
  gzipBytes: number;
}

export interface WidgetManifest {
  name: string;
  version: string;
  sourceHash: string;
  files: Record<(typeof WIDGET_FILES)[number], WidgetFileInfo>;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** sha256 over every input of the build, in a stable order, each file named by its path relative to widget/. */
export async function sourceHash(): Promise<string> {
  const files = [
    ...(await listFiles(join(widgetDir, 'src'))),
    join(widgetDir, 'vite.config.ts'),
    join(widgetDir, 'package.json'),
    join(widgetDir, 'scripts', 'build.ts'),
  ]
    .map((f) => relative(widgetDir, f).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0');
    hash.update(await readFile(join(widgetDir, file))).update('\0');
  }
  return hash.digest('hex');
}

async function readManifest(): Promise<WidgetManifest | null> {
  try {
    const manifest = JSON.parse(await readFile(join(widgetDistDir, 'manifest.json'), 'utf8')) as WidgetManifest;
    return WIDGET_FILES.every((f) => existsSync(join(widgetDistDir, f))) ? manifest : null;
  } catch {
    return null;
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

function describe(manifest: WidgetManifest): string {
  return WIDGET_FILES.map((f) => `${f} ${kb(manifest.files[f].bytes)} (${kb(manifest.files[f].gzipBytes)} gzip)`).join(', ');
}

/** Builds the widget unless dist/ already holds a build of these exact sources (or `force`). */
export async function buildWidget(options: { force?: boolean } = {}): Promise<{ built: boolean; manifest: WidgetManifest }> {
  const pkg = JSON.parse(await readFile(join(widgetDir, 'package.json'), 'utf8')) as { name: string; version: string };
  const hash = await sourceHash();
  const previous = await readManifest();
  if (!options.force && previous && previous.sourceHash === hash && previous.version === pkg.version) {
    return { built: false, manifest: previous };
  }
  const [{ build }, { default: config }] = await Promise.all([import('vite'), import('../vite.config.ts')]);
  await build(config);
  const files = {} as WidgetManifest['files'];
  for (const file of WIDGET_FILES) {
    const content = await readFile(join(widgetDistDir, file));
    files[file] = {
      integrity: `sha384-${createHash('sha384').update(content).digest('base64')}`,
      bytes: content.byteLength,
      gzipBytes: gzipSync(content, { level: 9 }).byteLength,
    };
  }
  const manifest: WidgetManifest = { name: pkg.name, version: pkg.version, sourceHash: hash, files };
  await writeFile(join(widgetDistDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { built: true, manifest };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { built, manifest } = await buildWidget({ force: process.argv.includes('--force') });
  console.log(`widget ${manifest.version}: ${built ? 'built' : 'up to date, skipped'}: ${describe(manifest)}`);
}
