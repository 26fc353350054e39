import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.ts';

// Versions are kept per package, by hand, the way changesets would keep them: a package's version is bumped in its
// package.json with a section of the same version in its CHANGELOG.md (an `Unreleased` section, if any, on top),
// and every workspace package that depends on it pins that exact version (a pin the workspace does not hold would
// make npm fetch the package from the registry instead of linking it) or names a peer range that admits it.
interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const folders = root.workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(join(REPO_ROOT, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(REPO_ROOT, pattern.slice(0, -2), entry.name, 'package.json')))
        .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
    : [pattern],
);
const packages = folders.map((folder) => ({ folder, manifest: JSON.parse(readFileSync(join(REPO_ROOT, folder, 'package.json'), 'utf8')) as Manifest }));
const versionOf = new Map(packages.map(({ manifest }) => [manifest.name, manifest.version]));

/** Whether `version` satisfies `range`: an exact version, or a caret range (`^0.1.0`: 0.1.x at or above it). */
function admits(range: string, version: string): boolean {
  const parse = (v: string) => v.split('.').map(Number) as [number, number, number];
  if (!range.startsWith('^')) return range === version;
  const [lo, v] = [parse(range.slice(1)), parse(version)];
  const compare = v[0] - lo[0] || v[1] - lo[1] || v[2] - lo[2];
  if (compare < 0) return false;
  return lo[0] > 0 ? v[0] === lo[0] : lo[1] > 0 ? v[1] === lo[1] && v[0] === 0 : v[0] === 0 && v[1] === 0 && v[2] === lo[2];
}

describe('package versions', () => {
  it('every workspace is found', () => {
    expect(packages.length).toBeGreaterThanOrEqual(18);
  });

  it.each(packages.filter(({ manifest }) => !manifest.private).map(({ folder, manifest }) => [folder, manifest] as const))('%s: its CHANGELOG has a section for its version, Unreleased on top', (folder, manifest) => {
    const changelog = join(REPO_ROOT, folder, 'CHANGELOG.md');
    expect(existsSync(changelog), `${folder}/CHANGELOG.md`).toBe(true);
    const headings = readFileSync(changelog, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3).split(' ')[0]!);
    expect(headings, `${folder}: a "## ${manifest.version}" section`).toContain(manifest.version);
    const unreleased = headings.indexOf('Unreleased');
    expect(unreleased, `${folder}: "## Unreleased" is the first section when there is one`).toBeLessThanOrEqual(0);
  });

  it.each(packages.map(({ folder, manifest }) => [folder, manifest] as const))('%s: pins the workspace versions of the packages it depends on', (folder, manifest) => {
    for (const kind of ['dependencies', 'devDependencies'] as const) {
      for (const [name, wanted] of Object.entries(manifest[kind] ?? {})) {
        const version = versionOf.get(name);
        if (version !== undefined) expect(wanted, `${folder} ${kind} ${name}`).toBe(version);
      }
    }
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
      const version = versionOf.get(name);
      if (version !== undefined) expect(admits(range, version), `${folder} peer ${name}@${range} admits ${version}`).toBe(true);
    }
  });

  it('reads a caret range as npm does', () => {
    expect(admits('^0.1.0', '0.1.1')).toBe(true);
    expect(admits('^0.1.1', '0.1.0')).toBe(false);
    expect(admits('^0.1.0', '0.2.0')).toBe(false);
    expect(admits('^1.2.0', '1.9.0')).toBe(true);
    expect(admits('^1.2.0', '2.0.0')).toBe(false);
    expect(admits('0.4.2', '0.4.2')).toBe(true);
  });
});
