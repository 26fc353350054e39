import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import type { InlineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Where `npm run dev:console` sends API calls: a running Portico (`npm start`), unless PORTICO_API_URL says otherwise. */
const apiUrl = process.env.PORTICO_API_URL ?? 'http://127.0.0.1:8780';

/**
 * The console's app build (served by Portico at `/`) and its dev server with hot reload. `scripts/build.ts` runs
 * the build; `npm run dev:console` runs `vite` with this file, proxying the API to a running Portico so the
 * session cookie stays first-party.
 */
const config: InlineConfig = {
  root,
  configFile: false,
  base: '/',
  publicDir: 'public',
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
  },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries(['/v1', '/widget', '/healthz', '/readyz'].map((path) => [path, { target: apiUrl, changeOrigin: false }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
    assetsDir: 'assets',
  },
};

export default config;
