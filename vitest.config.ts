import { defineConfig } from 'vitest/config';

// One vitest project per package; `npm test` runs them all, `npx vitest run --project kernel` one of them.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'kernel', root: 'core/kernel', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          root: 'core/server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'plugins', root: 'plugins', include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'] } },
      // The package template third parties copy (docs/plugins/dns-provider-template): tested so it cannot rot.
      { test: { name: 'templates', root: 'docs/plugins', include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'] } },
      {
        test: {
          name: 'test-servers',
          root: 'core/test-servers',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
