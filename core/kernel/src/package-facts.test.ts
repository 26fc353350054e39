import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFacts } from './package-facts.ts';

describe('packageFacts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-package-facts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const moduleIn = (name: string, manifest: object) => {
    mkdirSync(join(dir, name, 'dist'), { recursive: true });
    writeFileSync(join(dir, name, 'package.json'), JSON.stringify(manifest));
    return pathToFileURL(join(dir, name, 'dist', 'index.js')).href;
  };

  it("reads the version and the kernel peer range from the package.json above the module's folder", () => {
    expect(packageFacts(moduleIn('ok', { name: 'x', version: '1.2.3', peerDependencies: { '@portico/kernel': '^0.1.0' } }))).toEqual({ version: '1.2.3', kernel: '^0.1.0' });
  });

  it('refuses a package without a kernel peer range, naming its package.json', () => {
    expect(() => packageFacts(moduleIn('no-peer', { name: 'x', version: '1.2.3' }))).toThrow(/no-peer\/package\.json: a plugin package needs/);
  });
});
