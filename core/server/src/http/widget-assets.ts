import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';
import { AppError } from '../errors/app-error.ts';

/** The files of the built widget Portico serves; names in request paths are matched against this list only. */
export const WIDGET_FILES = ['portico-connect.js', 'portico-connect.mjs'] as const;
type WidgetFile = (typeof WIDGET_FILES)[number];

/** What `widget/scripts/build.ts` writes next to the files. */
interface BuiltManifest {
  name: string;
  version: string;
  sourceHash?: string;
  files: Record<string, { integrity: string; bytes: number; gzipBytes: number }>;
}

interface Loaded {
  key: string;
  manifest: BuiltManifest;
  contents: Map<WidgetFile, Buffer>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const VERSIONED = /^\/widget\/v([0-9A-Za-z.+-]{1,64})\/([a-z.-]{1,40})$/;
const LATEST = /^\/widget\/([a-z.-]{1,40})$/;

/** The page the Domain Connect consent flow returns to: it tells the widget's window and closes itself. No data passes. */
const CONSENT_SCRIPT = "try{if(window.opener){window.opener.postMessage({type:'portico:consent-done'},'*')}}catch(e){}window.close();";
const CONSENT_STYLE = 'body{font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:28rem;padding:0 1rem;text-align:center;color:#1f2933}';
const CONSENT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DNS change approved</title>
<style>${CONSENT_STYLE}</style>
</head>
<body>
<main>
<h1>Done</h1>
<p>You can close this window.</p>
</main>
<script>${CONSENT_SCRIPT}</script>
</body>
</html>
`;
const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const CONSENT_CSP = `default-src 'none'; script-src ${cspHash(CONSENT_SCRIPT)}; style-src ${cspHash(CONSENT_STYLE)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The `dist/` folder of the installed `@portico/widget` package (where `npm run build:widget` writes). */
export function defaultWidgetDistDir(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('@portico/widget/package.json'))), 'dist');
}

const notBuilt = (why: string) => new AppError('WIDGET_NOT_BUILT', `The Connect widget is not built (${why}); run npm run build:widget.`);
const notFound = (path: string) => new AppError('NOT_FOUND', `No widget file at ${path}.`);

/**
 * Serves the built Connect widget under `/widget/` (GET and HEAD), before authentication and from any origin:
 * - `/widget/v{version}/portico-connect.js|.mjs`: the files, immutable for a year (a new version has a new path);
 *   another version is 404.
 * - `/widget/portico-connect.js|.mjs`: 302 to the current version's path, never cached.
 * - `/widget/manifest.json`: version, and each file's URL, SRI integrity and sizes, never cached.
 * - `/widget/consent-done`: the page the Domain Connect consent flow returns to.
 * Every answer carries `Access-Control-Allow-Origin: *`, so `<script integrity crossorigin="anonymous">` works on
 * any page; nothing here is private. Files are read from the manifest's folder, named only from WIDGET_FILES, and
 * checked against the manifest's integrity when (re)loaded: a half-written build answers 503, never a wrong file.
 */
export function widgetAssets({ distDir }: { distDir?: string } = {}) {
  let cache: Loaded | undefined;
  const folder = () => resolve(distDir ?? defaultWidgetDistDir());

  async function load(): Promise<Loaded> {
    const dir = folder();
    const manifestPath = join(dir, 'manifest.json');
    const info = await stat(manifestPath).catch(() => null);
    if (!info) throw notBuilt(`no manifest.json in ${dir}`);
    const key = `${manifestPath}:${info.mtimeMs}:${info.size}`;
    if (cache?.key === key) return cache;
    let manifest: BuiltManifest;
    try {
      manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as BuiltManifest;
    } catch {
      throw notBuilt('manifest.json is unreadable');
    }
    if (typeof manifest.version !== 'string' || !manifest.files || typeof manifest.files !== 'object') throw notBuilt('manifest.json has no version or files');
    const contents = new Map<WidgetFile, Buffer>();
    for (const name of WIDGET_FILES) {
      const entry = manifest.files[name];
      if (!entry) continue;
      const content = await readFile(join(dir, name)).catch(() => null);
      if (!content) throw notBuilt(`${name} is missing`);
      const integrity = `sha384-${createHash('sha384').update(content).digest('base64')}`;
      if (integrity !== entry.integrity) throw notBuilt(`${name} does not match manifest.json`);
      contents.set(name, content);
    }
    cache = { key, manifest, contents };
    return cache;
  }

  const isFile = (name: string): name is WidgetFile => (WIDGET_FILES as readonly string[]).includes(name);
  const urlOf = (version: string, name: string) => `/widget/v${version}/${name}`;

  return async function assets(ctx: Context, next: Next): Promise<void> {
    const path = ctx.path;
    if (path !== '/widget' && !path.startsWith('/widget/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('X-Content-Type-Options', 'nosniff');

    if (path === '/widget/consent-done') {
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('Content-Security-Policy', CONSENT_CSP);
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = CONSENT_PAGE;
      return;
    }
    if (path === '/widget/manifest.json') {
      const { manifest, contents } = await load();
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = {
        version: manifest.version,
        files: Object.fromEntries(
          [...contents.keys()].map((name) => {
            const { integrity, bytes, gzipBytes } = manifest.files[name]!;
            return [name, { url: urlOf(manifest.version, name), integrity, bytes, gzipBytes }];
          }),
        ),
      };
      return;
    }
    const latest = LATEST.exec(path);
    if (latest && isFile(latest[1]!)) {
      const { manifest, contents } = await load();
      if (!contents.has(latest[1] as WidgetFile)) throw notFound(path);
      ctx.set('Cache-Control', 'no-cache');
      ctx.status = 302;
      ctx.redirect(urlOf(manifest.version, latest[1]!));
      return;
    }
    const versioned = VERSIONED.exec(path);
    if (versioned && isFile(versioned[2]!)) {
      const { manifest, contents } = await load();
      const content = contents.get(versioned[2] as WidgetFile);
      if (versioned[1] !== manifest.version || !content) throw notFound(path);
      ctx.set('Cache-Control', IMMUTABLE);
      ctx.set('ETag', `"${manifest.files[versioned[2]!]!.integrity}"`);
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.status = 200;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      ctx.body = content;
      return;
    }
    throw notFound(path);
  };
}
