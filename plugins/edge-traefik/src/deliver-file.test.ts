import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Route } from '@portico/kernel';
import { previewTraefikDirectory, previewTraefikFile, writeFileAtomic, writeTraefikDirectory, writeTraefikFile, type ProjectFileCache } from './deliver-file.ts';
import { renderTraefikConfig } from './render.ts';
import { splitByTenant } from './split.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-traefik-file-'));
const route = (hostname: string, organization?: string, project?: string): Route => ({
  hostname,
  basePath: '/',
  upstream: { host: '10.0.0.1', port: 80 },
  stripPath: true,
  protocol: 'https',
  ...(organization && project ? { tenant: { organization, project } } : {}),
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file delivery', () => {
  it('writes the YAML Traefik reads', async () => {
    const path = join(dir, 'one', 'portico.yaml');
    const config = renderTraefikConfig([route('a.example.test')]);
    await writeTraefikFile(path, config);
    expect(parse(readFileSync(path, 'utf8'))).toEqual(config);
    expect(readdirSync(join(dir, 'one'))).toEqual(['portico.yaml']);
  });

  it('replaces the file by rename: the target is never written in place', async () => {
    const sub = join(dir, 'atomic');
    const path = join(sub, 'portico.yaml');
    await writeFileAtomic(path, 'old: 1\n');
    const events: string[] = [];
    const watcher = watch(sub, (event, name) => events.push(`${event}:${name}`));
    const big = `x: "${'y'.repeat(5_000_000)}"\n`;
    await writeFileAtomic(path, big);
    // Events arrive asynchronously: wait (bounded) for the rename rather than for a fixed time.
    for (let i = 0; i < 100 && !events.some((e) => e.startsWith('rename:') && e.includes('.portico.yaml.')); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    watcher.close();
    expect(readFileSync(path, 'utf8')).toBe(big);
    // The new content arrived through a rename of a hidden temporary file; the target saw no partial write.
    expect(events.some((e) => e.startsWith('rename:') && e.includes('.portico.yaml.'))).toBe(true);
    expect(events.filter((e) => e === 'change:portico.yaml')).toEqual([]);
    expect(readdirSync(sub)).toEqual(['portico.yaml']);
  });

  it('leaves the old file and no temporary file behind when the write fails', async () => {
    const sub = join(dir, 'fail');
    await writeFileAtomic(join(sub, 'portico.yaml'), 'old: 1\n');
    // Renaming a file over a non-empty directory fails.
    writeFileSync(join(sub, 'keep'), '');
    await expect(writeFileAtomic(sub, 'new: 2\n')).rejects.toThrow();
    expect(readdirSync(sub).sort()).toEqual(['keep', 'portico.yaml']);
    expect(readFileSync(join(sub, 'portico.yaml'), 'utf8')).toBe('old: 1\n');
  });

  it('one file per project, removing files of projects that are gone', async () => {
    const sub = join(dir, 'projects');
    const result = await writeTraefikDirectory(sub, { 'acme.shop': renderTraefikConfig([route('a.test')]), _default: renderTraefikConfig([route('b.test')]) });
    expect(result).toEqual({ written: ['portico-_default.yaml', 'portico-acme.shop.yaml'], removed: [], unchanged: [] });
    expect(readdirSync(sub).sort()).toEqual(['portico-_default.yaml', 'portico-acme.shop.yaml']);
    // Not Portico's: left alone.
    writeFileSync(join(sub, 'other.yaml'), 'http: {}\n');
    expect(await writeTraefikDirectory(sub, new Map([['acme.shop', renderTraefikConfig([route('a.test')])]]))).toEqual({ written: [], removed: ['portico-_default.yaml'], unchanged: ['portico-acme.shop.yaml'] });
    expect(readdirSync(sub).sort()).toEqual(['other.yaml', 'portico-acme.shop.yaml']);
  });

  it.each(['../x', 'acme', 'Acme.shop', 'acme.shop.x', 'default', ''])('refuses the file key %j', async (key) => {
    await expect(writeTraefikDirectory(join(dir, 'refused'), { [key]: renderTraefikConfig([]) })).rejects.toThrow(TypeError);
    await expect(previewTraefikDirectory(join(dir, 'refused'), { [key]: renderTraefikConfig([]) })).rejects.toThrow(TypeError);
  });

  it('rewrites only the files whose text changed, so Traefik is not woken for the other projects', async () => {
    const sub = join(dir, 'untouched');
    const table = (port: number) => [route('a.test', 'acme', 'shop'), { ...route('b.test', 'globex', 'portal'), upstream: { host: '10.0.0.2', port } }];
    const deliver = (routes: Route[]) => writeTraefikDirectory(sub, splitByTenant(renderTraefikConfig(routes), routes));
    await deliver(table(80));
    const inode = (name: string) => statSync(join(sub, name)).ino;
    const before = { acme: inode('portico-acme.shop.yaml'), globex: inode('portico-globex.portal.yaml') };
    expect(await deliver(table(81))).toEqual({ written: ['portico-globex.portal.yaml'], removed: [], unchanged: ['portico-acme.shop.yaml'] });
    // A rewrite is a rename of a new file, hence a new inode; the untouched file keeps its own.
    expect(inode('portico-acme.shop.yaml')).toBe(before.acme);
    expect(inode('portico-globex.portal.yaml')).not.toBe(before.globex);
    expect(readFileSync(join(sub, 'portico-globex.portal.yaml'), 'utf8')).toContain('http://10.0.0.2:81');
  });

  it('with a cache: the same files as without, unchanged projects not serialised again, projects gone forgotten', async () => {
    const sub = join(dir, 'cached');
    const plain = join(dir, 'uncached');
    const cache: ProjectFileCache = new Map();
    const table = (port: number) => [route('a.test', 'acme', 'shop'), { ...route('b.test', 'globex', 'portal'), upstream: { host: '10.0.0.2', port } }];
    const deliver = async (routes: Route[]) => {
      const configs = splitByTenant(renderTraefikConfig(routes), routes);
      const result = await writeTraefikDirectory(sub, configs, cache);
      await writeTraefikDirectory(plain, configs);
      for (const name of readdirSync(plain)) expect(readFileSync(join(sub, name), 'utf8')).toBe(readFileSync(join(plain, name), 'utf8'));
      return result;
    };
    await deliver(table(80));
    const shop = cache.get('portico-acme.shop.yaml');
    const portal = cache.get('portico-globex.portal.yaml');
    expect((await deliver(table(81))).written).toEqual(['portico-globex.portal.yaml']);
    expect(cache.get('portico-acme.shop.yaml')).toBe(shop);
    expect(cache.get('portico-globex.portal.yaml')).not.toBe(portal);
    await deliver([route('a.test', 'acme', 'shop')]);
    expect([...cache.keys()]).toEqual(['portico-acme.shop.yaml']);
    expect(readdirSync(sub).sort()).toEqual(readdirSync(plain).sort());
  });

  it('writeTraefikFile leaves an unchanged file alone', async () => {
    const path = join(dir, 'same', 'portico.yaml');
    const config = renderTraefikConfig([route('a.test')]);
    expect(await writeTraefikFile(path, config)).toBe(true);
    const ino = statSync(path).ino;
    expect(await writeTraefikFile(path, config)).toBe(false);
    expect(statSync(path).ino).toBe(ino);
  });
});

describe('file dry runs', () => {
  it('previewTraefikFile: a unified diff of the file against the rendered YAML, nothing written', async () => {
    const path = join(dir, 'preview', 'portico.yaml');
    const created = await previewTraefikFile(path, renderTraefikConfig([route('a.test')]));
    expect(created).toMatchObject({ changed: true, summary: 'portico.yaml would be created' });
    expect(created.diff).toMatch(/^--- \/dev\/null\n\+\+\+ b\/portico.yaml\n@@ -0,0 \+1,\d+ @@\n\+http:\n/);
    expect(existsSync(path)).toBe(false);

    await writeTraefikFile(path, renderTraefikConfig([route('a.test')]));
    const text = readFileSync(path, 'utf8');
    expect(await previewTraefikFile(path, renderTraefikConfig([route('a.test')]))).toEqual({ changed: false, diff: '', summary: 'portico.yaml unchanged' });
    const changed = await previewTraefikFile(path, renderTraefikConfig([{ ...route('a.test'), upstream: { host: '10.0.0.1', port: 81 } }]));
    expect(changed.summary).toBe('portico.yaml would be changed');
    expect(changed.diff).toMatch(/^--- a\/portico.yaml\n\+\+\+ b\/portico.yaml\n@@ /);
    expect(changed.diff).toContain('\n-          - url: http://10.0.0.1:80\n');
    expect(changed.diff).toContain('\n+          - url: http://10.0.0.1:81\n');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('previewTraefikDirectory: one diff per file created, changed or removed', async () => {
    const sub = join(dir, 'preview-dir');
    const routes = [route('a.test', 'acme', 'shop'), route('b.test', 'globex', 'portal')];
    await writeTraefikDirectory(sub, splitByTenant(renderTraefikConfig(routes), routes));
    const same = await previewTraefikDirectory(sub, splitByTenant(renderTraefikConfig(routes), routes));
    expect(same).toEqual({ changed: false, diff: '', summary: '2 files unchanged' });

    const next = [{ ...routes[0]!, upstream: { host: '10.0.0.1', port: 81 } }, route('c.test')];
    const preview = await previewTraefikDirectory(sub, splitByTenant(renderTraefikConfig(next), next));
    expect(preview.summary).toBe('3 files would change: 1 created, 1 changed, 1 removed');
    expect(preview.diff.match(/^(---|\+\+\+) .*$/gm)).toEqual([
      '--- /dev/null',
      '+++ b/portico-_default.yaml',
      '--- a/portico-acme.shop.yaml',
      '+++ b/portico-acme.shop.yaml',
      '--- a/portico-globex.portal.yaml',
      '+++ /dev/null',
    ]);
    expect(readdirSync(sub).sort()).toEqual(['portico-acme.shop.yaml', 'portico-globex.portal.yaml']);
    expect(await previewTraefikDirectory(join(dir, 'missing'), new Map())).toEqual({ changed: false, diff: '', summary: '0 files unchanged' });
  });
});
