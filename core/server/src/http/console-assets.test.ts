import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { errorMiddleware } from '../errors/middleware.ts';
import { CONSOLE_CSP, consoleAssets } from './console-assets.ts';

// The console as Portico serves it, from a fake build in a temporary folder (no real build needed).

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const INDEX = '<!doctype html><div id="app"></div><script type="module" src="/assets/index-abc.js"></script>';

function fakeBuild(files: Record<string, string> = { 'index.html': INDEX, 'assets/index-abc.js': 'console.log(1)', 'assets/index-abc.css': 'body{}', 'sw.js': 'self.x=1', 'manifest.webmanifest': '{}', 'icon.svg': '<svg/>' }) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-console-dist-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  writeFileSync(join(dir, 'build.json'), JSON.stringify({ name: '@portico/console', version: '0.1.0', sourceHash: 'a'.repeat(64), files: [...Object.keys(files), 'build.json'] }));
  // A file in the folder that the build does not list is never served.
  writeFileSync(join(dir, 'secret.txt'), 'not part of the build');
  return dir;
}

function serve(distDir: string) {
  const app = new Koa();
  app.use(errorMiddleware());
  app.use(consoleAssets({ distDir }));
  app.use((ctx) => {
    ctx.body = { fellThrough: ctx.path };
  });
  return supertest(app.callback());
}

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('console assets', () => {
  const http = serve(fakeBuild());

  it('answers a browser at / and at any page path with the app, never cached, with a strict CSP', async () => {
    for (const path of ['/', '/domains', '/domains/4f7c0d1e-0000-4000-8000-000000000000', '/reset-password']) {
      const res = await http.get(path).set(html).expect(200);
      expect(res.text, path).toBe(INDEX);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(CONSOLE_CSP).toContain("script-src 'self'");
      expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    }
  });

  it('serves built assets immutable and the service worker, manifest and icons uncached', async () => {
    const js = await http.get('/assets/index-abc.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const sw = await http.get('/sw.js').expect(200);
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.headers['service-worker-allowed']).toBe('/');
    const manifest = await http.get('/manifest.webmanifest').expect(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
  });

  it('leaves API, widget, edge and probe paths, other methods and non-browser requests to the API', async () => {
    for (const path of ['/v1/organizations', '/widget/manifest.json', '/edge/ask', '/healthz', '/readyz', '/metrics', '/.well-known/portico-challenge/x']) {
      expect((await http.get(path).set(html).expect(200)).body, path).toEqual({ fellThrough: path });
    }
    expect((await http.post('/domains').set(html).expect(200)).body).toEqual({ fellThrough: '/domains' });
    expect((await http.get('/').set('accept', 'application/json').expect(200)).body).toEqual({ fellThrough: '/' });
    expect((await http.get('/').expect(200)).body).toEqual({ fellThrough: '/' });
  });

  it('never answers a missing asset or a file the build does not list with the app or the file', async () => {
    expect((await http.get('/assets/old-chunk.js').set(html).expect(200)).body).toEqual({ fellThrough: '/assets/old-chunk.js' });
    expect((await http.get('/secret.txt').expect(200)).body).toEqual({ fellThrough: '/secret.txt' });
    expect((await http.get('/build.json').expect(200)).body).toEqual({ fellThrough: '/build.json' });
    const traversal = await http.get('/assets/../secret.txt').set(html);
    expect(traversal.text).not.toContain('not part of the build');
    const encoded = await http.get('/%2e%2e/%2e%2e/etc/passwd').set(html);
    expect(encoded.text).not.toContain('root:');
  });

  it('tells a browser how to build the console when it is not built (503), and leaves other requests alone', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'portico-console-none-'));
    dirs.push(empty);
    const none = serve(empty);
    const res = await none.get('/domains').set(html).expect(503);
    expect(res.text).toContain('npm run build:console');
    expect((await none.get('/').set('accept', 'application/json').expect(200)).body).toEqual({ fellThrough: '/' });
  });
});
