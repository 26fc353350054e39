// Scale-out: several API processes and workers (`--role api` / `--role worker`, separate OS processes) on one
// PostgreSQL. Measures GET /edge/ask throughput with the load spread over 1, 2 and 3 API processes (ratio to 1), the
// time from a mapping change's commit until each API process answers it, and whether any verification job ran
// twice when many are queued through all API processes and taken by two workers.
//
//   npx node perf/scale-bench.ts [--hosts 100000] [--apis 3] [--workers 2] [--duration 5] [--rounds 3] [--connections 48] [--checks 1000]
//
// Real path: the embedded PostgreSQL in a temp dir (migrations and the demo seed run once, from here), N hosts
// bulk-inserted (one INSERT … SELECT generate_series per table, as ask-bench.ts does), then each Portico process
// started from perf/portico-process.ts loads its route table from the database. Load comes from one autocannon
// process (perf/load-spread.ts) spreading its connections evenly over the API processes measured. Verification
// checks go to a real PowerDNS (@portico/test-servers). A script, not a test: it asserts nothing about speed.
// Everything it starts it stops (by pid); temp dirs are removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { requirePowerDns, startPowerDns, type PowerDns } from '@portico/test-servers';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../core/server/src/db/embedded-postgres.ts';
import { openDatabase } from '../core/server/src/db/orm.ts';
import { seedDemo } from '../core/server/src/db/seed.ts';
import { jsonChild, type LoadResult } from './load.ts';
import type { SpreadOptions } from './load-spread.ts';
import type { PorticoProcessOptions } from './portico-process.ts';
import { publishTxt } from './txt-lookups.ts';

const PROCESS_SCRIPT = new URL('./portico-process.ts', import.meta.url).pathname;
const LOAD_SCRIPT = new URL('./load-spread.ts', import.meta.url).pathname;
const ZONE = 'jobs.scale.test';
const SUFFIX = 'scale.test';
const UNKNOWN_SHARE = 0.1;
const PROPAGATION_CHANGES = 5;

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100000' },
    apis: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '48' },
    checks: { type: 'string', default: '1000' },
  },
});
const [hosts, apiCount, workerCount, durationSeconds, rounds, connections, checks] = [values.hosts, values.apis, values.workers, values.duration, values.rounds, values.connections, values.checks].map(Number) as [number, number, number, number, number, number, number];
if (!Number.isInteger(hosts) || hosts < 1 || hosts > 2_000_000) throw new Error('--hosts 1…2,000,000');
if (!(apiCount >= 1 && apiCount <= 8) || !(workerCount >= 1 && workerCount <= 8)) throw new Error('--apis 1…8, --workers 1…8');
if (!(durationSeconds >= 1 && durationSeconds <= 120) || !(rounds >= 1 && rounds <= 10) || !(connections >= apiCount && connections <= 1000)) throw new Error('--duration 1…120, --rounds 1…10, --connections apis…1000');
if (!Number.isInteger(checks) || checks < 0 || checks > 100_000) throw new Error('--checks 0…100,000');
if (checks > 0 && !requirePowerDns()) throw new Error('PowerDNS is not installed (npm run test:servers:install), or run with --checks 0');

const now = () => process.hrtime.bigint();
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const round = (value: number, digits: number) => Number(value.toFixed(digits));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Child {
  role: 'api' | 'worker';
  url: string | null;
  process: ChildProcess;
}

/** Starts one Portico process and resolves once it prints its address (bounded: killed after 120 s). */
function startProcess(options: PorticoProcessOptions): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROCESS_SCRIPT, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.role} process did not start within 120 s`));
    }, 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve({ role: options.role, url: (JSON.parse(out.split('\n')[0]!) as { url: string | null }).url, process: child });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.role} process exited (${code ?? signal}) before it started`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 25 s. */
function stopProcess(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 25_000);
    child.process.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.process.kill('SIGTERM');
  });
}

/** One load-spread run in a child process (bounded: killed if it outlives its duration by a minute). */
const load = (options: SpreadOptions): Promise<LoadResult> => jsonChild(LOAD_SCRIPT, options, options.durationSeconds + 60);

const orderedUuid = (prefix: string) => `('${prefix}0000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid`;

/**
 * Hosts `h<i>.scale.test`, each a verified domain with one mapping to the bench service: one INSERT … SELECT
 * generate_series per table, under `session_replication_role = replica` (no foreign-key checks, no per-row NOTIFY:
 * no process is running yet; each loads the table when it starts).
 */
async function insertHosts(db: pg.Client, ids: { organization: string; project: string; service: string }, count: number): Promise<void> {
  const series = 'from generate_series(0, $1::int - 1) as i';
  await db.query('set session_replication_role = replica');
  try {
    await db.query(
      `insert into domains (id, created_at, updated_at, organization_id, hostname, status, method, token, verified_at, next_check_at)
       select ${orderedUuid('a')}, now(), now(), $2, 'h' || i || '.${SUFFIX}', 'verified', 'dns-txt', md5('t' || i), now(), now() + interval '30 days' ${series}`,
      [count, ids.organization],
    );
    await db.query(`insert into project_domains (id, created_at, project_id, domain_id) select ${orderedUuid('b')}, now(), $2, ${orderedUuid('a')} ${series}`, [count, ids.project]);
    await db.query(
      `insert into service_domain_mappings (id, created_at, updated_at, organization_id, project_id, service_id, project_domain_id, domain_id, host, internal_port)
       select ${orderedUuid('c')}, now(), now(), $2, $3, $4, ${orderedUuid('b')}, ${orderedUuid('a')}, 'h' || i || '.${SUFFIX}', 8080 ${series}`,
      [count, ids.organization, ids.project, ids.service],
    );
  } finally {
    await db.query('set session_replication_role = origin');
  }
  await db.query('analyze domains, project_domains, service_domain_mappings');
}

const askStatus = async (base: string, host: string) => (await fetch(`${base}/edge/ask?domain=${host}`, { signal: AbortSignal.timeout(5000) })).status;

/** Polls every API process until it answers `expected` for `host`; seconds from `since` for each (null: not within 30 s). */
async function untilEvery(bases: string[], host: string, expected: number, since: bigint): Promise<Array<number | null>> {
  return Promise.all(
    bases.map(async (base) => {
      while (seconds(since) < 30) {
        if ((await askStatus(base, host)) === expected) return seconds(since);
        await sleep(2);
      }
      return null;
    }),
  );
}

const started = now();
const dir = mkdtempSync(join(tmpdir(), 'portico-scale-bench-'));
let database: EmbeddedDatabase | undefined;
let pdns: PowerDns | undefined;
let db: pg.Client | undefined;
const children: Child[] = [];
try {
  database = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: 0, persistent: false });
  const orm = await openDatabase(database.url); // migrations, once, before any process starts
  await seedDemo(orm);
  await orm.close(true);
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const project = (await db.query<{ id: string; organization_id: string }>('select id, organization_id from projects order by created_at limit 1')).rows[0]!;
  const service = await db.query<{ id: string }>(
    `insert into services (id, created_at, updated_at, organization_id, project_id, name, upstream_host, upstream_port) values (gen_random_uuid(), now(), now(), $1, $2, 'bench', '127.0.0.1', 8080) returning id`,
    [project.organization_id, project.id],
  );
  const ids = { organization: project.organization_id, project: project.id, service: service.rows[0]!.id };
  await db.query(`insert into organization_settings (id, created_at, updated_at, organization_id) values (gen_random_uuid(), now(), now(), $1) on conflict (organization_id) do nothing`, [ids.organization]);
  await db.query('update organization_settings set max_mappings_per_project = 10000000, max_domains = 100000 where organization_id = $1', [ids.organization]);
  const insert = now();
  await insertHosts(db, ids, hosts);
  console.log(`${hosts.toLocaleString('en')} hosts inserted in ${seconds(insert).toFixed(1)} s`);

  // Domains whose checks the workers run, with their TXT records at a real PowerDNS.
  let dns: Record<string, unknown> = { mode: 'resolver', servers: ['127.0.0.1'] };
  let pendingIds: string[] = [];
  if (checks > 0) {
    pdns = await startPowerDns({ zones: [{ name: ZONE, records: [{ name: 'ns1', type: 'A', values: ['127.0.0.1'] }] }] });
    dns = { mode: 'authoritative', servers: [`127.0.0.1:${pdns.dnsPort}`], nameserverPort: pdns.dnsPort };
    const token = (i: number) => createHash('md5').update(`check-${i}`).digest('hex');
    const hostnames = Array.from({ length: checks }, (_, i) => `v${i}.${ZONE}`);
    pendingIds = (
      await db.query<{ id: string }>(
        `insert into domains (id, created_at, updated_at, status_changed_at, organization_id, hostname, status, status_message, method, token, next_check_at)
         select gen_random_uuid(), now(), now(), now(), $1, h.hostname, 'pending', 'Added.', 'dns-txt', h.token, now() + interval '6 hours'
         from unnest($2::text[], $3::text[]) as h(hostname, token) returning id`,
        [ids.organization, hostnames, hostnames.map((_, i) => token(i))],
      )
    ).rows.map((r) => r.id);
    // The dns-txt plugin's record: `_portico-challenge.<hostname>  TXT  portico-verification=<token>`.
    await publishTxt(pdns, ZONE, hostnames.map((hostname, i) => ({ name: `_portico-challenge.${hostname}`, value: `portico-verification=${token(i)}` })));
  }

  const processOptions = (role: 'api' | 'worker'): PorticoProcessOptions => ({ role, databaseUrl: database!.url, keyFile: join(dir, 'secret-keys.json'), dns, plugins: [{ package: '@portico/verify-dns-txt' }] });
  const boot = now();
  children.push(await startProcess(processOptions('api'))); // the first writes the shared key file
  children.push(...(await Promise.all([...Array.from({ length: apiCount - 1 }, () => processOptions('api')), ...Array.from({ length: workerCount }, () => processOptions('worker'))].map(startProcess))));
  const apis = children.filter((c) => c.role === 'api').map((c) => c.url!);
  console.log(`${apiCount} API and ${workerCount} worker processes up in ${seconds(boot).toFixed(1)} s: ${apis.join(', ')}`);
  for (const base of apis) {
    const answers = [await askStatus(base, `h${hosts - 1}.${SUFFIX}`), await askStatus(base, `x0.${SUFFIX}`)];
    if (answers.join() !== '200,404') throw new Error(`${base} answers ${answers.join()}, expected 200,404`);
  }

  // 1. Throughput over 1…apiCount processes: a warm-up each, then rounds in which every count is measured once.
  const spread = (k: number, duration: number): SpreadOptions => ({ bases: apis.slice(0, k), connections, durationSeconds: duration, hosts, suffix: SUFFIX, unknownShare: UNKNOWN_SHARE });
  const counts = Array.from({ length: apiCount }, (_, i) => i + 1);
  for (const k of counts) await load(spread(k, 2));
  const perRound: Array<Record<number, LoadResult>> = [];
  for (let r = 0; r < rounds; r++) {
    const row: Record<number, LoadResult> = {};
    for (const k of counts) {
      const result = await load(spread(k, durationSeconds));
      if (result.errors > 0 || result.timeouts > 0 || result.status.other > 0) throw new Error(`unexpected answers: ${JSON.stringify(result)}`);
      row[k] = result;
    }
    perRound.push(row);
    console.log(`  round ${r + 1}: ${counts.map((k) => `${k} api ${row[k]!.requestsPerSecond} req/s (p99 ${row[k]!.latencyMs.p99} ms, ×${round(row[k]!.requestsPerSecond / row[1]!.requestsPerSecond, 2)})`).join(', ')}`);
  }
  const throughput = counts.map((k) => ({
    apis: k,
    requestsPerSecond: median(perRound.map((row) => row[k]!.requestsPerSecond)),
    ratioToOne: median(perRound.map((row) => round(row[k]!.requestsPerSecond / row[1]!.requestsPerSecond, 3))),
    p99: median(perRound.map((row) => row[k]!.latencyMs.p99)),
  }));

  // 2. A mapping added, then deleted, through the first API process: seconds from its response (the commit) until
  // each API process answers 200, then 404, for the new host.
  const login = await fetch(`${apis[0]}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'demo@portico.local', password: 'portico-demo' }) });
  if (login.status !== 200) throw new Error(`demo sign-in: ${login.status}`);
  const session = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken, 'content-type': 'application/json' };
  const propagation: Array<{ change: 'add' | 'delete'; perProcess: Array<number | null> }> = [];
  for (let i = 0; i < PROPAGATION_CHANGES; i++) {
    const domainId = `a0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const host = `m${i}.h${i}.${SUFFIX}`;
    const created = await fetch(`${apis[0]}/v1/projects/${ids.project}/mappings`, { method: 'POST', headers: session, body: JSON.stringify({ serviceId: ids.service, domainId, subdomain: `m${i}` }) });
    const addedAt = now();
    if (created.status !== 201) throw new Error(`create mapping: ${created.status} ${await created.text()}`);
    const mapping = (await created.json()) as { id: string };
    propagation.push({ change: 'add', perProcess: await untilEvery(apis, host, 200, addedAt) });
    const deleted = await fetch(`${apis[0]}/v1/mappings/${mapping.id}`, { method: 'DELETE', headers: session });
    const deletedAt = now();
    if (deleted.status >= 300) throw new Error(`delete mapping: ${deleted.status} ${await deleted.text()}`);
    propagation.push({ change: 'delete', perProcess: await untilEvery(apis, host, 404, deletedAt) });
  }
  const allTimes = propagation.flatMap((p) => p.perProcess);
  const reached = allTimes.filter((t): t is number => t !== null).map((t) => t * 1000);
  const propagationMs = { changes: propagation.length, missed: allTimes.length - reached.length, p50: round(median(reached), 1), max: round(Math.max(...reached), 1) };
  console.log(`  mapping changes: every API process answered within ${propagationMs.max} ms of the commit (p50 ${propagationMs.p50} ms, ${propagationMs.missed} missed)`);

  // 3. Verification checks asked through every API process in turn (bulk "verify now", 100 a request), run by the workers.
  let jobs: Record<string, number> | null = null;
  if (checks > 0) {
    const queued = now();
    for (let i = 0; i < pendingIds.length; i += 100) {
      const res = await fetch(`${apis[(i / 100) % apis.length]}/v1/organizations/${ids.organization}/domains:bulk`, { method: 'POST', headers: session, body: JSON.stringify({ action: 'verify', domainIds: pendingIds.slice(i, i + 100) }), signal: AbortSignal.timeout(120_000) });
      if (res.status !== 200) throw new Error(`bulk verify: ${res.status} ${await res.text()}`);
    }
    const queueSeconds = round(seconds(queued), 1);
    let verified = 0;
    while (seconds(queued) < 300) {
      verified = (await db.query<{ n: number }>(`select count(*)::int as n from domains where id = any($1::uuid[]) and status = 'verified'`, [pendingIds])).rows[0]!.n;
      if (verified === pendingIds.length) break;
      await sleep(250);
    }
    const row = (
      await db.query<Record<string, number>>(
        `select count(*)::int as created, count(*) filter (where state = 'completed')::int as completed, count(*) filter (where retry_count > 0)::int as retried,
                count(*) filter (where state = 'failed')::int as failed, count(distinct data->>'domainId')::int as domains
         from pgboss.job where name = 'domain.verify' and data->>'domainId' = any($1::text[])`,
        [pendingIds],
      )
    ).rows[0]!;
    // A check that ran counts once in the organization's usage (it counts only after the DNS lookup ran).
    const counted = (await db.query<{ n: number }>(`select coalesce(sum(checks), 0)::int as n from usage_daily where organization_id = $1`, [ids.organization])).rows[0]!.n;
    const twice = (await db.query<{ n: number }>(`select count(*)::int as n from (select domain_id from domain_events where domain_id = any($1::uuid[]) and reason = 'verified' group by domain_id having count(*) > 1) t`, [pendingIds])).rows[0]!.n;
    jobs = { domains: pendingIds.length, verified, queueSeconds, seconds: round(seconds(queued), 1), ...row, checksCounted: counted, domainsVerifiedTwice: twice };
    console.log(`  checks: ${JSON.stringify(jobs)}`);
  }

  const machine = { cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, shared: 'other work ran on the same CPUs' };
  console.log(`\n${['apis', 'req/s', '× 1 api', 'p99 ms'].join('  ')}\n${throughput.map((t) => [t.apis, t.requestsPerSecond, t.ratioToOne, t.p99].join('  ')).join('\n')}`);
  const file = new URL(`./results/scale-bench-${new Date().toISOString().slice(0, 10)}.json`, import.meta.url).pathname;
  mkdirSync(new URL('./results/', import.meta.url).pathname, { recursive: true });
  const settings = { hosts, apiCount, workerCount, durationSeconds, rounds, connections, checks, unknownShare: UNKNOWN_SHARE };
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings, throughput, perRound, propagation, propagationMs, jobs }, null, 2)}\n`);
  console.log(`\nwritten ${file}; whole run ${seconds(started).toFixed(0)} s`);
} finally {
  await Promise.all(children.map(stopProcess));
  await db?.end().catch(() => undefined);
  await pdns?.stop();
  await database?.stop();
  rmSync(dir, { recursive: true, force: true });
}
