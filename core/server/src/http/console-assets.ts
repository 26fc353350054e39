import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';

/** What console/scripts/build.ts writes beside the files: every file of the build, relative to dist/. */
interface ConsoleBuild {
  version: string;
  files: string[];
}

interface Loaded {
  key: string;
  files: Set<string>;
  index: Buffer;
}

/** Paths that belong to the API, the widget, the edges and the probes: never answered with the console. */
const NOT_CONSOLE = /^\/(v1|widget|edge|healthz|readyz|metrics|\.well-known)(\/|$)/;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The console's pages may load only Portico's own files and talk only to Portico; nothing may frame them. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The console's build: the `dist/` folder of the `@portico/console` workspace (where `npm run build:console`
 * writes) in the repository; in a server installed from npm, where the console is no package of its own, the copy
 * packed inside it (`dist/console/`, written by scripts/bundle-console.ts).
 */
export function defaultConsoleDistDir(): string {
  try {
    return join(dirname(fileURLToPath(import.meta.resolve('@portico/console/package.json'))), 'dist');
  } catch {
    return fileURLToPath(new URL('../console', import.meta.url));
  }
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portico</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>The console is not built</h1><p>Run <code>npm run build:console</code> (or <code>npm start</code>, which builds it) and reload.</p>
</body></html>`;

/** A browser navigating (its Accept names text/html); curl, scripts and API clients get the API's answers. */
const wantsHtml = (ctx: Context) => /\btext\/html\b/i.test(ctx.get('accept'));

/**
 * Serves the console's single-page app (GET and HEAD), before authentication: every file of the build under its
 * own path (content-hashed `/assets/…` immutable for a year; the service worker, manifest and icons never cached
 * by HTTP), and `index.html` for any other path a browser navigates to (the app's router takes it from there), with
 * a strict Content-Security-Policy. Only names listed in the build's build.json are read from disk. API, widget,
 * edge and probe paths, and non-browser requests for `/`, go on to the API.
 */
export function consoleAssets({ distDir }: { distDir?: string } = {}) {
  let cache: Loaded | undefined;
  const folder = () => resolve(distDir ?? defaultConsoleDistDir());

  async function load(): Promise<Loaded | null> {
    const dir = folder();
    const buildPath = join(dir, 'build.json');
    const info = await stat(buildPath).catch(() => null);
    if (!info) return null;
    const key = `${buildPath}:${info.mtimeMs}:${info.size}`;
    if (cache?.key === key) return cache;
    try {
      const build = JSON.parse(await readFile(buildPath, 'utf8')) as ConsoleBuild;
      const index = await readFile(join(dir, 'index.html'));
      cache = { key, files: new Set(build.files.filter((f) => f !== 'build.json')), index };
      return cache;
    } catch {
      return null;
    }
  }

  function sendIndex(ctx: Context, index: Buffer | null): void {
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('Content-Security-Policy', CONSOLE_CSP);
    ctx.type = 'text/html; charset=utf-8';
    if (!index) ctx.status = 503;
    ctx.body = index ?? NOT_BUILT_PAGE;
  }

  return async function assets(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const path = ctx.path;
    if (NOT_CONSOLE.test(path)) return next();
    // The same path answers a browser with the app and anyone else with the API: caches must keep them apart.
    if (path === '/') ctx.vary('Accept');
    const loaded = await load();
    const name = path.slice(1);
    if (loaded && name !== 'index.html' && loaded.files.has(name)) {
      const content = await readFile(join(folder(), name)).catch(() => null);
      if (!content) return next();
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Cache-Control', name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (name === 'sw.js') ctx.set('Service-Worker-Allowed', '/');
      ctx.type = TYPES[extname(name)] ?? 'application/octet-stream';
      ctx.body = content;
      return;
    }
    // A missing asset is a 404, not the app's page (a stale tab asking for an old build's chunk must see it fail).
    if (name.startsWith('assets/') || !wantsHtml(ctx)) return next();
    sendIndex(ctx, loaded?.index ?? null);
  };
}
