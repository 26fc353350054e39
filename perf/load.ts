// One autocannon run in a process of its own, so the load generator never shares an event loop with the server
// it measures. Started by ask-bench.ts: `node perf/load.ts '<json LoadOptions>'`; prints one JSON LoadResult line.
// @ts-expect-error -- autocannon ships no type declarations.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Ask mode: vary `?domain=` per request over `h0…h<hosts-1>.bench.test`, `unknownShare` of them unknown names. */
  ask?: { hosts: number; unknownShare: number };
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  durationSeconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  status: { '2xx': number; '4xx': number; other: number };
  errors: number;
  timeouts: number;
}

/** `?domain=` for one request: a random loaded host, or (`unknownShare` of the time) a name nobody mapped. */
function askPath(hosts: number, unknownShare: number): string {
  const i = Math.floor(Math.random() * hosts);
  return Math.random() < unknownShare ? `/edge/ask?domain=x${i}.bench.test` : `/edge/ask?domain=h${i}.bench.test`;
}

async function run(options: LoadOptions): Promise<LoadResult> {
  const { ask } = options;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: ask ? [{ method: 'GET', setupRequest: (req: { path: string }) => Object.assign(req, { path: askPath(ask.hosts, ask.unknownShare) }) }] : undefined,
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
  };
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? '') as LoadOptions;
  process.stdout.write(`${JSON.stringify(await run(options))}\n`);
}
