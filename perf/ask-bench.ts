// The on-demand TLS gate under load: GET /edge/ask requests per second with N hosts in the route table,
// as a ratio to a plain node:http server answering 200 in the same run, plus the route table's heap per host.
//
//   npx node --expose-gc perf/ask-bench.ts [--hosts 100000,1000000] [--duration 10] [--connections 50]
//
// Real path: startPortico (role api, embedded PostgreSQL in a temp dir, migrations, demo seed), hosts bulk-inserted
// with one INSERT … SELECT generate_series per table (seed-bench.ts `insertHosts`), RouteTable.reload(), load from
// autocannon in a child process (perf/load.ts). Everything it starts it stops; the temp dir is removed. See perf/README.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { parseConfig } from '../core/server/src/config/load-config.ts';
import { createLogger } from '../core/server/src/logger.ts';
import { startPortico, type Portico } from '../core/server/src/runtime.ts';
import { loadInChild, type LoadOptions, type LoadResult } from './load.ts';
import { benchDomainId, insertHosts, type Tenancy } from './seed-bench.ts';

const REPO_ROOT = new URL('../', import.meta.url).pathname;
const UNKNOWN_SHARE = 0.1;

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100000,1000000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
  },
});
const hostCounts = values.hosts.split(',').map(Number);
const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
const warmupSeconds = Number(values.warmup);
const rounds = Number(values.rounds);
if (hostCounts.some((n) => !Number.isInteger(n) || n < 1) || hostCounts.some((n, i) => i > 0 && n <= hostCounts[i - 1])) {
  throw new Error('--hosts takes increasing positive integers, e.g. 100000,1000000');
}
if (!(durationSeconds >= 1 && durationSeconds <= 300) || !(connections >= 1 && connections <= 1000) || !(warmupSeconds >= 0 && warmupSeconds <= 60) || !(rounds >= 1 && rounds <= 20)) {
  throw new Error('--duration 1…300, --connections 1…1000, --warmup 0…60, --rounds 1…20');
}

/** A full collection before each heap reading: --expose-gc's global, else the same switch turned on at run time. */
const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc') as () => void);
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const now = () => process.hrtime.bigint();

/** One autocannon run in a child process (bounded: killed if it outlives its duration by a minute). */
const load = (options: LoadOptions): Promise<LoadResult> => loadInChild(options);

async function measure(url: string, ask?: LoadOptions['ask']): Promise<LoadResult> {
  const result = await load({ url, connections, durationSeconds, ask });
  if (result.errors > 0 || result.timeouts > 0 || result.status.other > 0) throw new Error(`unexpected answers: ${JSON.stringify(result)}`);
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Reference and ask, warmed up, then measured in alternating rounds: the two runs of a round share whatever else
 * the machine is doing at the time, so the median of the per-round ratios is steadier than any single pair.
 */
async function compare(referenceUrl: string, askUrl: string, ask: NonNullable<LoadOptions['ask']>) {
  if (warmupSeconds > 0) {
    await load({ url: referenceUrl, connections, durationSeconds: warmupSeconds });
    await load({ url: askUrl, connections, durationSeconds: warmupSeconds, ask });
  }
  const pairs: Array<{ reference: LoadResult; ask: LoadResult; ratio: number }> = [];
  for (let round = 0; round < rounds; round++) {
    const reference = await measure(referenceUrl);
    const answer = await measure(askUrl, ask);
    const known = answer.status['2xx'] / answer.requests;
    if (Math.abs(known - (1 - ask.unknownShare)) > 0.02) throw new Error(`ask answered 2xx to ${(known * 100).toFixed(1)} % of requests, expected ~${(1 - ask.unknownShare) * 100} %`);
    pairs.push({ reference, ask: answer, ratio: round3(answer.requestsPerSecond / reference.requestsPerSecond) });
    console.log(`  round ${round + 1}: reference ${reference.requestsPerSecond} req/s (p99 ${reference.latencyMs.p99} ms), ask ${answer.requestsPerSecond} req/s (p99 ${answer.latencyMs.p99} ms), ratio ${pairs.at(-1)!.ratio}`);
  }
  return {
    referenceRps: median(pairs.map((p) => p.reference.requestsPerSecond)),
    askRps: median(pairs.map((p) => p.ask.requestsPerSecond)),
    ratio: median(pairs.map((p) => p.ratio)),
    referenceP99: median(pairs.map((p) => p.reference.latencyMs.p99)),
    askP99: median(pairs.map((p) => p.ask.latencyMs.p99)),
    pairs,
  };
}

const round3 = (value: number) => Number(value.toFixed(3));

/** The reference: the least a Node HTTP server can do per request. */
async function startReference(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function status(url: string): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
}

interface Row {
  hosts: number;
  insertSeconds: number;
  insertSteps: Record<string, number>;
  loadSeconds: number;
  heapMB: number;
  bytesPerHost: number;
  /** Medians over the rounds (ratio: median of the per-round ratios). */
  referenceRps: number;
  askRps: number;
  ratio: number;
  referenceP99: number;
  askP99: number;
  pairs: Array<{ reference: LoadResult; ask: LoadResult; ratio: number }>;
  /** `GET …/mappings:check` with N mappings, sequential (ms): a free name, a taken one, and `/healthz` between them. */
  mappingCheck: { freeP50: number; freeP95: number; takenP50: number; takenP95: number; healthzP50: number };
}

/**
 * The conflict check the mapping editor calls while the user types, with `hosts` mappings in the table: a name
 * nobody uses under bench domain 0, and bench domain 1 itself (taken by its own mapping). 200 sequential requests of
 * each, interleaved with `/healthz` of the same process as the reference.
 */
async function mappingCheckTimes(base: string, headers: Record<string, string>, projectId: string, hosts: number): Promise<Row['mappingCheck']> {
  const timed = async (path: string, expectAvailable?: boolean) => {
    const start = now();
    const res = await fetch(base + path, { headers, signal: AbortSignal.timeout(30_000) });
    const body = (await res.json()) as { available?: boolean };
    const took = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 200 || (expectAvailable !== undefined && body.available !== expectAvailable)) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return took;
  };
  const free: number[] = [];
  const taken: number[] = [];
  const healthz: number[] = [];
  for (let i = 0; i < 200; i++) {
    free.push(await timed(`/v1/projects/${projectId}/mappings:check?domainId=${benchDomainId(i % Math.min(hosts, 1000))}&subdomain=free-${i}`, true));
    taken.push(await timed(`/v1/projects/${projectId}/mappings:check?domainId=${benchDomainId((i % Math.min(hosts, 1000)) + 1)}`, false));
    healthz.push(await timed('/healthz'));
  }
  const q = (xs: number[], p: number) => round([...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!, 2);
  return { freeP50: q(free, 0.5), freeP95: q(free, 0.95), takenP50: q(taken, 0.5), takenP95: q(taken, 0.95), healthzP50: q(healthz, 0.5) };
}

const started = now();
const dir = mkdtempSync(join(tmpdir(), 'portico-ask-bench-'));
let portico: Portico | undefined;
let reference: Server | undefined;
let db: pg.Client | undefined;
const rows: Row[] = [];
try {
  const config = parseConfig(
    {
      seedDemo: true,
      http: { host: '127.0.0.1', port: 0 },
      database: { embedded: { dataDir: join(dir, 'postgres'), port: 0 } },
      secrets: { keyFile: join(dir, 'secret-keys.json') },
      dns: { mode: 'resolver', servers: ['127.0.0.1'] },
    },
    {},
    'ask-bench',
  );
  const startup = now();
  portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: 'warn' }), role: 'api' });
  console.log(`Portico (role api, embedded PostgreSQL) up at ${portico.url} in ${seconds(startup).toFixed(1)} s`);
  const ref = await startReference();
  reference = ref.server;

  db = new pg.Client({ connectionString: portico.databaseUrl });
  await db.connect();
  const project = (await db.query<{ id: string; organization_id: string }>('select id, organization_id from projects order by created_at limit 1')).rows[0];
  const service = await db.query<{ id: string }>(
    `insert into services (id, created_at, updated_at, organization_id, project_id, name, upstream_host, upstream_port)
     values (gen_random_uuid(), now(), now(), $1, $2, 'bench', '127.0.0.1', 8080) returning id`,
    [project.organization_id, project.id],
  );
  const ids = { organization: project.organization_id, project: project.id, service: service.rows[0].id };
  const tenancy: Tenancy = { organizations: [ids.organization], projects: [ids.project], services: [ids.service] };
  const { routeTable } = portico.container.cradle;
  const ask = (host: string) => status(`${portico!.url}/edge/ask?domain=${host}`);
  const login = await fetch(`${portico.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'demo@portico.local', password: 'portico-demo' }) });
  if (login.status !== 200) throw new Error(`demo sign-in: ${login.status}`);
  const session = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };

  await routeTable.reload();
  const baseline = heapUsed();
  let loaded = 0;
  for (const hosts of hostCounts) {
    console.log(`\n${hosts.toLocaleString('en')} hosts: inserting ${(hosts - loaded).toLocaleString('en')} …`);
    const insert = now();
    const insertSteps = await insertHosts(db, tenancy, loaded, hosts);
    const insertSeconds = seconds(insert);
    const reload = now();
    await routeTable.reload();
    const loadSeconds = seconds(reload);
    const heap = heapUsed() - baseline;
    loaded = hosts;
    if (routeTable.size !== hosts) throw new Error(`route table holds ${routeTable.size} hosts, expected ${hosts}`);
    // The gate must say what the bench assumes, or the req/s below measure the wrong thing.
    const checks = [await ask(`h${hosts - 1}.bench.test`), await ask(`x0.bench.test`), await ask('h0.bench.test')];
    if (checks.join() !== '200,404,200') throw new Error(`ask answers ${checks.join()}, expected 200,404,200`);
    console.log(`  inserted in ${insertSeconds.toFixed(1)} s (${Object.entries(insertSteps).map(([k, v]) => `${k} ${v} s`).join(', ')}), reload ${loadSeconds.toFixed(1)} s, heap +${(heap / 2 ** 20).toFixed(0)} MB`);

    const compared = await compare(ref.url, `${portico.url}/edge/ask`, { hosts, unknownShare: UNKNOWN_SHARE });
    const mappingCheck = await mappingCheckTimes(portico.url!, session, ids.project, hosts);
    console.log(`  mapping check: free p50 ${mappingCheck.freeP50} ms (p95 ${mappingCheck.freeP95}), taken p50 ${mappingCheck.takenP50} ms (p95 ${mappingCheck.takenP95}), healthz p50 ${mappingCheck.healthzP50} ms`);
    const row: Row = {
      hosts,
      insertSeconds: round(insertSeconds, 1),
      insertSteps,
      loadSeconds: round(loadSeconds, 2),
      heapMB: round(heap / 2 ** 20, 1),
      bytesPerHost: Math.round(heap / hosts),
      ...compared,
      mappingCheck,
    };
    rows.push(row);
  }

  const machine = {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: (await db.query<{ v: string }>("select current_setting('server_version') as v")).rows[0].v,
  };
  printTable(rows);
  const date = new Date().toISOString().slice(0, 10);
  const file = new URL(`./results/ask-bench-${date}.json`, import.meta.url).pathname;
  mkdirSync(new URL('./results/', import.meta.url).pathname, { recursive: true });
  const settings = { connections, durationSeconds, warmupSeconds, rounds, unknownShare: UNKNOWN_SHARE, gc: 'full gc before each heap reading' };
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings, rows, totalSeconds: round(seconds(started), 1) }, null, 2)}\n`);
  console.log(`\nwritten ${file}; whole run ${seconds(started).toFixed(0)} s`);
} finally {
  await db?.end().catch(() => undefined);
  await new Promise((resolve) => (reference ? reference.close(resolve) : resolve(undefined)));
  await portico?.stop();
  rmSync(dir, { recursive: true, force: true });
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function printTable(table: Row[]): void {
  const head = ['hosts', 'load s', 'heap MB', 'B/host', 'ref req/s', 'ask req/s', 'ask/ref', 'ref p99 ms', 'ask p99 ms'];
  const body = table.map((r) => [r.hosts, r.loadSeconds, r.heapMB, r.bytesPerHost, r.referenceRps, r.askRps, r.ratio, r.referenceP99, r.askP99].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(`\n${line(head)}\n${body.map(line).join('\n')}`);
}
