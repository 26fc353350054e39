import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SMOKE, runBench, type BenchRun } from '../harness/bench.ts';
import { scenarios } from '../scenarios/index.js';

// The bench harness in smoke mode: every scenario module (the same ones the k6 scripts run) against a real
// Portico with a tiny installation, so no scenario can rot. Correctness only — every path ran, every answer was one
// its step expects, no connection errors — never speed. The proxy scenario needs Caddy: without it, it is skipped
// with its reason locally, and the run fails under CI=true (@portico/test-servers' requireCaddy).
describe('bench harness, smoke mode', () => {
  const out = mkdtempSync(join(tmpdir(), 'portico-bench-smoke-test-'));
  let run: BenchRun;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every scenario with only expected answers and writes the report', { timeout: 180_000 }, async () => {
    run = await runBench({ ...SMOKE, out, log: () => undefined });
    const byName = new Map(run.report.results.map((r) => [r.scenario, r]));
    expect([...byName.keys()]).toEqual(scenarios.map((s) => s.name));
    for (const scenario of scenarios) {
      const result = byName.get(scenario.name)!;
      if (result.skipped) {
        expect(scenario.name, `only the proxy scenario may be skipped (${result.skipped})`).toBe('proxy');
        expect(process.env.CI).not.toBe('true');
        continue;
      }
      expect(result.paths.map((p) => p.path).sort()).toEqual(scenario.paths.map((p) => p.name).sort());
      for (const path of result.paths) {
        const definition = scenario.paths.find((p) => p.name === path.path)!;
        expect(path.steps.map((s) => s.name), path.path).toEqual(definition.steps.map((s) => s.name));
        for (const step of path.steps) {
          expect(step.requests, `${scenario.name} / ${path.path} / ${step.name}`).toBeGreaterThan(0);
          expect(step.unexpected, `${scenario.name} / ${path.path} / ${step.name}: ${step.example}`).toBe(0);
        }
      }
    }
  });

  it('writes a Markdown table and an SVG chart per scenario', () => {
    const markdown = readFileSync(run.files.find((f) => f.endsWith('.md'))!, 'utf8');
    for (const scenario of scenarios) {
      expect(markdown).toContain(`(\`${scenario.name}\`)`);
      const svg = run.files.find((f) => f.endsWith(`-${scenario.name}.svg`));
      expect(svg && existsSync(svg)).toBe(true);
      expect(readFileSync(svg!, 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
    }
  });
});
