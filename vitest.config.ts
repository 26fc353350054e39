import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Sized for a slow or busy machine (CI runners, a laptop doing other work): tests that start real servers or
// render large generated tables take seconds there, so every project gets generous limits. Tests never assert
// on time; a limit only stops a hung test.
const limits = { testTimeout: 60_000, hookTimeout: 120_000 };

// Tests run on the workspace packages' TypeScript sources: their `exports` put a `portico-source` condition before
// the built dist/ (docs/development.md). Vite resolves with its own conditions; Node (test workers and every
// `node` a test starts) with NODE_OPTIONS, which .npmrc sets for `npm test` / `npx vitest` and this keeps set
// however vitest was started.
const SOURCE_CONDITION = 'portico-source';
if (!(process.env.NODE_OPTIONS ?? '').includes(`--conditions=${SOURCE_CONDITION}`)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=${SOURCE_CONDITION}`.trim();
}
// Vitest's own defaults (Vite's server conditions without `module`, which names files Node cannot import), plus ours;
// vitest also hands the ssr list to its workers as --conditions.
const conditions = [SOURCE_CONDITION, ...defaultServerConditions.filter((condition) => condition !== 'module')];
const sources = { resolve: { conditions }, ssr: { resolve: { conditions } } };

// One vitest project per package; `npm test` runs them all, `npx vitest run --project kernel` one of them.
export default defineConfig({
  test: {
    projects: [
      { ...sources, test: { name: 'kernel', root: 'core/kernel', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], ...limits } },
      {
        ...sources,
        test: {
          name: 'server',
          root: 'core/server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          ...limits,
        },
      },
      { ...sources, test: { name: 'plugins', root: 'plugins', include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'], ...limits } },
      // The package template third parties copy (docs/plugins/dns-provider-template): tested so it cannot rot.
      { ...sources, test: { name: 'templates', root: 'docs/plugins', include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'], ...limits } },
      // The Connect widget in real Chromium against a real Portico: the server's PostgreSQL, then the widget build.
      {
        ...sources,
        test: {
          name: 'widget',
          root: 'widget',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['../core/server/test/global-setup.ts', 'test/global-setup.ts'],
          ...limits,
        },
      },
      // The console's components and stores in happy-dom (stores never reach the network: they mock api/).
      {
        ...sources,
        plugins: [vue()],
        resolve: { ...sources.resolve, alias: { '@': fileURLToPath(new URL('./console/src', import.meta.url)) } },
        test: { name: 'console', root: 'console', include: ['src/**/*.test.ts'], environment: 'happy-dom', ...limits },
      },
      // The console's journeys in real Chromium against a real Portico: the server's PostgreSQL, then the console build.
      {
        ...sources,
        test: {
          name: 'console-e2e',
          root: 'console',
          include: ['test/**/*.test.ts'],
          globalSetup: ['../core/server/test/global-setup.ts', 'test/global-setup.ts'],
          ...limits,
        },
      },
      { ...sources, test: { name: 'test-servers', root: 'core/test-servers', include: ['src/**/*.test.ts'], ...limits } },
      // The bench harness in smoke mode: every load scenario (perf/scenarios/, also run by perf/k6/) against a real
      // Portico at a tiny size, checking answers only.
      { ...sources, test: { name: 'perf', root: 'perf', include: ['test/**/*.test.ts'], ...limits } },
    ],
  },
});
