// One autocannon run in a process of its own, so the load generator never shares an event loop with the server
// it measures. Started by ask-bench.ts and the bench harness (perf/harness/): `node perf/load.ts '<json LoadOptions>'`;
// prints one JSON LoadResult line.
// @ts-expect-error -- autocannon ships no type declarations.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Path, Request, Response, Scenario, Step } from './scenarios/scenario.js';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Ask mode: vary `?domain=` per request over `h0…h<hosts-1>.bench.test`, `unknownShare` of them unknown names. */
  ask?: { hosts: number; unknownShare: number };
  /**
   * Scenario mode: the steps of one path of a scenario module (perf/scenarios/<scenario>.js), or its reference
   * (`path` undefined), over and over on every connection, with the data its setup returned. `url` is the origin.
   */
  flow?: { scenario: string; path?: string; data: unknown };
  /** Stop after this many requests instead of after `durationSeconds` (the harness's smoke mode). */
  amount?: number;
}

/** What one step of a scenario path was answered, by status; `unexpected` counts answers outside its `expect`. */
export interface StepResult {
  name: string;
  requests: number;
  status: Record<string, number>;
  unexpected: number;
  /** The first unexpected answer, for the error message. */
  example?: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  durationSeconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  status: { '2xx': number; '4xx': number; other: number };
  errors: number;
  timeouts: number;
  /** Scenario mode: per step. */
  steps?: StepResult[];
}

/** `?domain=` for one request: a random loaded host, or (`unknownShare` of the time) a name nobody mapped. */
function askPath(hosts: number, unknownShare: number): string {
  const i = Math.floor(Math.random() * hosts);
  return Math.random() < unknownShare ? `/edge/ask?domain=x${i}.bench.test` : `/edge/ask?domain=h${i}.bench.test`;
}

interface FlowRequest {
  setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
  onResponse: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
}

/**
 * autocannon requests for a scenario path: each connection runs the steps in order, over and over. The iteration
 * state lives in autocannon's context (reset before each first step); `n` counts iterations in this process, and
 * the process's random token keeps new names apart from other processes' and runs'.
 */
async function flowRequests(flow: NonNullable<LoadOptions['flow']>, results: StepResult[]): Promise<FlowRequest[]> {
  const { default: scenario } = (await import(`./scenarios/${flow.scenario}.js`)) as { default: Scenario };
  const steps: Step[] = flow.path === undefined ? [{ name: 'reference', request: () => scenario.reference }] : (scenario.paths.find((p: Path) => p.name === flow.path)?.steps ?? []);
  if (steps.length === 0) throw new Error(`scenario ${flow.scenario} has no path ${flow.path}`);
  const token = Math.random().toString(36).slice(2, 8);
  let iterations = 0;
  return steps.map((step, k) => {
    const result: StepResult = { name: step.name, requests: 0, status: {}, unexpected: 0 };
    results.push(result);
    return {
      setupRequest(req, context) {
        if (k === 0) Object.assign(context, { n: iterations++, token });
        const request: Request = step.request(flow.data, context as Parameters<Step['request']>[1]);
        context[`expect${k}`] = request.expect;
        const headers: Record<string, string> = { ...request.headers };
        if (request.body !== undefined) headers['content-type'] = 'application/json';
        return { ...req, method: request.method, path: request.path, headers, body: request.body };
      },
      onResponse(status, body, context, headers) {
        result.requests++;
        result.status[status] = (result.status[status] ?? 0) + 1;
        if (!(context[`expect${k}`] as number[]).includes(status)) {
          result.unexpected++;
          result.example ??= `${status} ${body.slice(0, 300)}`;
          return;
        }
        const response: Response = { status, headers, body };
        step.after?.(response, context as Parameters<Step['request']>[1]);
      },
    };
  });
}

async function run(options: LoadOptions): Promise<LoadResult> {
  const { ask, flow } = options;
  const steps: StepResult[] = [];
  const requests = flow
    ? await flowRequests(flow, steps)
    : ask
      ? [{ method: 'GET', setupRequest: (req: { path: string }) => Object.assign(req, { path: askPath(ask.hosts, ask.unknownShare) }) }]
      : undefined;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    amount: options.amount,
    pipelining: 1,
    timeout: 10,
    requests,
  });
  const ok = result['2xx'] as number;
  const client = result['4xx'] as number;
  return {
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    requests: result.requests.total,
    durationSeconds: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    status: { '2xx': ok, '4xx': client, other: result.requests.total - ok - client },
    errors: result.errors,
    timeouts: result.timeouts,
    ...(flow ? { steps } : {}),
  };
}

/** One run in a child process (bounded: killed if it outlives its duration, or a minute for a counted run, by a minute). */
export function loadInChild(options: LoadOptions): Promise<LoadResult> {
  return jsonChild(fileURLToPath(import.meta.url), options, (options.amount === undefined ? options.durationSeconds : 60) + 60);
}

/**
 * Runs `node <script> '<json options>'` and resolves with the one JSON line it prints; the child is killed if it
 * outlives `limitSeconds`. How every benchmark runs its load generator in a process of its own.
 */
export function jsonChild<Options, Result>(script: string, options: Options, limitSeconds: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitSeconds * 1000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as Result);
      else reject(new Error(`load run failed (exit ${code ?? signal}): ${out}`));
    });
  });
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? '') as LoadOptions;
  process.stdout.write(`${JSON.stringify(await run(options))}\n`);
}
