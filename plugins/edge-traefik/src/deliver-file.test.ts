import { mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writeFileAtomic, writeTraefikDirectory, writeTraefikFile } from './deliver-file.ts';
import { renderTraefikConfig } from './render.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-traefik-file-'));
const route = (hostname: string) => ({ hostname, basePath: '/', upstream: { host: '10.0.0.1', port: 80 }, stripPath: true, protocol: 'https' as const });

describe('file delivery', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    await writeTraefikDirectory(sub, { acme: renderTraefikConfig([route('a.test')]), beta: renderTraefikConfig([route('b.test')]) });
    expect(readdirSync(sub).sort()).toEqual(['portico-acme.yaml', 'portico-beta.yaml']);
    await writeTraefikDirectory(sub, { beta: renderTraefikConfig([route('b.test')]) });
    expect(readdirSync(sub)).toEqual(['portico-beta.yaml']);
    await expect(writeTraefikDirectory(sub, { '../x': renderTraefikConfig([]) })).rejects.toThrow(TypeError);
  });
});
