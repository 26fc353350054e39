/**
 * Every snapshot file is accepted by the real `caddy validate` (Debian's 2.6.2 here), which decodes strictly
 * (an unknown field is an error) and provisions every module without starting listeners. Relative paths in the
 * snapshots (the ACME CA's root, the storage root) resolve in a temporary working directory.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary, requireCaddy } from '@portico/test-servers';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const snapshots = readdirSync(fixtures).filter((name) => name.endsWith('.caddy.json')).sort();
const work = mkdtempSync(join(tmpdir(), 'portico-caddy-validate-'));
copyFileSync(join(fixtures, 'test-acme-ca.pem'), join(work, 'test-acme-ca.pem'));

function validate(file: string): Promise<{ ok: boolean; output: string }> {
  const env = { ...process.env, HOME: work, XDG_DATA_HOME: join(work, 'data'), XDG_CONFIG_HOME: join(work, 'config') };
  return new Promise((resolve) => {
    execFile(findBinary('caddy') as string, ['validate', '--config', file], { cwd: work, env, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ ok: !err, output: `${stdout}${stderr}` }),
    );
  });
}

// Without caddy (apt-get install caddy) there is nothing to validate with; CI=true makes requireCaddy() throw.
describe.skipIf(!requireCaddy())('caddy validate', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('finds the snapshot files', () => {
    expect(snapshots).toEqual(expect.arrayContaining(['acme.caddy.json', 'internal.caddy.json', 'empty.caddy.json']));
  });

  for (const name of snapshots) {
    it(`accepts ${name}`, { timeout: 60_000 }, async () => {
      const { ok, output } = await validate(join(fixtures, name));
      expect(output).toContain('Valid configuration');
      expect(ok, output).toBe(true);
    });
  }

  // The check can fail: 2.6.2 rejects the field newer Caddy docs use for the ask endpoint.
  it('rejects on_demand.permission, so the checks above mean something', { timeout: 60_000 }, async () => {
    const file = join(work, 'permission.json');
    writeFileSync(file, JSON.stringify({ apps: { tls: { automation: { on_demand: { permission: { module: 'http', endpoint: 'http://127.0.0.1:1/ask' } } } } } }));
    const { ok, output } = await validate(file);
    expect(ok).toBe(false);
    expect(output).toContain('unknown field "permission"');
  });
});
