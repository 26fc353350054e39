// Load spread over several servers from one process: one autocannon instance per URL, all at once, each with its
// share of the connections, so the load generator costs the same whatever the number of servers it feeds.
// Started by scale-bench.ts: `node perf/load-spread.ts '<json SpreadOptions>'`; prints one JSON LoadResult line
// (requests summed, latency percentiles the worst of the instances).
// @ts-expect-error -- autocannon ships no type declarations.
import autocannon from 'autocannon';
import type { LoadResult } from './load.ts';

export interface SpreadOptions {
  /** `http://host:port` of each server; requests go to `/edge/ask?domain=…`. */
  bases: string[];
  /** In all, divided evenly among the servers. */
  connections: number;
  durationSeconds: number;
  /** `?domain=` varies over `h0…h<hosts-1>.<suffix>`, `unknownShare` of the requests for names nobody mapped. */
  hosts: number;
  suffix: string;
  unknownShare: number;
}

/** The part of autocannon's result read here. */
interface AutocannonResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number; max: number };
  '2xx': number;
  '4xx': number;
  errors: number;
  timeouts: number;
}

async function one(base: string, connections: number, options: SpreadOptions): Promise<AutocannonResult> {
  const path = () => {
    const i = Math.floor(Math.random() * options.hosts);
    return `/edge/ask?domain=${Math.random() < options.unknownShare ? 'x' : 'h'}${i}.${options.suffix}`;
  };
  return autocannon({
    url: base,
    connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: [{ method: 'GET', setupRequest: (req: { path: string }) => Object.assign(req, { path: path() }) }],
  });
}

async function run(options: SpreadOptions): Promise<LoadResult> {
  const share = Math.max(1, Math.floor(options.connections / options.bases.length));
  const results = await Promise.all(options.bases.map((base) => one(base, share, options)));
  const sum = (pick: (r: AutocannonResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const requests = sum((r) => r.requests.total);
  const ok = sum((r) => r['2xx']);
  const client = sum((r) => r['4xx']);
  const durationSeconds = Math.max(...results.map((r) => r.duration));
  return {
    requestsPerSecond: Math.round(requests / durationSeconds),
    requests,
    durationSeconds,
    latencyMs: {
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
      max: Math.max(...results.map((r) => r.latency.max)),
    },
    status: { '2xx': ok, '4xx': client, other: requests - ok - client },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? '') as SpreadOptions;
  process.stdout.write(`${JSON.stringify(await run(options))}\n`);
}
