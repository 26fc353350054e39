import { createTestKernel } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import certAcme, { ACME_DIRECTORIES } from './index.ts';

const accountKeyFile = join(tmpdir(), `portico-acme-index-test-${process.pid}.pem`);

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: { code?: string }) => error.code);

describe('cert.acme options', () => {
  it('requires an https directory URL', async () => {
    expect(await codeOf(createTestKernel([{ plugin: certAcme, options: {} }]))).toBe('PLUGIN_OPTIONS_INVALID');
    expect(await codeOf(createTestKernel([{ plugin: certAcme, options: { directoryUrl: 'http://ca.test/dir' } }]))).toBe('PLUGIN_OPTIONS_INVALID');
    const kernel = await createTestKernel([{ plugin: certAcme, options: { directoryUrl: ACME_DIRECTORIES.letsencryptStaging, accountKeyFile } }]);
    await kernel.close();
  });

  it('refuses an account key secret that is missing or not a PEM key, naming the secret', async () => {
    const missing = createTestKernel([{ plugin: certAcme, options: { directoryUrl: ACME_DIRECTORIES.letsencryptStaging, accountKeySecret: 'acme-account-key' } }]);
    await expect(missing).rejects.toMatchObject({ code: 'PLUGIN_APPLY_FAILED' });
    await expect(missing).rejects.toThrow(/acme-account-key/);
    const garbage = createTestKernel([{ plugin: certAcme, options: { directoryUrl: ACME_DIRECTORIES.letsencryptStaging, accountKeySecret: 'k' } }], { services: { secretValues: { k: 'not a key' } } });
    await expect(garbage).rejects.toMatchObject({ code: 'PLUGIN_APPLY_FAILED' });
  });

  it('refuses a CA bundle file it cannot read', async () => {
    const kernel = createTestKernel([{ plugin: certAcme, options: { directoryUrl: ACME_DIRECTORIES.letsencryptStaging, accountKeyFile, caBundleFile: '/nonexistent/ca.pem' } }]);
    await expect(kernel).rejects.toThrow(/caBundleFile/);
  });
});
