// A whole render and its serialisation, apart, for the Traefik and Istio plugins at N mappings, against the same
// run's JSON.stringify of the very objects rendered. Focused on what edge-bench.ts's render table sums up.
//
//   npx node perf/edge-render-bench.ts [--size 100000] [--rounds 3] [--only traefik|istio|gateway-api]
//
// Per round, each after a full GC: traefik renderTraefikConfig, toYaml, JSON.stringify(config); istio and
// gateway-api renderIstio, tenantFiles (toYamlStream per tenant: the plugin's defaults, a file per project),
// JSON.stringify(manifests). `× json` = the step's median ms / the median JSON.stringify of the same rendered value;
// `best` = the fastest round against the fastest reference (on a shared machine, the round least slowed by others).
// Prints a table and one JSON line. See perf/README.md (edge-bench section).
import { parseArgs } from 'node:util';
import { optionsSchema as istioSchema, renderIstio, renderOptionsOf, tenantFiles } from '../plugins/edge-istio/src/index.ts';
import { renderTraefikConfig, toYaml } from '../plugins/edge-traefik/src/render.ts';
import { routeTable } from './edge-bench-routes.ts';
import { gc, median, msSince, now, round } from './edge-bench-measure.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const size = Number(values.size);
const rounds = Number(values.rounds);
if (!Number.isInteger(size) || size < 200 || size > 1_000_000 || !Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--size 200…1000000, --rounds 1…20');
const kinds = ['traefik', 'istio', 'gateway-api'] as const;
const only = values.only === undefined ? [...kinds] : kinds.filter((k) => k === values.only);
if (only.length === 0) throw new Error(`--only ${kinds.join('|')}`);

const time = <T>(fn: () => T): { ms: number; value: T } => {
  gc();
  const start = now();
  const value = fn();
  return { ms: msSince(start), value };
};
const samples = new Map<string, number[]>();
const record = (step: string, ms: number) => (samples.get(step) ?? samples.set(step, []).get(step)!).push(ms);
const outputs = new Map<string, string>();
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const routes = routeTable(size);
const istioOptions = (api: 'istio' | 'gateway-api') => renderOptionsOf(istioSchema.parse({ api, issuerRef: { name: 'letsencrypt' } }));
for (let r = 0; r < rounds; r++) {
  if (only.includes('traefik')) {
    const config = time(() => renderTraefikConfig(routes));
    const yaml = time(() => toYaml(config.value));
    const json = time(() => JSON.stringify(config.value));
    record('traefik render', config.ms);
    record('traefik toYaml', yaml.ms);
    record('traefik render + toYaml', config.ms + yaml.ms);
    record('traefik reference: JSON.stringify(config)', json.ms);
    outputs.set('traefik toYaml', `${mb(Buffer.byteLength(yaml.value))} YAML`);
    outputs.set('traefik reference: JSON.stringify(config)', `${mb(Buffer.byteLength(json.value))} JSON`);
  }
  for (const api of ['istio', 'gateway-api'] as const) {
    if (!only.includes(api)) continue;
    const options = istioOptions(api);
    const manifests = time(() => renderIstio(routes, options));
    const files = time(() => tenantFiles(manifests.value));
    const json = time(() => JSON.stringify(manifests.value));
    record(`${api} render`, manifests.ms);
    record(`${api} tenantFiles (YAML)`, files.ms);
    record(`${api} render + YAML`, manifests.ms + files.ms);
    record(`${api} reference: JSON.stringify(manifests)`, json.ms);
    const bytes = [...files.value.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    outputs.set(`${api} tenantFiles (YAML)`, `${mb(bytes)} YAML in ${files.value.size} files`);
    outputs.set(`${api} reference: JSON.stringify(manifests)`, `${mb(Buffer.byteLength(json.value))} JSON`);
  }
  console.log(`round ${r + 1}/${rounds}: ${[...samples].map(([step, ms]) => `${step} ${ms.at(-1)!.toFixed(0)}`).join(', ')} (ms)`);
}

const referenceOf = (step: string) => median(samples.get(`${step.split(' ')[0]} reference: JSON.stringify(${step.startsWith('traefik') ? 'config' : 'manifests'})`)!);
const bestOf = (step: string) => Math.min(...samples.get(step)!);
const bestReferenceOf = (step: string) => Math.min(...samples.get(`${step.split(' ')[0]} reference: JSON.stringify(${step.startsWith('traefik') ? 'config' : 'manifests'})`)!);
const rows = [...samples].map(([step, ms]) => ({
  step,
  ms: round(median(ms), 1),
  ratio: round(median(ms) / referenceOf(step), 1),
  // On a shared machine the fastest round is the one least slowed by others: best against best.
  bestMs: round(bestOf(step), 1),
  bestRatio: round(bestOf(step) / bestReferenceOf(step), 1),
  samples: ms.map((m) => round(m, 1)),
  output: outputs.get(step) ?? '',
}));
console.log(`\n${size.toLocaleString('en')} mappings, ${rounds} rounds; × json = ms / JSON.stringify of the same rendered value (same run)\n`);
console.log(`${'step'.padEnd(48)} ${'median'.padStart(10)} ${'× json'.padStart(7)} ${'best'.padStart(10)} ${'× json'.padStart(7)}`);
for (const row of rows) console.log(`${row.step.padEnd(48)} ${row.ms.toFixed(0).padStart(7)} ms ${row.ratio.toFixed(1).padStart(6)}× ${row.bestMs.toFixed(0).padStart(7)} ms ${row.bestRatio.toFixed(1).padStart(6)}×  ${row.output}`);
console.log(JSON.stringify({ bench: 'edge-render-bench', date: new Date().toISOString(), node: process.version, size, rounds, rows }));
