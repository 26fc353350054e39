// What edge-bench.ts and its plugin measurements share: timing (after a full collection), phases, and the rows
// of the one-mapping change table.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc') as () => void);
export const run = promisify(execFile);
export const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
export const round = (value: number, digits: number) => Number(value.toFixed(digits));
export const now = () => process.hrtime.bigint();
export const msSince = (start: bigint) => Number(now() - start) / 1e6;

/** Milliseconds of one call, after a full collection, so one step does not pay for the garbage of the last. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  gc();
  const start = now();
  const value = await fn();
  return { ms: msSince(start), value };
}

/** Splits one timed call into named phases: `lap('render')` closes the phase that ran since the last lap. */
export function laps() {
  let last = now();
  const phases: Record<string, number> = {};
  return {
    phases,
    lap(name: string) {
      const at = now();
      phases[name] = (phases[name] ?? 0) + Number(at - last) / 1e6;
      last = at;
    },
  };
}
export type Lap = (name: string) => void;

/** Whether a Traefik configuration's text routes `hostname`. */
export const routed = (text: string, hostname: string) => text.includes(`Host(\`${hostname}\`)`);

export interface Sample {
  kind: string;
  ms: number;
  phases: Record<string, number>;
  effect: Record<string, number>;
}

export interface ChangeRow {
  size: number;
  path: string;
  /** The first delivery of all N mappings into an empty edge (GitOps: a seed commit unless --gitops-full). */
  fullMs: number;
  fullNote: string;
  /** Median over add, change and remove of every cycle. */
  changeMs: number;
  /** changeMs / one fs.writeFile of the full Traefik YAML (same size, same run). */
  ratioToWrite: number;
  /** changeMs / fullMs. */
  ratioToFull: number;
  /** Median ms per phase of the changes. */
  phases: Record<string, number>;
  full: Record<string, number>;
  /** Per kind (add, change, remove), from the last cycle; `varies` names the kinds whose figures differed between cycles. */
  perChange: Record<string, Record<string, number>>;
  varies: string[];
  samples: Array<{ kind: string; ms: number }>;
}

export function summarise(size: number, path: string, full: Sample, fullNote: string, samples: Sample[], referenceMs: number): ChangeRow {
  const changeMs = median(samples.map((s) => s.ms));
  const perChange: ChangeRow['perChange'] = {};
  const varies = new Set<string>();
  for (const s of samples) {
    if (perChange[s.kind] && JSON.stringify(perChange[s.kind]) !== JSON.stringify(s.effect)) varies.add(s.kind);
    perChange[s.kind] = s.effect;
  }
  const phases = Object.fromEntries(Object.keys(samples[0].phases).map((name) => [name, round(median(samples.map((s) => s.phases[name] ?? 0)), 1)]));
  console.log(`  ${path}: full ${full.ms.toFixed(0)} ms ${JSON.stringify(full.effect)}; ${samples.map((s) => `${s.kind} ${s.ms.toFixed(0)} ms ${JSON.stringify(s.effect)}`).join(', ')}`);
  return {
    size,
    path,
    fullMs: round(full.ms, 1),
    fullNote,
    changeMs: round(changeMs, 1),
    ratioToWrite: round(changeMs / referenceMs, 1),
    ratioToFull: round(changeMs / full.ms, 2),
    phases,
    full: full.effect,
    perChange,
    varies: [...varies],
    samples: samples.map((s) => ({ kind: s.kind, ms: round(s.ms, 1) })),
  };
}

export const FULL_NOTE = 'render + delivery of all N mappings into an empty edge';
