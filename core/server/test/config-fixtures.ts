import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDnsLookup, createKernel, type Kernel } from '@portico/kernel';
import { afterAll } from 'vitest';
import { collectingLogger, REPO_ROOT } from './helpers.ts';

export { collectingLogger };

// Shared by config.test.ts and out-of-tree-plugin.test.ts: temp folders, plugin sources, error catchers.
export const KERNEL_DIR = join(REPO_ROOT, 'core', 'kernel');

/** A fresh folder outside the repository, removed after the run. */
const folders: string[] = [];
export function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-config-test-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

export function writeFiles(root: string, files: Record<string, string | object>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
}

/** `@portico/kernel` installed in `root` the way a third party would have it: node_modules/@portico/kernel. */
export function installKernel(root: string): void {
  mkdirSync(join(root, 'node_modules', '@portico'), { recursive: true });
  symlinkSync(KERNEL_DIR, join(root, 'node_modules', '@portico', 'kernel'), 'dir');
}

/** A plugin module offering verification method `method`, which always answers verified. */
export const verifierSource = (id: string, method: string) => `import { definePlugin, z } from '@portico/kernel';

export default definePlugin({
  id: '${id}',
  version: '1.2.3',
  kernel: '^0.1.0',
  options: z.object({ label: z.string().default('_${method}') }),
  describe: {
    verificationMethods: [
      {
        method: '${method}',
        title: '${method} check',
        challenge: ({ hostname, token }) => [{ name: '_${method}.' + hostname, type: 'TXT', value: '${method}=' + token }],
      },
    ],
  },
  apply({ hooks, options }) {
    hooks.verify.for('${method}').tapPromise('${id}', async ({ hostname, token }) => ({
      status: 'verified',
      expected: [{ name: options.label + '.' + hostname, type: 'TXT', value: '${method}=' + token }],
      message: 'The ${method} check passed.',
    }));
  },
});
`;

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}
export function thrown(fn: () => unknown): Error & { code?: string; details?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}


export function testKernel(): Kernel {
  const { logger } = collectingLogger();
  return createKernel({
    services: { logger, fetch: globalThis.fetch, dns: createDnsLookup({ servers: ['127.0.0.1'] }), secrets: { get: async () => undefined } },
  });
}

