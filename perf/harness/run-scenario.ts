// The Node driver of a scenario module: its setup over fetch, then each measured path against the reference in
// alternating rounds, every run an autocannon process of its own (perf/load.ts), with the scenario's background
// paths running alongside. Any answer outside a step's `expect`, any connection error or timeout fails the run:
// figures of a scenario that answered wrongly would measure the wrong thing.
import { request as httpRequest } from 'node:http';
import { loadInChild, type LoadOptions, type LoadResult, type StepResult } from '../load.ts';
import type { Env, Path, Request, Response, Scenario, Target } from '../scenarios/scenario.js';

export interface RunSettings {
  connections: number;
  /** Timed runs: seconds per run and warm-up seconds per path. */
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  /** Counted runs instead (smoke mode): this many iterations of a path per run, no warm-up, one round. */
  iterations?: number;
  /** Connections of a background path. */
  backgroundConnections: number;
}

export interface PathResult {
  path: string;
  background: boolean;
  /** Medians over the rounds; `cost` is the median of the per-round (reference req/s ÷ path req/s). */
  requestsPerSecond: number;
  referenceRequestsPerSecond: number;
  cost: number;
  p50Ms: number;
  p99Ms: number;
  referenceP50Ms: number;
  /** Requests of the path over all rounds. */
  requests: number;
  /** What each step was answered, in the last round. */
  steps: StepResult[];
  rounds: Array<{ reference: number; path: number; cost: number }>;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  hosts: number;
  /** Why the scenario did not run (a server it needs is missing). */
  skipped?: string;
  setupSeconds: number;
  paths: PathResult[];
}

const BASE: Record<Target, keyof Env> = { api: 'BASE_URL', proxy: 'PROXY_URL', upstream: 'UPSTREAM_URL' };

function baseUrl(env: Env, target: Target | undefined): string {
  const url = env[BASE[target ?? 'api']];
  if (!url) throw new Error(`${BASE[target ?? 'api']} is not set`);
  return url;
}

/**
 * Sends one of the setup's requests (bounded: 30 s) and hands back the answer as the scenario reads it. node:http,
 * not fetch: fetch drops a `host` header, which the proxy scenario routes by.
 */
function send(env: Env, request: Request): Promise<Response> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpRequest(baseUrl(env, request.target) + request.path, { method: request.method, headers, agent: false, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', reject);
      res.on('end', () => {
        const flat = Object.fromEntries(Object.entries(res.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
        resolve({ status: res.statusCode ?? 0, headers: flat, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${request.method} ${request.path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Runs a scenario's setup generator: each request it yields is sent, its answer passed back in. */
export async function runSetup<Data>(scenario: Scenario<Data>, env: Env): Promise<Data> {
  const steps = scenario.setup(env);
  let step = steps.next();
  while (!step.done) step = steps.next(await send(env, step.value));
  return step.value;
}

/** Fails on anything but the expected answers: errors, timeouts, a status outside a step's `expect`. */
function checked(what: string, result: LoadResult): LoadResult {
  const wrong = (result.steps ?? []).filter((s) => s.unexpected > 0);
  if (result.errors > 0 || result.timeouts > 0 || wrong.length > 0 || result.requests === 0) {
    const detail = wrong.map((s) => `${s.name}: ${s.unexpected} unexpected of ${s.requests} (${JSON.stringify(s.status)}; e.g. ${s.example})`).join('; ');
    throw new Error(`${what}: ${result.requests} requests, ${result.errors} errors, ${result.timeouts} timeouts${detail ? `; ${detail}` : ''}`);
  }
  return result;
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
const round2 = (value: number) => Number(value.toFixed(2));

export async function runScenario<Data>(scenario: Scenario<Data>, env: Env, hosts: number, settings: RunSettings): Promise<ScenarioResult> {
  const setupStart = process.hrtime.bigint();
  const data = await runSetup(scenario, env);
  const setupSeconds = round2(Number(process.hrtime.bigint() - setupStart) / 1e9);
  const counted = settings.iterations !== undefined;
  const rounds = counted ? 1 : settings.rounds;
  const targetOf = (path: Path<Data>) => path.steps[0]!.request(data, { n: 0, token: 'probe' }).target;
  const run = async (what: string, path: Path<Data> | undefined, options: Partial<LoadOptions> = {}) =>
    checked(
      `${scenario.name} ${what}`,
      await loadInChild({
        url: baseUrl(env, path ? targetOf(path) : scenario.reference.target),
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
        ...(counted ? { amount: settings.iterations! * (path?.steps.length ?? 1) } : {}),
        flow: { scenario: scenario.name, path: path?.name, data },
        ...options,
      }),
    );

  const measured = scenario.paths.filter((p) => !p.background);
  const background = scenario.paths.filter((p) => p.background);
  // Background paths run for as long as the measured runs take (counted runs: a fixed few seconds alongside them).
  const measuredSeconds = counted ? 2 : measured.length * (settings.warmupSeconds + rounds * 2 * settings.durationSeconds) + 5;
  const backgroundRuns = background.map((path) =>
    run(path.name, path, { connections: settings.backgroundConnections, durationSeconds: measuredSeconds, amount: undefined }).then((result) => ({ path, result })),
  );
  // Started before the measured runs; a failed one is reported after them (so no rejection goes unhandled meanwhile).
  const settled = Promise.allSettled(backgroundRuns);

  const paths: PathResult[] = [];
  let countedReference: LoadResult | undefined;
  for (const path of measured) {
    if (!counted && settings.warmupSeconds > 0) {
      await run('reference warm-up', undefined, { durationSeconds: settings.warmupSeconds });
      await run(`${path.name} warm-up`, path, { durationSeconds: settings.warmupSeconds });
    }
    const pairs: Array<{ reference: LoadResult; path: LoadResult; cost: number }> = [];
    for (let round = 0; round < rounds; round++) {
      // Counted runs check answers, not speed: one reference run serves every path.
      const reference = counted ? (countedReference ??= await run('reference', undefined)) : await run('reference', undefined);
      const result = await run(path.name, path);
      pairs.push({ reference, path: result, cost: round2(reference.requestsPerSecond / Math.max(result.requestsPerSecond, 1e-9)) });
    }
    const last = pairs.at(-1)!.path;
    paths.push({
      path: path.name,
      background: false,
      requestsPerSecond: Math.round(median(pairs.map((p) => p.path.requestsPerSecond))),
      referenceRequestsPerSecond: Math.round(median(pairs.map((p) => p.reference.requestsPerSecond))),
      cost: round2(median(pairs.map((p) => p.cost))),
      p50Ms: median(pairs.map((p) => p.path.latencyMs.p50)),
      p99Ms: median(pairs.map((p) => p.path.latencyMs.p99)),
      referenceP50Ms: median(pairs.map((p) => p.reference.latencyMs.p50)),
      requests: pairs.reduce((sum, p) => sum + p.path.requests, 0),
      steps: last.steps ?? [],
      rounds: pairs.map((p) => ({ reference: p.reference.requestsPerSecond, path: p.path.requestsPerSecond, cost: p.cost })),
    });
  }
  for (const outcome of await settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    const { path, result } = outcome.value;
    paths.push({
      path: path.name,
      background: true,
      requestsPerSecond: result.requestsPerSecond,
      referenceRequestsPerSecond: 0,
      cost: 0,
      p50Ms: result.latencyMs.p50,
      p99Ms: result.latencyMs.p99,
      referenceP50Ms: 0,
      requests: result.requests,
      steps: result.steps ?? [],
      rounds: [],
    });
  }
  return { scenario: scenario.name, title: scenario.title, hosts, setupSeconds, paths };
}
