// The Connect widget's download size: builds the widget (widget/scripts/build.ts, skipped when its sources are
// unchanged) and reports raw, gzip and brotli sizes of portico-connect.js and .mjs against a reference measured the
// same way in the same run, Vue's own production runtime (vue.runtime.global.prod.js), which the widget bundles.
// A budget is reported as over or under, never asserted. Usage:
//
//   npm run bench:widget-size                       # = node perf/widget-size.ts
//   node perf/widget-size.ts --force --budget-kb 80 # rebuild first; budget in kB of gzip per file
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { buildWidget, WIDGET_FILES, widgetDistDir } from '../widget/scripts/build.ts';

const { values } = parseArgs({ options: { force: { type: 'boolean', default: false }, 'budget-kb': { type: 'string', default: '80' } } });
const budgetBytes = Number(values['budget-kb']) * 1000;
if (!Number.isFinite(budgetBytes) || budgetBytes <= 0) {
  console.error(`--budget-kb must be a positive number (got "${values['budget-kb']}")`);
  process.exit(2);
}

interface Sizes {
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

/** Sizes as a server compressing static files ahead of time sends them: gzip -9 and brotli at quality 11. */
function sizesOf(file: string): Sizes {
  const content = readFileSync(file);
  return {
    bytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
    brotliBytes: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }).length,
  };
}

const { built, manifest } = await buildWidget({ force: values.force });
const vueDir = dirname(createRequire(import.meta.url).resolve('vue/package.json'));
const vueVersion = (JSON.parse(readFileSync(join(vueDir, 'package.json'), 'utf8')) as { version: string }).version;
const reference = sizesOf(join(vueDir, 'dist/vue.runtime.global.prod.js'));

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const files = Object.fromEntries(
  WIDGET_FILES.map((name) => {
    const sizes = sizesOf(join(widgetDistDir, name));
    return [
      name,
      {
        ...sizes,
        vsVueRuntime: { bytes: ratio(sizes.bytes, reference.bytes), gzip: ratio(sizes.gzipBytes, reference.gzipBytes), brotli: ratio(sizes.brotliBytes, reference.brotliBytes) },
        budget: { gzipBytes: budgetBytes, verdict: sizes.gzipBytes <= budgetBytes ? 'under' : 'over', marginBytes: budgetBytes - sizes.gzipBytes },
      },
    ];
  }),
);

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
console.log(`\nwidget @portico/widget ${manifest.version} (${built ? 'built now' : 'build up to date'}), reference: Vue ${vueVersion} runtime (global, prod)\n`);
console.log('| file | raw | gzip | brotli | gzip × Vue runtime | budget (gzip) |');
console.log('| :-- | --: | --: | --: | --: | :-- |');
console.log(`| vue.runtime.global.prod.js (reference) | ${kb(reference.bytes)} | ${kb(reference.gzipBytes)} | ${kb(reference.brotliBytes)} | 1.00 | |`);
for (const [name, f] of Object.entries(files)) {
  console.log(`| ${name} | ${kb(f.bytes)} | ${kb(f.gzipBytes)} | ${kb(f.brotliBytes)} | ${f.vsVueRuntime.gzip.toFixed(2)} | ${f.budget.verdict} ${kb(budgetBytes)} by ${kb(Math.abs(f.budget.marginBytes))} |`);
}
console.log('');
console.log(
  JSON.stringify({
    bench: 'widget-size',
    date: new Date().toISOString(),
    node: process.version,
    widget: { version: manifest.version, sourceHash: manifest.sourceHash, built },
    reference: { name: 'vue.runtime.global.prod.js', vue: vueVersion, ...reference },
    files,
  }),
);
