// From the database commit to the edge holding it: a real Portico (API and worker in one process, embedded
// PostgreSQL in a temp dir) with N hosts seeded (perf/seed-bench.ts) and four Traefik edges — one file, a file per
// project, a real Redis, and the HTTP provider Portico serves — then one host added and removed, K times. Each
// change is timed from just before the transaction that adds (or removes) the host's mapping until each edge holds
// it: the Redis key exists, the file or the project's file routes it, the served body does. What happens in between
// is what production does: the trigger's NOTIFY, every route table reloading that host, the coalesced reconcile job
// per edge, the plugin rendering and delivering the change set.
//
//   npx node perf/edge-change-bench.ts [--hosts 100000] [--changes 5] [--edges caddy,file,directory,redis,http] [--split]
//
// `--split`: the API role in this process and the worker role in a process of its own (perf/portico-process.ts), as a
// production installation runs them: the event-loop delay reported is then the API process's alone.
//
// The reference, in the same run: one round trip of the same INSERT … RETURNING on the same database, so the figure
// reads as "so many database round trips". See perf/README.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Redis as RedisClient } from 'ioredis';
import pg from 'pg';
import { freePort, requireCaddy, startCaddy, startRedis, type Caddy, type Redis } from '../core/test-servers/src/index.ts';
import { parseConfig } from '../core/server/src/config/load-config.ts';
import { createLogger } from '../core/server/src/logger.ts';
import { startPortico, type Portico } from '../core/server/src/runtime.ts';
import { edgeCaddyPlugin } from '../core/server/test/caddy-stack.ts';
import { routeName } from '../plugins/edge-traefik/src/index.ts';
import type { PorticoProcessOptions } from './portico-process.ts';
import { announceReload, seedBench } from './seed-bench.ts';

const EDGE_KEYS = ['caddy', 'file', 'directory', 'redis', 'http'] as const;
const { values } = parseArgs({ options: { hosts: { type: 'string', default: '100000' }, changes: { type: 'string', default: '5' }, edges: { type: 'string', default: EDGE_KEYS.join(',') }, split: { type: 'boolean', default: false } } });
const split = values.split;
/** The edges measured (`--edges caddy` measures Caddy alone: no other edge's reconcile shares the machine). */
const chosen = new Set(values.edges.split(','));
if ([...chosen].some((key) => !(EDGE_KEYS as readonly string[]).includes(key))) throw new Error(`--edges takes ${EDGE_KEYS.join(',')}`);
const hosts = Number(values.hosts);
const changes = Number(values.changes);
if (!Number.isInteger(hosts) || hosts < 100 || hosts > 1_000_000 || !Number.isInteger(changes) || changes < 1 || changes > 50) throw new Error('--hosts 100…1000000, --changes 1…50');

const REPO_ROOT = new URL('../', import.meta.url).pathname;
const TOKEN = 'edge-change-bench-token-0123456789';
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const now = () => performance.now();
const POLL_MS = 10;

/**
 * Polls `check` every `POLL_MS` until it is true; resolves with the time it became true, or throws after `timeoutMs`.
 * Not tighter: the polls share the machine with the Portico they measure.
 */
async function until(check: () => Promise<boolean>, timeoutMs = 120_000, what = 'the edge'): Promise<number> {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (await check()) return now();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms`);
}

const dir = mkdtempSync(join(tmpdir(), 'portico-edge-change-bench-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

let redis: Redis | undefined;
let caddy: Caddy | undefined;
let upstream: Server | undefined;
let portico: Portico | undefined;
let db: pg.Client | undefined;
let client: RedisClient | undefined;
const workers: Worker[] = [];
let worker: ChildProcess | undefined;
try {
  redis = await startRedis({ notifyKeyspaceEvents: 'KEA' });
  client = new RedisClient(redis.url, { connectTimeout: 5000, commandTimeout: 60_000 });
  // Caddy too where it is installed: it proxies to a local upstream that answers 200, so a request through Caddy
  // with the host's name answers 200 exactly when Caddy routes the host.
  upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (upstream.address() as { port: number }).port;
  caddy = chosen.has('caddy') && requireCaddy() ? await startCaddy() : undefined;
  const port = await freePort();
  const caddyPlugin = caddy && edgeCaddyPlugin(caddy, { askUrl: `http://127.0.0.1:${port}/edge/ask`, issuers: [{ module: 'internal' }] });
  const file = join(dir, 'traefik', 'portico.yaml');
  const directory = join(dir, 'traefik-projects');
  const raw = {
      http: { host: '127.0.0.1', port },
      database: { embedded: { dataDir: join(dir, 'postgres'), port: 0 } },
      secrets: { keyFile: join(dir, 'secret-keys.json') },
      edgeApi: { resolveToken: TOKEN },
      jobs: { pollingIntervalSeconds: 0.5 },
      plugins: [{ package: '@portico/verify-dns-txt' }, { package: '@portico/edge-traefik', options: { delivery: { kind: 'http' } } }, ...(caddyPlugin ? [caddyPlugin] : [])],
      edges: [
        ...(caddy ? [{ id: 'caddy', edge: 'caddy' }] : []),
        { id: 'file', edge: 'traefik', target: { delivery: { kind: 'file', path: file } } },
        { id: 'directory', edge: 'traefik', target: { delivery: { kind: 'directory', path: directory } } },
        { id: 'redis', edge: 'traefik', target: { delivery: { kind: 'redis', url: redis.url, prefix: 'traefik' } } },
      ].filter((edge) => chosen.has(edge.id)),
  };
  const config = parseConfig(raw, {}, 'edge-change-bench');
  portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: process.env.BENCH_LOG ?? 'warn' }), role: split ? 'api' : 'all' });
  if (split) {
    // The worker role on the same database and keys, with the same plugins and edges.
    const options: PorticoProcessOptions = { role: 'worker', databaseUrl: portico.databaseUrl, keyFile: raw.secrets.keyFile, dns: {}, plugins: raw.plugins, config: { edges: raw.edges, edgeApi: raw.edgeApi, jobs: raw.jobs } };
    worker = spawn(process.execPath, [new URL('./portico-process.ts', import.meta.url).pathname, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      worker!.once('exit', (code) => reject(new Error(`the worker process exited with ${code}`)));
      worker!.stdout!.once('data', () => resolve());
    });
  }
  const origin = portico.url!;
  db = new pg.Client({ connectionString: portico.databaseUrl });
  await db.connect();
  const seeded = now();
  // The hosts the changes add are seeded too, their mappings kept aside: adding one is then one plain INSERT of
  // its mapping, with the trigger's NOTIFY as in production (the bulk seed runs without triggers).
  // `both`: served over HTTP too, so Caddy answers a plain request for a routed host from the upstream.
  const installation = await seedBench(portico, db, { hosts: hosts + changes, protocol: 'both', upstream: { host: '127.0.0.1', port: upstreamPort } });
  await db.query(`create temporary table kept_mappings as select * from service_domain_mappings where host = any($1::text[])`, [Array.from({ length: changes }, (_, k) => `h${hosts + k}.bench.test`)]);
  await db.query('set session_replication_role = replica');
  await db.query('delete from service_domain_mappings where host in (select host from kept_mappings)');
  // Every domain live, as in a steady installation: no reconcile moves a seeded domain on (and probes it).
  await db.query(`update domains set status = 'live' where status = 'verified'`);
  await db.query('set session_replication_role = origin');
  await announceReload(db);
  console.log(`${hosts.toLocaleString('en')} hosts seeded in ${((now() - seeded) / 1000).toFixed(1)} s`);

  // The served body is polled from a worker thread: downloading tens of megabytes every few milliseconds would
  // otherwise hold the event loop measured here, the Portico process's. The worker keeps the last body and its ETag
  // (a 304 costs nothing) and answers whether the body routes a host.
  const poller = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     let etag = ''; let body = Buffer.alloc(0);
     parentPort.on('message', async ({ id, needle }) => {
       try {
         const res = await fetch(workerData.url, { headers: { authorization: 'Bearer ' + workerData.token, ...(etag ? { 'if-none-match': etag } : {}) } });
         if (res.status === 200) { etag = res.headers.get('etag') ?? ''; body = Buffer.from(await res.arrayBuffer()); } else await res.arrayBuffer();
         parentPort.postMessage({ id, routed: body.includes(needle) });
       } catch (error) { parentPort.postMessage({ id, error: String(error) }); }
     });`,
    { eval: true, workerData: { url: `${origin}/edge/traefik/config`, token: TOKEN } },
  );
  workers.push(poller);
  let asked = 0;
  const servedRoutes = (host: string) =>
    new Promise<boolean>((resolve, reject) => {
      const id = ++asked;
      const answer = (reply: { id: number; routed?: boolean; error?: string }) => {
        if (reply.id !== id) return;
        poller.off('message', answer);
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply.routed === true);
      };
      poller.on('message', answer);
      poller.postMessage({ id, needle: `Host(\`${host}\`)` });
    });
  // A file is read and searched again only once it was replaced (every delivery writes a new file and renames it
  // over the old): the answer for a host is kept with the file's stamp, so a poll of an unchanged file is one stat.
  const files = new Map<string, { stamp: string; bytes: Buffer; answers: Map<string, boolean> }>();
  const fileRoutes = async (path: string, host: string) => {
    const info = await stat(path).catch(() => undefined);
    const stamp = info ? `${info.ino}:${info.mtimeMs}:${info.size}` : '';
    let known = files.get(path);
    if (known?.stamp !== stamp) files.set(path, (known = { stamp, bytes: info ? await readFile(path) : Buffer.alloc(0), answers: new Map() }));
    let answer = known.answers.get(host);
    if (answer === undefined) known.answers.set(host, (answer = known.bytes.includes(`Host(\`${host}\`)`)));
    return answer;
  };
  // Host i belongs to organization i mod O, project `bench`: its file in the directory.
  const projectFile = (i: number) => join(directory, `portico-bench-${i % installation.tenancy.organizations.length === 0 ? 'hosts' : `o${i % installation.tenancy.organizations.length}`}.bench.yaml`);
  const throughCaddy = (host: string) =>
    new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port: caddy!.httpPort, path: '/', headers: { host }, timeout: 5000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  const edges: Record<string, (host: string, i: number) => Promise<boolean>> = {
    ...(caddy ? { 'caddy (admin API)': async (host: string) => throughCaddy(host) } : {}),
    ...(chosen.has('file') ? { 'traefik file (1 file)': async (host: string) => fileRoutes(file, host) } : {}),
    ...(chosen.has('directory') ? { 'traefik directory (file per project)': async (host: string, i: number) => fileRoutes(projectFile(i), host) } : {}),
    ...(chosen.has('redis') ? { 'traefik redis KV': async (host: string) => (await client!.exists(`traefik/http/routers/${routeName(host, '/')}-https/rule`)) === 1 } : {}),
    ...(chosen.has('http') ? { 'traefik HTTP provider (served)': async (host: string) => servedRoutes(host) } : {}),
  };

  // The first whole delivery of every edge, before any change is timed.
  const last = hosts - 1;
  const firstStarted = now();
  const first: Record<string, number> = {};
  await Promise.all(Object.entries(edges).map(async ([name, holds]) => (first[name] = round((await until(() => holds(`h${last}.bench.test`, last), 600_000)) - firstStarted, 0))));
  console.log(`first whole delivery (ms after seeding): ${JSON.stringify(first)}`);

  // Settled: no reconcile or probe due or running for two seconds (the seeding's reconciles and what they moved on
  // are done). The watch and certificate checks of 100,000 live domains go on meanwhile, as they do in production.
  const busy = async () =>
    Number(
      (await db!.query(`select count(*)::int as n from pgboss.job where (name like 'edge.reconcile/%' or name = 'domain.probe') and (state = 'active' or (state in ('created', 'retry') and start_after <= now()))`)).rows[0].n,
    );
  let quietSince = now();
  await until(async () => {
    // Edges that pull keep pulling meanwhile, as Traefik polls: the served body follows the table.
    if (chosen.has('http')) await servedRoutes('settling');
    if ((await busy()) > 0) quietSince = now();
    return now() - quietSince > 2000;
  }, 600_000, 'settling');
  // Reference: one INSERT … RETURNING round trip on the same database.
  const reference: number[] = [];
  await db.query('create temporary table bench_reference (id serial primary key, host text)');
  for (let r = 0; r < 20; r++) {
    const started = now();
    await db.query('insert into bench_reference (host) values ($1) returning id', [`r${r}`]);
    reference.push(now() - started);
  }
  const referenceMs = median(reference);

  const samples: Record<string, { add: number[]; remove: number[] }> = Object.fromEntries(Object.keys(edges).map((name) => [name, { add: [], remove: [] }]));
  // How long the process's event loop was held while the changes went through (reconciles, served renders, the
  // watch checks): what a request arriving meanwhile waits at worst.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  for (let k = 0; k < changes; k++) {
    const i = hosts + k;
    const host = `h${i}.bench.test`;
    for (const kind of ['add', 'remove'] as const) {
      const started = now();
      if (kind === 'add') await db.query('insert into service_domain_mappings select * from kept_mappings where host = $1', [host]);
      else await db.query('delete from service_domain_mappings where host = $1', [host]);
      await Promise.all(
        Object.entries(edges).map(async ([name, holds]) => {
          const at = await until(async () => (await holds(host, i)) === (kind === 'add'), 60_000, `${name}, ${kind} ${host}`);
          samples[name]![kind].push(at - started);
        }),
      );
      console.log(`  ${kind} ${host}: ${Object.entries(samples).map(([name, s]) => `${name.split(' (')[0]} ${s[kind].at(-1)!.toFixed(0)}`).join(', ')} ms`);
    }
  }

  loopDelay.disable();
  const eventLoop = { p50Ms: round(loopDelay.percentile(50) / 1e6, 1), p99Ms: round(loopDelay.percentile(99) / 1e6, 1), maxMs: round(loopDelay.max / 1e6, 1) };
  const rows = Object.entries(samples).map(([name, s]) => {
    const all = [...s.add, ...s.remove];
    return { edge: name, medianMs: round(median(all), 0), addMs: round(median(s.add), 0), removeMs: round(median(s.remove), 0), maxMs: round(Math.max(...all), 0), ratio: round(median(all) / referenceMs, 0) };
  });
  console.log(`\nOne host added and removed ${changes}× with ${hosts.toLocaleString('en')} hosts: ms from the commit's start until the edge holds it; × ref = ms / one INSERT round trip (${referenceMs.toFixed(2)} ms)\n`);
  console.log('| edge | median ms | add | remove | max | × ref |\n| :-- | --: | --: | --: | --: | --: |');
  for (const row of rows) console.log(`| ${row.edge} | ${row.medianMs} | ${row.addMs} | ${row.removeMs} | ${row.maxMs} | ${row.ratio} |`);
  console.log(`\nEvent loop of ${split ? 'the API process (the worker role in a process of its own)' : 'the Portico process (API and worker)'} during the changes: delay p50 ${eventLoop.p50Ms} ms, p99 ${eventLoop.p99Ms} ms, max ${eventLoop.maxMs} ms`);
  const machine = { cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version };
  console.log(JSON.stringify({ bench: 'edge-change-bench', date: new Date().toISOString(), machine, hosts, changes, split, referenceMs: round(referenceMs, 2), first, rows, eventLoop, samples }));
} finally {
  await Promise.all(workers.map((thread) => thread.terminate()));
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 25_000))]);
  }
  client?.disconnect();
  upstream?.close();
  await caddy?.stop();
  await db?.end().catch(() => undefined);
  await portico?.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
}
