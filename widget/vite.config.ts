import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import type { InlineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The widget's library build: one classic script (IIFE) for a `<script src>` tag and one ES module for bundlers,
 * both with Vue bundled and every style inlined into the element's shadow root (`customElement: true`), so a page
 * needs nothing else. `scripts/build.ts` runs it; it is also a normal Vite config (`npx vite build` in widget/).
 */
const config: InlineConfig = {
  root,
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  plugins: [vue({ features: { customElement: true } })],
  define: {
    'process.env.NODE_ENV': '"production"',
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    minify: true,
    target: 'es2020',
    reportCompressedSize: false,
    rolldownOptions: {
      // Vite leaves an ES library's whitespace for the consumer's bundler; this one is also loaded as is.
      output: { minify: true },
      // The classic script finds its origin through document.currentScript; import.meta is for the module build.
      onwarn(warning, warn) {
        if (warning.code !== 'EMPTY_IMPORT_META') warn(warning);
      },
    },
    copyPublicDir: false,
    lib: {
      entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      name: 'PorticoConnect',
      formats: ['iife', 'es'],
      fileName: (format) => (format === 'es' ? 'portico-connect.mjs' : 'portico-connect.js'),
    },
  },
};

export default config;
