// Every speed goal of perf/README.md from one run on one machine: each benchmark at its goal's size, one after
// another, each in a process of its own (nothing else of this run competes with it), then one table — goal, the
// reference measured in the same run, the figure, met or not — printed as Markdown and written to
// perf/results/goals-<date>.json. `--readme` also replaces the table between the goals markers of perf/README.md.
//
//   npx node perf/goals.ts [--readme] [--only ask,list,verify,edge,change,scale] [--quick]
//
// `--quick` runs every benchmark at a tenth of its size (minutes instead of half an hour): a check that the runner
// and the benchmarks still fit together, not figures for the README. See perf/README.md.
/* eslint-disable @typescript-eslint/no-explicit-any -- benchmark results are JSON read back from their files */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { readme: { type: 'boolean', default: false }, only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const BENCHES = ['ask', 'list', 'verify', 'edge', 'change', 'scale'] as const;
type Bench = (typeof BENCHES)[number];
const only = values.only?.split(',') ?? [...BENCHES];
if (only.some((name) => !(BENCHES as readonly string[]).includes(name))) throw new Error(`--only takes ${BENCHES.join(',')}`);
const quick = values.quick;
const size = (full: number) => (quick ? Math.max(100, full / 10) : full);

const PERF = new URL('./', import.meta.url).pathname;
const today = () => new Date().toISOString().slice(0, 10);
const resultFile = (name: string) => `${PERF}results/${name}-${today()}.json`;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const fmt = (value: number) => value.toLocaleString('en');

/** Runs one benchmark script with the pinned Node; resolves with its stdout (also echoed), rejects on a non-zero exit. */
function run(script: string, args: string[], nodeFlags: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    console.log(`\n$ node ${[...nodeFlags, script, ...args].join(' ')}`);
    const child = spawn(process.execPath, [...nodeFlags, `${PERF}${script}`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code ?? signal}`))));
  });
}

/** The last line of `out` that is a JSON object with `"bench": name`. */
function jsonLine(out: string, name: string): Record<string, any> {
  const line = out
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{') && l.includes(`"bench":"${name}"`));
  if (!line) throw new Error(`${name} printed no result line`);
  return JSON.parse(line) as Record<string, any>;
}

const readResult = (name: string): Record<string, any> => {
  const file = resultFile(name);
  if (!existsSync(file)) throw new Error(`${name} wrote no ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
};

/**
 * One row of the table. `value` and `reference` are what the benchmark measured; `met` compares `value` to the goal;
 * `before` is the figure the speed work started from (perf/README.md's earlier sections), by the goal's first words.
 */
interface Goal {
  goal: string;
  bench: Bench;
  before: string;
  value: string;
  reference: string;
  met: boolean | undefined;
}

const BEFORE: Array<[RegExp, string]> = [
  [/^\/edge\/ask ≥/, '0.49–0.65 ×'],
  [/^\/edge\/ask p99/, '13–15 ms'],
  [/^route table ≤/, '327–333 B'],
  [/^full load/, '10.5 s'],
  [/^mapping check/, '—'],
  [/^domain list/, '71–390 ms'],
  [/pending verifications/, 'about 2,500 s'],
  [/^Traefik full render/, '6,700 ms'],
  [/^Istio full render/, '25,800 ms'],
  [/^Traefik Redis KV, one/, '5,079 ms (whole render)'],
  [/^Traefik HTTP provider, one/, '3,216 ms (whole render)'],
  [/^Traefik file, one/, '7,225 ms (whole render)'],
  [/^Traefik directory, one/, '10,819 ms (whole render)'],
  [/^Istio GitOps, one/, '3,838 ms (whole render)'],
  [/^Caddy, one/, 'a whole /load'],
  [/^traefik redis KV: from the commit/, 'about 5 s'],
  [/^traefik HTTP provider.*: from the commit/, 'about 3 s'],
  [/^traefik (file|directory).*: from the commit/, '7–11 s'],
  [/^caddy.*: from the commit/, '—'],
  [/^all five edges, API and worker/, '731 ms (2026-12-07)'],
  [/^all five edges/, '—'],
  [/^rendering never holds/, '731 ms (2026-12-07, one process)'],
];

const goals: Goal[] = [];
/** `met` left out: a figure shown beside the goals, not one of them. */
const add = (bench: Bench, goal: string, value: number | undefined, unit: string, reference: string, met?: (v: number) => boolean) =>
  goals.push({
    goal,
    bench,
    before: BEFORE.find(([pattern]) => pattern.test(goal))?.[1] ?? '—',
    value: value === undefined || Number.isNaN(value) ? 'not measured' : `${fmt(round(value, Math.abs(value) < 10 ? 2 : 1))} ${unit}`.trim(),
    reference,
    met: value === undefined || Number.isNaN(value) || met === undefined ? undefined : met(value),
  });

const benches: Record<Bench, () => Promise<void>> = {
  async ask() {
    const hosts = size(1_000_000);
    await run('ask-bench.ts', ['--hosts', String(hosts), '--rounds', '3', '--duration', quick ? '3' : '10'], ['--expose-gc']);
    const row = readResult('ask-bench').rows.at(-1);
    const ref = `bare node:http 200: ${fmt(row.referenceRps)} req/s, p99 ${row.referenceP99} ms`;
    add('ask', `/edge/ask ≥ 0.8 of a bare node:http 200 at ${fmt(hosts)} hosts`, row.ratio, '×', `${ref}; ask ${fmt(row.askRps)} req/s`, (v) => v >= 0.8);
    add('ask', '/edge/ask p99 < 5 ms under that load', row.askP99, 'ms', ref, (v) => v < 5);
    add('ask', `route table ≤ 250 bytes per host at ${fmt(hosts)} hosts`, row.bytesPerHost, 'B', `heap after a full collection, ${fmt(row.heapMB)} MB in all`, (v) => v <= 250);
    add('ask', `full load of ${fmt(hosts)} hosts < 3 s`, row.loadSeconds, 's', `insert of the same rows: ${row.insertSeconds} s`, (v) => v < 3);
    const check = row.mappingCheck;
    add('ask', `mapping check with ${fmt(hosts)} mappings < 10 ms (p50, free / taken)`, Math.max(check.freeP50, check.takenP50), 'ms', `free ${check.freeP50}, taken ${check.takenP50}; /healthz p50 ${check.healthzP50} ms`, (v) => v < 10);
  },
  async list() {
    const domains = size(100_000);
    await run('list-bench.ts', ['--domains', String(domains)]);
    const measures: Array<{ name: string; p50: number; p95: number }> = readResult('list-bench').measures;
    const healthz = measures.find((m) => m.name.startsWith('healthz'));
    const lists = measures.filter((m) => m.name.startsWith('list,') && !m.name.includes('empty'));
    const worst = lists.reduce((a, b) => (b.p95 > a.p95 ? b : a), lists[0]!);
    add('list', `domain list and search over ${fmt(domains)} domains p95 < 50 ms (worst of ${lists.length})`, worst?.p95, 'ms', `${worst?.name}; /healthz p50 ${healthz?.p50} ms`, (v) => v < 50);
  },
  async verify() {
    const domains = size(10_000);
    await run('verify-bench.ts', ['--domains', String(domains), '--via', 'sweep']);
    const runs: Array<Record<string, any>> = readResult('verify-bench').runs;
    const sweep = runs.find((r) => r.via === 'sweep') ?? runs[0]!;
    add('verify', `${fmt(domains)} pending verifications against real PowerDNS < 30 s`, sweep.verifiedSeconds ?? undefined, 's', `the same lookups without jobs: ${sweep.referencePorticoDnsSeconds} s (node:dns ${sweep.referenceResolverSeconds} s)`, (v) => v < 30);
  },
  async edge() {
    const n = size(100_000);
    const result = jsonLine(await run('edge-bench.ts', ['--sizes', String(n)]), 'edge-bench');
    const renders: Array<{ size: number; step: string; ms: number }> = result.render.filter((r: { size: number }) => r.size === n);
    const reference = renders.find((r) => r.step.startsWith('reference'));
    const ref = reference ? `JSON.stringify(routes): ${round(reference.ms)} ms` : '';
    const renderOf = (pattern: RegExp) => renders.find((r) => pattern.test(r.step))?.ms;
    add('edge', `Traefik full render + serialisation of ${fmt(n)} mappings < 2 s`, round(renderOf(/^traefik render \+/) ?? NaN), 'ms', ref, (v) => v < 2000);
    add('edge', `Istio full render + serialisation of ${fmt(n)} mappings < 2 s`, round(renderOf(/^istio render \+ YAML \(istio\)/) ?? NaN), 'ms', ref, (v) => v < 2000);
    const rows: Array<{ path: string; changeMs: number; fullMs: number }> = result.changes.find((c: { size: number }) => c.size === n)?.rows ?? [];
    const byChange = (pattern: RegExp) => rows.find((r) => pattern.test(r.path));
    const plugin: Array<[RegExp, string, number]> = [
      [/redis.*plugin, by change set/, 'Traefik Redis KV', 100],
      [/HTTP provider.*plugin, by change set/, 'Traefik HTTP provider', 100],
      [/file —.*plugin, by change set/, 'Traefik file', 300],
      [/directory.*plugin, by change set/, 'Traefik directory', 300],
      [/istio.*plugin, by change set/i, 'Istio GitOps', 500],
      [/caddy.*plugin, by change set/, 'Caddy', 1000],
    ];
    for (const [pattern, name, limit] of plugin) {
      const row = byChange(pattern);
      add('edge', `${name}, one mapping changed at ${fmt(n)}: the plugin's render + delivery < ${fmt(limit)} ms`, row ? round(row.changeMs) : undefined, 'ms', row ? `whole delivery of the same: ${fmt(round(row.fullMs))} ms` : '', (v) => v < limit);
    }
  },
  async change() {
    const hosts = size(100_000);
    const limits: Array<[string, RegExp, number]> = [
      ['redis', /redis/, 100],
      ['http', /HTTP provider/, 100],
      ['file', /file \(1 file\)/, 300],
      ['directory', /directory/, 300],
      ['caddy', /caddy/, 1000],
    ];
    const bench = (edges: string[], more: string[] = []) => run('edge-change-bench.ts', ['--hosts', String(hosts), '--changes', '5', '--edges', edges.join(','), ...more]).then((out) => jsonLine(out, 'edge-change-bench'));
    // Each edge's goal with that edge alone: no other edge's reconcile shares the process or the two CPUs.
    for (const [key, pattern, limit] of limits) {
      const result = await bench([key]);
      const row = (result.rows as Array<{ edge: string; medianMs: number; maxMs: number }>).find((r) => pattern.test(r.edge));
      if (!row) continue;
      add('change', `${row.edge}: from the commit to the edge holding it, ${fmt(hosts)} hosts < ${fmt(limit)} ms (median)`, round(row.medianMs), 'ms', `one INSERT round trip: ${result.referenceMs} ms; max ${fmt(round(row.maxMs))} ms`, (v) => v < limit);
    }
    // All five edges in one process, as an installation that runs them all would: what they cost each other.
    const together = await bench(limits.map(([key]) => key));
    const medians = (together.rows as Array<{ edge: string; medianMs: number }>).map((r) => `${r.edge.replace(/ \(.*\)$/, '')} ${fmt(round(r.medianMs, 0))}`).join(', ');
    const slowest = Math.max(...(together.rows as Array<{ medianMs: number }>).map((r) => r.medianMs));
    add('change', 'all five edges in one process: the slowest edge from the commit (median; not a goal, what the edges cost each other)', round(slowest), 'ms', `medians: ${medians} ms`);
    type Loop = { p50Ms: number; p99Ms: number; maxMs: number } | undefined;
    const loop = together.eventLoop as Loop;
    add('change', 'all five edges, API and worker in one process: event-loop delay p99 while the changes go through (not a goal: the worker role shares the loop)', loop?.p99Ms, 'ms', loop ? `p50 ${loop.p50Ms} ms, max ${loop.maxMs} ms` : '');
    // The goal is the API process's loop: rendering and delivering belong to the worker role, in a process of its own.
    const split = await bench(limits.map(([key]) => key), ['--split']);
    const apiLoop = split.eventLoop as Loop;
    add('change', "rendering never holds the API process's event loop more than a few ms (p99 delay while the changes go through all five edges, the worker role in a process of its own)", apiLoop?.p99Ms, 'ms', apiLoop ? `p50 ${apiLoop.p50Ms} ms, max ${apiLoop.maxMs} ms` : '', (v) => v <= 10);
  },
  async scale() {
    await run('scale-bench.ts', quick ? ['--hosts', '10000', '--duration', '3', '--rounds', '1', '--checks', '100'] : []);
    const result = readResult('scale-bench');
    const throughput: Array<{ apis: number; ratioToOne: number; requestsPerSecond: number }> = result.throughput;
    const most = throughput.at(-1)!;
    add('scale', `ask throughput grows with API processes (${most.apis} against 1)`, most.ratioToOne, '×', `1 API process: ${fmt(throughput[0]!.requestsPerSecond)} req/s`, (v) => v > 1.2);
    add('scale', 'a mapping change reaches every API process (max ms, none missed)', result.propagationMs.missed === 0 ? result.propagationMs.max : undefined, 'ms', `p50 ${result.propagationMs.p50} ms`, () => true);
    const jobs = result.jobs;
    if (jobs) add('scale', 'no job runs twice (checks completed / created, retried)', jobs.completed === jobs.created && jobs.domainsVerifiedTwice === 0 ? jobs.completed : undefined, 'once each', `${jobs.created} created, ${jobs.retried} retried`, () => true);
  },
};

const started = performance.now();
const failures: string[] = [];
for (const name of BENCHES.filter((b) => only.includes(b))) {
  try {
    await benches[name]();
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`\n${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const machine = { cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtEnd: loadavg().map((l) => round(l, 2)) };
const minutes = round((performance.now() - started) / 60_000, 1);
const mark = (met: boolean | undefined) => (met === undefined ? '—' : met ? 'yes' : 'no');
const table = [
  '| goal | before | now | reference (same run) | met? |',
  '| :-- | --: | --: | :-- | :-- |',
  ...goals.map((g) => `| ${g.goal} | ${g.before} | ${g.value} | ${g.reference} | ${mark(g.met)} |`),
].join('\n');
const heading = `From \`npx node perf/goals.ts${quick ? ' --quick' : ''}\` on ${today()}: ${machine.cpu}, ${machine.memoryGB} GB, Node ${machine.node}; ${minutes} minutes in all${failures.length ? `; failed: ${failures.join('; ')}` : ''}.`;
console.log(`\n${heading}\n\n${table}`);
mkdirSync(`${PERF}results`, { recursive: true });
writeFileSync(resultFile('goals'), `${JSON.stringify({ date: new Date().toISOString(), machine, quick, minutes, goals, failures }, null, 2)}\n`);

if (values.readme) {
  const readme = `${PERF}README.md`;
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- goals:start -->';
  const end = '<!-- goals:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) throw new Error(`perf/README.md has no ${start} … ${end} block`);
  writeFileSync(readme, `${text.slice(0, from + start.length)}\n${heading}\n\n${table}\n${text.slice(to)}`);
  console.log(`\nperf/README.md: goals table replaced`);
}
if (failures.length > 0) process.exitCode = 1;
