import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateAccountKey } from './account-key.ts';
import certAcme, { ACME_DIRECTORIES } from './index.ts';

const work = mkdtempSync(join(tmpdir(), 'portico-acme-key-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the ACME account key file', () => {
  it('is created once (mode 0600) and read back on every later start', async () => {
    const path = join(work, 'nested', 'account.pem');
    const first = await loadOrCreateAccountKey(path);
    expect(first).toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateAccountKey(path)).toBe(first);
  });

  it('gives processes starting together one key', async () => {
    const path = join(work, 'race.pem');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateAccountKey(path)));
    expect(new Set(keys).size).toBe(1);
  });

  it('refuses a file that holds no key, naming it', async () => {
    const path = join(work, 'garbage.pem');
    writeFileSync(path, 'not a key');
    await expect(loadOrCreateAccountKey(path)).rejects.toThrow(/garbage\.pem.*accountKeyFile/);
  });

  it('is what the plugin uses by default: two registrations, one key file', async () => {
    const path = join(work, 'plugin.pem');
    const options = { directoryUrl: ACME_DIRECTORIES.letsencryptStaging, accountKeyFile: path };
    const a = await createTestKernel([{ plugin: certAcme, options }]);
    expect(existsSync(path)).toBe(true);
    const key = readFileSync(path, 'utf8');
    const b = await createTestKernel([{ plugin: certAcme, options }]);
    expect(readFileSync(path, 'utf8')).toBe(key);
    await Promise.all([a.close(), b.close()]);
  });
});
