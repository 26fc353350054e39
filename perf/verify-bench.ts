// Ownership verification at scale: N pending domains of one organization, each with its TXT record published at a
// real PowerDNS, verified by Portico's jobs; the time from queueing every check until every domain is verified, as a
// ratio to the same N TXT lookups done directly (node:dns, and Portico's own DNS lookup without the jobs) at the
// organization's concurrency, measured in the same run.
//
//   npx node perf/verify-bench.ts [--domains 10000] [--via sweep,api] [--limit 5] [--timeout 900]
//
// --limit is the big organization's maxConcurrentVerifications (default: the default limit), and the references'
// concurrency.
//
// Real path: startPortico (role all, as `npm start`; embedded PostgreSQL in a temp dir), PowerDNS from
// @portico/test-servers asked the way production asks (dns.mode authoritative: the zone's nameservers are found and
// asked directly), the verify-dns-txt plugin. Pending domains are inserted with one INSERT … SELECT generate_series.
// Two ways a real installation queues their checks:
//   sweep  the domains' next automatic check is due: one `domain.sweep` job (what the every-minute cron sends);
//   api    an integrator asks "verify now" for all of them: POST …/domains:bulk, 100 ids a request, one after another.
// Once every check of the big organization is queued, a small organization asks "verify now" for 5 domains: how long
// they wait shows whether one tenant's backlog holds up the others. Afterwards the job table tells whether any check ran twice.
// A script, not a test: it asserts nothing about speed. Everything it starts it stops; temp dirs are removed.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { requirePowerDns, startPowerDns, type PowerDns } from '@portico/test-servers';
import { parseConfig } from '../core/server/src/config/load-config.ts';
import { createLogger } from '../core/server/src/logger.ts';
import { startPortico, type Portico } from '../core/server/src/runtime.ts';
import { LIMITS } from '../core/server/src/modules/organizations/settings.entity.ts';
import { seedTenant, type Tenant } from './seed-domains.ts';
import { porticoLookups, publishTxt, resolverLookups, type TxtRecord } from './txt-lookups.ts';

const REPO_ROOT = new URL('../', import.meta.url).pathname;
const ZONE = 'verify.bench.test';
const SMALL_DOMAINS = 5;
const VIAS = ['sweep', 'api'] as const;
type Via = (typeof VIAS)[number];

const { values } = parseArgs({
  options: {
    domains: { type: 'string', default: '10000' },
    via: { type: 'string', default: VIAS.join(',') },
    timeout: { type: 'string', default: '900' },
    limit: { type: 'string', default: String(LIMITS.maxConcurrentVerifications.default) },
  },
});
const domains = Number(values.domains);
const vias = values.via.split(',') as Via[];
const timeoutSeconds = Number(values.timeout);
/** The big organization's `maxConcurrentVerifications`, and the references' concurrency. */
const concurrency = Number(values.limit);
if (!Number.isInteger(domains) || domains < 1 || domains > 100_000) throw new Error('--domains 1…100,000');
if (vias.some((v) => !VIAS.includes(v))) throw new Error(`--via takes ${VIAS.join(', ')}`);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > LIMITS.maxConcurrentVerifications.max) throw new Error(`--limit 1…${LIMITS.maxConcurrentVerifications.max}`);
if (!(timeoutSeconds >= 10 && timeoutSeconds <= 3600)) throw new Error('--timeout 10…3600 (seconds)');
if (!requirePowerDns()) throw new Error('PowerDNS is not installed: npm run test:servers:install');

// What a check costs, less exposed to other work on the machine than seconds are: the SQL statements this process
// sends (every pg client: the ORM's, pg-boss's and this script's own few polls), and the CPU time of this process
// (Portico runs in it) and of the embedded PostgreSQL's processes.
let statements = 0;
const sendQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (sendQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;
/** CPU seconds (user + system) of the PostgreSQL whose data directory is `dataDir`: the postmaster, the children it reaped, and its live children. */
function postgresCpuSeconds(dataDir: string): number {
  const tick = 100; // USER_HZ on Linux
  const stat = (pid: string) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
  try {
    const postmaster = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
    const own = stat(postmaster);
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const fields = stat(pid);
        if (fields[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // exited meanwhile
      }
    }
    return ticks / tick;
  } catch {
    return Number.NaN;
  }
}
const processCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const now = () => process.hrtime.bigint();
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const round = (value: number, digits: number) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  via: Via;
  domains: number;
  /** Seconds from the first queueing call until the last of them returned (api: the bulk requests; sweep: the send). */
  queueSeconds: number;
  /** Seconds until no domain was pending any more (every check queued), and until N verified. */
  dispatchedSeconds: number | null;
  verifiedSeconds: number | null;
  /** Seconds until 10 %, 50 %, 90 % were verified. */
  milestones: Record<string, number | null>;
  verified: number;
  checksPerSecond: number;
  /** The small organization's "verify now" of SMALL_DOMAINS domains, asked once every check of the big one is queued: seconds until all verified. */
  smallTenantSeconds: number | null;
  /** Per verified domain of the big organization, from queueing until all were verified: SQL statements sent, CPU ms of this process (Portico) and of PostgreSQL. */
  perCheck: { statements: number; porticoCpuMs: number; postgresCpuMs: number };
  /** From the job table and the domains' history: each domain's check ran once. */
  jobs: { created: number; completed: number; retried: number; failed: number; domainsVerifiedTwice: number };
  referenceResolverSeconds: number;
  referencePorticoDnsSeconds: number;
  ratioToResolver: number | null;
  ratioToPorticoDns: number | null;
}

const started = now();
const dir = mkdtempSync(join(tmpdir(), 'portico-verify-bench-'));
let portico: Portico | undefined;
let pdns: PowerDns | undefined;
let db: pg.Client | undefined;
const runs: Run[] = [];
try {
  pdns = await startPowerDns({ zones: [{ name: ZONE, records: [{ name: 'ns1', type: 'A', values: ['127.0.0.1'] }] }] });
  const dnsServer = `127.0.0.1:${pdns.dnsPort}`;
  const config = parseConfig(
    {
      seedDemo: false,
      http: { host: '127.0.0.1', port: 0 },
      database: { embedded: { dataDir: join(dir, 'postgres'), port: 0 } },
      secrets: { keyFile: join(dir, 'secret-keys.json') },
      dns: { mode: 'authoritative', servers: [dnsServer], nameserverPort: pdns.dnsPort },
      plugins: [{ package: '@portico/verify-dns-txt' }],
    },
    {},
    'verify-bench',
  );
  portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: 'warn' }), role: 'all' });
  db = new pg.Client({ connectionString: portico.databaseUrl });
  await db.connect();
  const { kernel, dns, boss, settingsService, orm } = portico.container.cradle;
  console.log(`Portico (role all) at ${portico.url}, PowerDNS at ${dnsServer}; ${domains.toLocaleString('en')} domains, organization concurrency ${concurrency}`);

  /** An organization with `count` pending domains `d<i>.<name>.<ZONE>` whose TXT records are published; their ids and records. */
  async function pendingTenant(name: string, count: number, due: boolean, limit: number = LIMITS.maxConcurrentVerifications.default): Promise<{ tenant: Tenant; ids: string[]; records: TxtRecord[] }> {
    const tenant = await seedTenant(portico!, name);
    await settingsService.get(tenant.organizationId, orm.em.fork()); // the settings row, with the default limits
    await db!.query('update organization_settings set max_domains = $2, max_concurrent_verifications = $3 where organization_id = $1', [tenant.organizationId, LIMITS.maxDomains.max, limit]);
    const token = (i: number) => createHash('md5').update(`${name}-${i}`).digest('hex');
    const hostnames = Array.from({ length: count }, (_, i) => `d${i}.${name}.${ZONE}`);
    const inserted = await db!.query<{ id: string }>(
      `insert into domains (id, created_at, updated_at, status_changed_at, organization_id, hostname, status, status_message, method, token, next_check_at)
       select gen_random_uuid(), now(), now(), now(), $1, h.hostname, 'pending', 'Added.', 'dns-txt', h.token, $4::timestamptz
       from unnest($2::text[], $3::text[]) as h(hostname, token) returning id`,
      [tenant.organizationId, hostnames, hostnames.map((_, i) => token(i)), due ? new Date(Date.now() - 1000) : new Date(Date.now() + 6 * 3_600_000)],
    );
    const records = hostnames.map((hostname, i) => {
      const [expected] = kernel.challenge('dns-txt', { hostname, token: token(i) });
      return { name: expected!.name, value: expected!.value };
    });
    await publishTxt(pdns!, ZONE, records);
    return { tenant, ids: inserted.rows.map((r) => r.id), records };
  }

  async function signIn(tenant: Tenant): Promise<Record<string, string>> {
    const login = await fetch(`${portico!.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: tenant.email, password: tenant.password }) });
    if (login.status !== 200) throw new Error(`sign-in: ${login.status}`);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    return { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  }

  async function bulkVerify(session: Record<string, string>, organizationId: string, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 100) {
      const res = await fetch(`${portico!.url}/v1/organizations/${organizationId}/domains:bulk`, {
        method: 'POST',
        headers: session,
        body: JSON.stringify({ action: 'verify', domainIds: ids.slice(i, i + 100) }),
        signal: AbortSignal.timeout(120_000),
      });
      const body = (await res.json()) as { results?: Array<{ ok: boolean; code?: string }> };
      const refused = body.results?.filter((r) => !r.ok) ?? [];
      if (res.status !== 200 || refused.length > 0) throw new Error(`bulk verify: ${res.status} ${JSON.stringify(refused[0] ?? body)}`);
    }
  }

  const statusCounts = async (organizationId: string) => {
    const rows = (await db!.query<{ status: string; n: number }>('select status, count(*)::int as n from domains where organization_id = $1 group by status', [organizationId])).rows;
    return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
  };

  for (const via of vias) {
    console.log(`\n${via}: preparing ${domains.toLocaleString('en')} pending domains and their TXT records …`);
    const big = await pendingTenant(`big-${via}`, domains, via === 'sweep', concurrency);
    const small = await pendingTenant(`small-${via}`, SMALL_DOMAINS, false);
    const smallSession = await signIn(small.tenant);
    const bigSession = via === 'api' ? await signIn(big.tenant) : undefined;

    // The references, right before Portico's run: the same lookups, at the organization's concurrency.
    const referenceResolverSeconds = await resolverLookups(dnsServer, big.records, concurrency, config.dns.timeoutMs, config.dns.tries);
    const referencePorticoDnsSeconds = await porticoLookups(dns, big.records, concurrency);
    console.log(`  reference: node:dns ${referenceResolverSeconds.toFixed(2)} s, Portico's DNS lookup ${referencePorticoDnsSeconds.toFixed(2)} s (${concurrency} at a time)`);

    const statementsBefore = statements;
    const cpuBefore = { portico: processCpuSeconds(), postgres: postgresCpuSeconds(join(dir, 'postgres')) };
    const start = now();
    if (via === 'sweep') await boss.send('domain.sweep', {});
    else await bulkVerify(bigSession!, big.tenant.organizationId, big.ids);
    const queueSeconds = seconds(start);
    let smallStart: bigint | undefined;
    let smallTenantSeconds: number | null = null;

    let dispatchedSeconds: number | null = null;
    let verifiedSeconds: number | null = null;
    const milestones: Record<string, number | null> = { '10%': null, '50%': null, '90%': null };
    let verified = 0;
    let lastReport = 0;
    while (seconds(start) < timeoutSeconds) {
      const counts = await statusCounts(big.tenant.organizationId);
      verified = counts.verified ?? 0;
      const elapsed = seconds(start);
      if (dispatchedSeconds === null && !counts.pending) {
        // Every check of the big organization is queued: its backlog is as long as it gets.
        dispatchedSeconds = elapsed;
        smallStart = now();
        await bulkVerify(smallSession, small.tenant.organizationId, small.ids);
      }
      for (const [label, share] of [['10%', 0.1], ['50%', 0.5], ['90%', 0.9]] as const) if (milestones[label] === null && verified >= domains * share) milestones[label] = elapsed;
      if (smallStart !== undefined && smallTenantSeconds === null && (await statusCounts(small.tenant.organizationId)).verified === SMALL_DOMAINS) smallTenantSeconds = seconds(smallStart);
      if (elapsed - lastReport >= 10) {
        lastReport = elapsed;
        console.log(`  ${elapsed.toFixed(0)} s: ${JSON.stringify(counts)}`);
      }
      if (verified === domains && smallTenantSeconds !== null) {
        verifiedSeconds ??= elapsed;
        break;
      }
      if (verified === domains) verifiedSeconds ??= elapsed;
      await sleep(200);
    }

    const perCheckOf = (total: number) => round(total / Math.max(1, verified), 2);
    const perCheck = {
      statements: perCheckOf(statements - statementsBefore),
      porticoCpuMs: perCheckOf((processCpuSeconds() - cpuBefore.portico) * 1000),
      postgresCpuMs: perCheckOf((postgresCpuSeconds(join(dir, 'postgres')) - cpuBefore.postgres) * 1000),
    };
    const jobRows = await db.query<{ created: number; completed: number; retried: number; failed: number }>(
      `select count(*)::int as created, count(*) filter (where state = 'completed')::int as completed,
              count(*) filter (where retry_count > 0)::int as retried, count(*) filter (where state = 'failed')::int as failed
       from pgboss.job where name = 'domain.verify' and data->>'domainId' = any($1::text[])`,
      [big.ids],
    );
    const twice = await db.query<{ n: number }>(
      `select count(*)::int as n from (select domain_id from domain_events where domain_id = any($1::uuid[]) and reason = 'verified' group by domain_id having count(*) > 1) t`,
      [big.ids],
    );
    const elapsed = verifiedSeconds ?? seconds(start);
    const run: Run = {
      via,
      domains,
      queueSeconds: round(queueSeconds, 2),
      dispatchedSeconds: dispatchedSeconds === null ? null : round(dispatchedSeconds, 2),
      verifiedSeconds: verifiedSeconds === null ? null : round(verifiedSeconds, 2),
      milestones: Object.fromEntries(Object.entries(milestones).map(([k, v]) => [k, v === null ? null : round(v, 2)])),
      verified,
      checksPerSecond: round(verified / elapsed, 1),
      smallTenantSeconds: smallTenantSeconds === null ? null : round(smallTenantSeconds, 2),
      perCheck,
      jobs: { ...jobRows.rows[0]!, domainsVerifiedTwice: twice.rows[0]!.n },
      referenceResolverSeconds: round(referenceResolverSeconds, 2),
      referencePorticoDnsSeconds: round(referencePorticoDnsSeconds, 2),
      ratioToResolver: verifiedSeconds === null ? null : round(verifiedSeconds / referenceResolverSeconds, 1),
      ratioToPorticoDns: verifiedSeconds === null ? null : round(verifiedSeconds / referencePorticoDnsSeconds, 1),
    };
    runs.push(run);
    console.log(`  queued in ${queueSeconds.toFixed(1)} s, all dispatched at ${dispatchedSeconds?.toFixed(1) ?? "-"} s; ${verifiedSeconds === null ? `timed out after ${timeoutSeconds} s with ${verified} verified` : `all verified in ${verifiedSeconds.toFixed(1)} s`} (${run.checksPerSecond} checks/s); small organization ${run.smallTenantSeconds ?? 'not done'} s; per check ${JSON.stringify(perCheck)}; jobs ${JSON.stringify(run.jobs)}`);
  }

  printTable(runs);
  const machine = { cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, shared: 'other work ran on the same CPUs' };
  const file = new URL(`./results/verify-bench-${new Date().toISOString().slice(0, 10)}.json`, import.meta.url).pathname;
  mkdirSync(new URL('./results/', import.meta.url).pathname, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings: { domains, concurrency, timeoutSeconds, dns: config.dns }, runs }, null, 2)}\n`);
  console.log(`\nwritten ${file}; whole run ${seconds(started).toFixed(0)} s`);
} finally {
  await db?.end().catch(() => undefined);
  await portico?.stop();
  await pdns?.stop();
  rmSync(dir, { recursive: true, force: true });
}

function printTable(table: Run[]): void {
  const head = ['via', 'domains', 'verified s', 'checks/s', 'node:dns s', '× node:dns', 'Portico DNS s', '× Portico DNS', 'small org s', 'SQL/check', 'Portico CPU ms/check', 'PG CPU ms/check', 'jobs', 'verified twice'];
  const body = table.map((r) =>
    [r.via, r.domains, r.verifiedSeconds ?? `>${timeoutSeconds}`, r.checksPerSecond, r.referenceResolverSeconds, r.ratioToResolver ?? '-', r.referencePorticoDnsSeconds, r.ratioToPorticoDns ?? '-', r.smallTenantSeconds ?? '-', r.perCheck.statements, r.perCheck.porticoCpuMs, r.perCheck.postgresCpuMs, r.jobs.created, r.jobs.domainsVerifiedTwice].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`\n${line(head)}\n${body.map(line).join('\n')}`);
}
