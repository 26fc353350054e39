// The console's domain dashboard with many domains: in Chromium, the time until /domains shows its first row, and
// the time from typing a search to the filtered rows on screen, each as a ratio to the same steps on an
// organization with no domains, measured in the same run.
//
//   PORTICO_CONSOLE_DIST=/tmp/console-dist npx node perf/console-dashboard.ts [--domains 10000,100000] [--rounds 5]
//
// Real path: the console is built (console/scripts/build.ts; skipped when its sources are unchanged) and served by
// startPortico (role api, embedded PostgreSQL in a temp dir, migrations); one organization per size, its domains
// bulk-inserted with one INSERT … SELECT generate_series; Chromium (CHROMIUM_PATH, default /usr/bin/chromium) signs
// in through the API and opens the page. Everything it starts it stops; the temp dir is removed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildConsole, consoleDistDir } from '../console/scripts/build.ts';
import { parseConfig } from '../core/server/src/config/load-config.ts';
import { createLogger } from '../core/server/src/logger.ts';
import { startPortico, type Portico } from '../core/server/src/runtime.ts';
import { seedDomains, seedTenant, type Tenant } from './seed-domains.ts';

const REPO_ROOT = new URL('../', import.meta.url).pathname;
/** Matches a few hundred hostnames per 100,000 (`shop-77…`), none in the empty organization. */
const SEARCH = 'shop-77';
const NO_MATCH = 'zz-no-such-host';
const STEP_TIMEOUT_MS = 60_000;

const { values } = parseArgs({ options: { domains: { type: 'string', default: '10000,100000' }, rounds: { type: 'string', default: '5' } } });
const sizes = values.domains.split(',').map(Number);
const rounds = Number(values.rounds);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) throw new Error('--domains takes positive integers up to 1,000,000, e.g. 10000,100000');
if (!(rounds >= 1 && rounds <= 50)) throw new Error('--rounds 1…50');

const now = () => process.hrtime.bigint();
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Records (in the page) when the first row or the empty state is on screen: the frame after it entered the DOM. */
function watchFirstUseful(): void {
  const state = { firstUseful: null as number | null };
  (window as unknown as { __dashboardBench: typeof state }).__dashboardBench = state;
  const observer = new MutationObserver(() => {
    if (state.firstUseful !== null || !document.querySelector('[data-testid="domain-table"] tbody tr, [data-testid="domains-empty"]')) return;
    observer.disconnect();
    requestAnimationFrame(() => (state.firstUseful = performance.now()));
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** Milliseconds from navigation start to the first row (or the empty state) on screen. */
async function firstUsefulPaint(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __dashboardBench?: { firstUseful: number | null } }).__dashboardBench?.firstUseful != null, undefined, { timeout: STEP_TIMEOUT_MS });
  return page.evaluate(() => (window as unknown as { __dashboardBench: { firstUseful: number } }).__dashboardBench.firstUseful);
}

/** Milliseconds from typing `query` in the search box (as one input event) until the rows answering it are on screen. */
async function searchTime(page: Page, url: string, query: string): Promise<number> {
  await page.goto(url);
  await page.waitForSelector(`section[data-shown-query="${NO_MATCH}"]`, { timeout: STEP_TIMEOUT_MS });
  return page.evaluate(
    async ({ query, timeoutMs }) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="domain-search"]');
      if (!input) throw new Error('no search box');
      const shown = () => document.querySelector(`section[data-shown-query="${query}"]`) !== null;
      const started = performance.now();
      input.value = query;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`search "${query}" not shown within ${timeoutMs} ms`)), timeoutMs);
        const observer = new MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() => resolve());
        });
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
      });
      return performance.now() - started;
    },
    { query, timeoutMs: STEP_TIMEOUT_MS },
  );
}

async function signedInContext(browser: Browser, base: string, tenant: Tenant): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  await context.addInitScript(watchFirstUseful);
  const res = await context.request.post(`${base}/v1/auth/login`, { data: { email: tenant.email, password: tenant.password } });
  if (res.status() !== 200) throw new Error(`sign-in: ${res.status()} ${await res.text()}`);
  return context;
}

/** Server time of the list's first page (and of the search), for the table: what the browser waits for. */
async function apiMs(context: BrowserContext, url: string): Promise<number> {
  const started = now();
  const res = await context.request.get(url);
  if (res.status() !== 200) throw new Error(`${url}: ${res.status()}`);
  return round(seconds(started) * 1000, 1);
}

interface Measure {
  domains: number;
  firstPaintMs: number[];
  searchMs: number[];
  apiFirstPageMs: number[];
  apiSearchMs: number[];
}

const started = now();
const dir = mkdtempSync(join(tmpdir(), 'portico-console-bench-'));
let portico: Portico | undefined;
let browser: Browser | undefined;
let db: pg.Client | undefined;
try {
  const build = now();
  const { built } = await buildConsole();
  console.log(`console ${built ? `built in ${seconds(build).toFixed(1)} s` : 'build up to date'} (${consoleDistDir})`);
  const config = parseConfig(
    {
      seedDemo: false,
      http: { host: '127.0.0.1', port: 0 },
      database: { embedded: { dataDir: join(dir, 'postgres'), port: 0 } },
      secrets: { keyFile: join(dir, 'secret-keys.json') },
      dns: { mode: 'resolver', servers: ['127.0.0.1'] },
      console: { distDir: consoleDistDir },
      plugins: [{ package: '@portico/verify-dns-txt' }],
    },
    {},
    'console-dashboard-bench',
  );
  const startup = now();
  portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: 'warn' }), role: 'api' });
  console.log(`Portico (role api, embedded PostgreSQL) up at ${portico.url} in ${seconds(startup).toFixed(1)} s`);
  db = new pg.Client({ connectionString: portico.databaseUrl });
  await db.connect();

  // One organization per size, and the empty one: each its own owner.
  const tenants: Array<{ domains: number; tenant: Tenant }> = [{ domains: 0, tenant: await seedTenant(portico, 'empty') }];
  for (const n of sizes) {
    const tenant = await seedTenant(portico, `n${n}`);
    const insert = now();
    await seedDomains(db, tenant.organizationId, n, `n${n}`);
    console.log(`${n.toLocaleString('en')} domains inserted in ${seconds(insert).toFixed(1)} s`);
    tenants.push({ domains: n, tenant });
  }

  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  browser = await chromium.launch({ executablePath, headless: true, timeout: 60_000, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const base = portico.url;
  const sessions = await Promise.all(tenants.map(async (t) => ({ ...t, context: await signedInContext(browser!, base, t.tenant) })));
  const measures: Measure[] = sessions.map((s) => ({ domains: s.domains, firstPaintMs: [], searchMs: [], apiFirstPageMs: [], apiSearchMs: [] }));

  // A warm-up round (bundle and service worker caches, PostgreSQL's buffers), then measured rounds: in each round
  // every organization is measured once, so they share whatever else the machine does at that time.
  for (let r = 0; r <= rounds; r++) {
    for (const [i, s] of sessions.entries()) {
      const page = await s.context.newPage();
      try {
        const paint = await firstUsefulPaint(page, `${base}/domains`);
        const search = await searchTime(page, `${base}/domains?q=${NO_MATCH}`, SEARCH);
        const list = `${base}/v1/organizations/${s.tenant.organizationId}/domains?limit=50`;
        const firstPage = await apiMs(s.context, list);
        const searched = await apiMs(s.context, `${list}&q=${SEARCH}`);
        if (r === 0) continue;
        Object.assign(measures[i]!, {
          firstPaintMs: [...measures[i]!.firstPaintMs, round(paint, 1)],
          searchMs: [...measures[i]!.searchMs, round(search, 1)],
          apiFirstPageMs: [...measures[i]!.apiFirstPageMs, firstPage],
          apiSearchMs: [...measures[i]!.apiSearchMs, searched],
        });
      } finally {
        await page.close();
      }
    }
    if (r > 0) console.log(`  round ${r}: ${measures.map((m) => `${m.domains}: paint ${m.firstPaintMs.at(-1)} ms, search ${m.searchMs.at(-1)} ms`).join('; ')}`);
  }

  const empty = measures[0]!;
  const rows = measures.map((m) => {
    const perRound = (xs: number[], ref: number[]) => median(xs.map((x, k) => x / ref[k]!));
    return {
      domains: m.domains,
      firstPaintMs: median(m.firstPaintMs),
      firstPaintRatio: round(perRound(m.firstPaintMs, empty.firstPaintMs), 2),
      searchMs: median(m.searchMs),
      searchRatio: round(perRound(m.searchMs, empty.searchMs), 2),
      apiFirstPageMs: median(m.apiFirstPageMs),
      apiSearchMs: median(m.apiSearchMs),
      samples: m,
    };
  });
  printTable(rows);
  const machine = { cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, chromium: browser.version() };
  const file = new URL(`./results/console-dashboard-${new Date().toISOString().slice(0, 10)}.json`, import.meta.url).pathname;
  mkdirSync(new URL('./results/', import.meta.url).pathname, { recursive: true });
  const settings = { rounds, search: SEARCH, searchDebounceMs: 300, note: 'search time includes the search box debounce' };
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, settings, rows, totalSeconds: round(seconds(started), 1) }, null, 2)}\n`);
  console.log(`\nwritten ${file}; whole run ${seconds(started).toFixed(0)} s`);
} finally {
  await browser?.close().catch(() => undefined);
  await db?.end().catch(() => undefined);
  await portico?.stop();
  rmSync(dir, { recursive: true, force: true });
}

function printTable(rows: Array<{ domains: number; firstPaintMs: number; firstPaintRatio: number; searchMs: number; searchRatio: number; apiFirstPageMs: number; apiSearchMs: number }>): void {
  const head = ['domains', 'first row ms', '× empty', 'search ms', '× empty', 'API page ms', 'API search ms'];
  const body = rows.map((r) => [r.domains.toLocaleString('en'), r.firstPaintMs, r.firstPaintRatio, r.searchMs, r.searchRatio, r.apiFirstPageMs, r.apiSearchMs].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`\n${line(head)}\n${body.map(line).join('\n')}`);
}
