import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import supertest from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { errorMiddleware } from '../errors/middleware.ts';
import { widgetAssets } from './widget-assets.ts';

// The built widget as Portico serves it, from a fake build in a temporary folder (no real build needed).

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const integrity = (content: string) => `sha384-${createHash('sha384').update(content).digest('base64')}`;

function fakeBuild(version = '0.1.0', files: Record<string, string> = { 'portico-connect.js': 'window.x=1;', 'portico-connect.mjs': 'export const x=1;' }) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-widget-dist-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const manifest = {
    name: '@portico/widget',
    version,
    sourceHash: 'a'.repeat(64),
    files: Object.fromEntries(Object.entries(files).map(([name, content]) => [name, { integrity: integrity(content), bytes: content.length, gzipBytes: 20 }])),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return { dir, manifest };
}

function serve(distDir: string) {
  const app = new Koa();
  app.use(errorMiddleware());
  app.use(widgetAssets({ distDir }));
  app.use((ctx) => {
    ctx.body = { fellThrough: ctx.path };
  });
  return supertest(app.callback());
}

describe('widget assets', () => {
  let build: ReturnType<typeof fakeBuild>;
  let http: ReturnType<typeof serve>;
  beforeEach(() => {
    build = fakeBuild();
    http = serve(build.dir);
  });

  it('serves each versioned file immutable, readable from any origin, with HEAD too', async () => {
    for (const [name, content] of [
      ['portico-connect.js', 'window.x=1;'],
      ['portico-connect.mjs', 'export const x=1;'],
    ] as const) {
      const res = await http.get(`/widget/v0.1.0/${name}`).set('origin', 'https://any.example');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.text).toBe(content);
      const head = await http.head(`/widget/v0.1.0/${name}`);
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(content.length));
      const again = await http.get(`/widget/v0.1.0/${name}`).set('if-none-match', res.headers.etag!);
      expect(again.status).toBe(304);
    }
  });

  it('answers 404 for another version, other names and path tricks', async () => {
    for (const path of [
      '/widget/v0.2.0/portico-connect.js',
      '/widget/v0.1.0/manifest.json',
      '/widget/v0.1.0/other.js',
      '/widget/v0.1.0/../manifest.json',
      '/widget/v0.1.0/..%2Fmanifest.json',
      '/widget/v0.1.0%2Fportico-connect.js',
      '/widget/%2e%2e/%2e%2e/package.json',
      '/widget/..%2f..%2fpackage.json',
      '/widget/portico-connect.css',
      '/widget/',
      '/widget',
    ]) {
      const res = await http.get(path);
      expect(`${res.status} ${res.body.error?.code}`, path).toBe('404 NOT_FOUND');
    }
    expect((await http.get('/widgets/x')).body).toEqual({ fellThrough: '/widgets/x' });
    expect((await http.post('/widget/manifest.json')).body).toEqual({ fellThrough: '/widget/manifest.json' });
  });

  it('redirects the unversioned names to the current version, never cached', async () => {
    for (const name of ['portico-connect.js', 'portico-connect.mjs']) {
      const res = await http.get(`/widget/${name}`);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`/widget/v0.1.0/${name}`);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('lists URL, integrity and sizes in the manifest, and follows a new build', async () => {
    const res = await http.get('/widget/manifest.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body).toEqual({
      version: '0.1.0',
      files: {
        'portico-connect.js': { url: '/widget/v0.1.0/portico-connect.js', integrity: build.manifest.files['portico-connect.js']!.integrity, bytes: 11, gzipBytes: 20 },
        'portico-connect.mjs': { url: '/widget/v0.1.0/portico-connect.mjs', integrity: build.manifest.files['portico-connect.mjs']!.integrity, bytes: 17, gzipBytes: 20 },
      },
    });
    const integrityOf = (text: string) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
    expect(integrityOf((await http.get(res.body.files['portico-connect.js'].url)).text)).toBe(res.body.files['portico-connect.js'].integrity);

    // A rebuild with a new version: the manifest (and size) changed, so it is read again.
    const next = { 'portico-connect.js': 'window.x=2;// v2', 'portico-connect.mjs': 'export const x=2;' };
    for (const [name, content] of Object.entries(next)) writeFileSync(join(build.dir, name), content);
    writeFileSync(
      join(build.dir, 'manifest.json'),
      JSON.stringify({ ...build.manifest, version: '0.2.0', files: Object.fromEntries(Object.entries(next).map(([n, c]) => [n, { integrity: integrity(c), bytes: c.length, gzipBytes: 21 }])) }),
    );
    expect((await http.get('/widget/portico-connect.js')).headers.location).toBe('/widget/v0.2.0/portico-connect.js');
    expect((await http.get('/widget/v0.2.0/portico-connect.js')).text).toBe(next['portico-connect.js']);
    expect((await http.get('/widget/v0.1.0/portico-connect.js')).status).toBe(404);
  });

  it('answers 503 WIDGET_NOT_BUILT without a build, or when a file does not match the manifest', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'portico-widget-empty-'));
    dirs.push(empty);
    for (const path of ['/widget/manifest.json', '/widget/portico-connect.js', '/widget/v0.1.0/portico-connect.js']) {
      const res = await serve(empty).get(path);
      expect(`${res.status} ${res.body.error?.code}`, path).toBe('503 WIDGET_NOT_BUILT');
    }
    writeFileSync(join(build.dir, 'portico-connect.js'), 'window.x=666;');
    writeFileSync(join(build.dir, 'manifest.json'), JSON.stringify({ ...build.manifest, sourceHash: 'b'.repeat(63) }));
    const res = await http.get('/widget/v0.1.0/portico-connect.js');
    expect(`${res.status} ${res.body.error?.code}`).toBe('503 WIDGET_NOT_BUILT');
    // The consent page needs no build.
    expect((await serve(empty).get('/widget/consent-done')).status).toBe(200);
  });

  it('serves the consent-done page with a hash-pinned inline script and no data', async () => {
    const res = await http.get('/widget/consent-done?state=anything');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('You can close this window');
    expect(res.text).toContain("postMessage({type:'portico:consent-done'},'*')");
    expect(res.text).not.toContain('anything');
    const csp = res.headers['content-security-policy']!;
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const script = /<script>([^<]*)<\/script>/.exec(res.text)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });
});
