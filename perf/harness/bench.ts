// The bench harness: every load scenario of perf/scenarios/ (the same modules the k6 scripts in perf/k6/ run),
// against a real Portico seeded at each installation size, with autocannon in child processes.
//
//   npm run bench                                   # 10,000 and 100,000 hosts, 5 s runs, 2 rounds
//   npm run bench -- --hosts 10000 --scenarios ask,api --duration 10 --rounds 3
//   npm run bench -- --smoke                        # every scenario in seconds, at 200 hosts: correctness only
//
// Writes `bench-<date>.md`, `bench-<date>.json` and `bench-<date>-<scenario>.svg` to --out (default
// perf/results/, or a temp dir in smoke mode). Asserts nothing about speed; stops on a wrong answer.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scenarios } from '../scenarios/index.js';
import type { Scenario } from '../scenarios/scenario.js';
import { startInstallation } from './installation.ts';
import { costChart, markdownReport, type BenchReport } from './report.ts';
import { runScenario, type RunSettings, type ScenarioResult } from './run-scenario.ts';

export interface BenchOptions {
  sizes: number[];
  /** Scenario names; default all. */
  scenarios?: string[];
  organizations: number;
  settings: RunSettings;
  /** Directory for the Markdown, JSON and SVG files; none: nothing is written. */
  out?: string;
  log?: (line: string) => void;
}

export interface BenchRun {
  report: BenchReport;
  files: string[];
}

/** Settings of a smoke run: tiny and counted, so every scenario runs in seconds. */
export const SMOKE: Pick<BenchOptions, 'sizes' | 'organizations' | 'settings'> = {
  sizes: [200],
  organizations: 2,
  settings: { connections: 2, durationSeconds: 1, warmupSeconds: 0, rounds: 1, iterations: 10, backgroundConnections: 1 },
};

export async function runBench(options: BenchOptions): Promise<BenchRun> {
  const log = options.log ?? console.log;
  const chosen: Scenario[] = options.scenarios ? options.scenarios.map((name) => scenarios.find((s) => s.name === name) ?? unknownScenario(name)) : scenarios;
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const results: ScenarioResult[] = [];
  const installation = await startInstallation({ hosts: sizes[0]!, organizations: options.organizations });
  try {
    for (const hosts of sizes) {
      if (hosts !== installation.hosts) await installation.grow(hosts);
      log(`${thousands(hosts)} hosts: seeded and loaded (${JSON.stringify(installation.took)})`);
      for (const scenario of chosen) {
        if (scenario.name === 'proxy' && !installation.proxy) {
          log(`  ${scenario.name}: skipped, ${installation.proxyMissing}`);
          results.push({ scenario: scenario.name, title: scenario.title, hosts, skipped: installation.proxyMissing, setupSeconds: 0, paths: [] });
          continue;
        }
        const result = await runScenario(scenario, installation.env, hosts, options.settings);
        results.push(result);
        for (const path of result.paths) {
          log(`  ${scenario.name} / ${path.path}: ${path.background ? 'background' : `cost ${path.cost} × reference`}, ${thousands(path.requestsPerSecond)} req/s, p50 ${path.p50Ms} ms, ${path.requests} requests`);
        }
      }
    }
  } finally {
    await installation.stop();
  }
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}`;
  const report: BenchReport = { date, machine, settings: { ...options.settings, organizations: options.organizations }, sizes, results };
  const files: string[] = [];
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    const write = (name: string, text: string) => {
      const file = join(options.out!, name);
      writeFileSync(file, text);
      files.push(file);
    };
    write(`bench-${date}.md`, markdownReport(report));
    write(`bench-${date}.json`, `${JSON.stringify(report, null, 2)}\n`);
    for (const scenario of chosen) write(`bench-${date}-${scenario.name}.svg`, costChart(results.filter((r) => r.scenario === scenario.name)));
  }
  return { report, files };
}

function unknownScenario(name: string): never {
  throw new Error(`no scenario ${name}; there are ${scenarios.map((s) => s.name).join(', ')}`);
}

const thousands = (n: number) => n.toLocaleString('en');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      hosts: { type: 'string' },
      scenarios: { type: 'string' },
      organizations: { type: 'string' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '10' },
      out: { type: 'string' },
    },
  });
  const number = (value: string, name: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}`);
    return n;
  };
  const sizes = values.hosts?.split(',').map((v) => number(v, 'hosts', 1, 10_000_000)) ?? (values.smoke ? SMOKE.sizes : [10_000, 100_000]);
  const options: BenchOptions = values.smoke
    ? { ...SMOKE, sizes }
    : {
        sizes,
        organizations: 10,
        settings: {
          connections: number(values.connections, 'connections', 1, 1000),
          durationSeconds: number(values.duration, 'duration', 1, 300),
          warmupSeconds: number(values.warmup, 'warmup', 0, 60),
          rounds: number(values.rounds, 'rounds', 1, 20),
          backgroundConnections: 2,
        },
      };
  if (values.organizations) options.organizations = number(values.organizations, 'organizations', 1, 100_000);
  if (values.scenarios) options.scenarios = values.scenarios.split(',');
  options.out = values.out ? resolve(values.out) : values.smoke ? mkdtempSync(join(tmpdir(), 'portico-bench-smoke-')) : new URL('../results/', import.meta.url).pathname;
  const started = process.hrtime.bigint();
  const { files } = await runBench(options);
  console.log(`\nwritten ${files.join(', ')}; whole run ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s`);
}

if (import.meta.main) await main();
