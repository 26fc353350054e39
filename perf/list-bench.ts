// The domain list API over one organization with many domains: p50 and p95 of sequential requests for the first
// page, each sort and filter the console uses, and searches, as ratios to `/healthz` measured in the same run; and
// `/healthz` itself with no domains, with the domains, and right after a list request.
//
//   npx node perf/list-bench.ts [--domains 100000] [--requests 100]
//
// Real path: startPortico (role api, embedded PostgreSQL in a temp dir, migrations), the organization's owner
// signs in over HTTP, the domains are inserted with one INSERT … SELECT generate_series (seed-domains.ts), then
// `vacuum analyze`. Requests are sequential over one keep-alive connection, so each figure is one request's own
// time. Everything it starts it stops; the temp dir is removed. A script, not a test: it asserts nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseConfig } from '../core/server/src/config/load-config.ts';
import { createLogger } from '../core/server/src/logger.ts';
import { startPortico, type Portico } from '../core/server/src/runtime.ts';
import { seedDomains, seedTenant } from './seed-domains.ts';

const REPO_ROOT = new URL('../', import.meta.url).pathname;
const { values } = parseArgs({ options: { domains: { type: 'string', default: '100000' }, requests: { type: 'string', default: '100' } } });
const domains = Number(values.domains);
const requests = Number(values.requests);
if (!Number.isInteger(domains) || domains < 1 || domains > 1_000_000) throw new Error('--domains 1…1,000,000');
if (!Number.isInteger(requests) || requests < 10 || requests > 10_000) throw new Error('--requests 10…10,000');

const now = () => process.hrtime.bigint();
const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

interface Measure {
  name: string;
  p50: number;
  p95: number;
}

const started = now();
const dir = mkdtempSync(join(tmpdir(), 'portico-list-bench-'));
let portico: Portico | undefined;
let db: pg.Client | undefined;
try {
  const config = parseConfig(
    {
      seedDemo: false,
      http: { host: '127.0.0.1', port: 0 },
      database: { embedded: { dataDir: join(dir, 'postgres'), port: 0 } },
      secrets: { keyFile: join(dir, 'secret-keys.json') },
      dns: { mode: 'resolver', servers: ['127.0.0.1'] },
      plugins: [{ package: '@portico/verify-dns-txt' }],
    },
    {},
    'list-bench',
  );
  portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: 'warn' }), role: 'api' });
  db = new pg.Client({ connectionString: portico.databaseUrl });
  await db.connect();
  const base = portico.url;

  const measures: Measure[] = [];
  const timeOne = async (path: string, headers: Record<string, string>) => {
    const start = now();
    const res = await fetch(base + path, { headers, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return ms(start);
  };
  const series = async (name: string, path: string, headers: Record<string, string> = {}, before?: string) => {
    const xs: number[] = [];
    for (let i = 0; i < requests; i++) {
      if (before) await timeOne(before, headers);
      xs.push(await timeOne(path, headers));
    }
    measures.push({ name, p50: round(quantile(xs, 0.5), 2), p95: round(quantile(xs, 0.95), 2) });
    console.log(`  ${name}: p50 ${quantile(xs, 0.5).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms`);
  };

  await series('healthz, no domains (reference)', '/healthz');
  const tenant = await seedTenant(portico, 'list');
  const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: tenant.email, password: tenant.password }) });
  if (login.status !== 200) throw new Error(`sign-in: ${login.status}`);
  const session = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
  const list = `/v1/organizations/${tenant.organizationId}/domains?limit=50`;
  await series('list, empty organization', list, session);
  const insert = now();
  await seedDomains(db, tenant.organizationId, domains, 'list');
  await db.query('vacuum analyze domains');
  console.log(`${domains.toLocaleString('en')} domains inserted in ${(ms(insert) / 1000).toFixed(1)} s`);

  await series(`healthz, ${domains.toLocaleString('en')} domains`, '/healthz');
  await series('list, first page (newest first)', list, session);
  await series('list, sorted by hostname', `${list}&sort=hostname`, session);
  await series('list, status filter (live)', `${list}&status=live`, session);
  await series('list, search matching 3.7 %', `${list}&q=shop-77`, session);
  await series('list, search matching nothing', `${list}&q=zz-no-such-host`, session);
  await series('healthz right after a list request', '/healthz', session, list);

  const reference = measures[0]!.p50;
  const head = ['request', 'p50 ms', 'p95 ms', 'p50 × healthz'];
  const body = measures.map((m) => [m.name, String(m.p50), String(m.p95), String(round(m.p50 / reference, 1))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  console.log(`\n${[head, ...body].map((cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n')}`);
  const machine = { cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const file = new URL(`./results/list-bench-${new Date().toISOString().slice(0, 10)}.json`, import.meta.url).pathname;
  mkdirSync(new URL('./results/', import.meta.url).pathname, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings: { domains, requests }, measures }, null, 2)}\n`);
  console.log(`\nwritten ${file}; whole run ${(ms(started) / 1000).toFixed(0)} s`);
} finally {
  await db?.end().catch(() => undefined);
  await portico?.stop();
  rmSync(dir, { recursive: true, force: true });
}
