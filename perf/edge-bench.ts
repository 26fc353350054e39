// Traefik and Istio configuration at scale: the time to render N mappings, and the time one mapping change
// takes through each delivery path after a full delivery of N, as ratios to references measured in the same run.
//
//   npx node perf/edge-bench.ts [--sizes 10000,100000] [--rounds 3] [--cycles 1] [--gitops-full]
//
// Render: renderTraefikConfig + toYaml, flattenToKv, renderIstio (istio and gateway-api) + toYamlStream per tenant,
// against JSON.stringify of the same route table. Change: add, change and remove one mapping through the Traefik
// file, directory, Redis KV (a real redis-server) and HTTP provider paths and Istio GitOps (a real git repository),
// against one fs.writeFile of the full Traefik YAML. Everything it starts it stops; the temp dir is removed.
// See perf/README.md.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Route } from '../core/kernel/src/index.ts';
import { startRedis, type Redis } from '../core/test-servers/src/index.ts';
import { ADDED_TENANT, changeSteps, routeTable, shape, type Step } from './edge-bench-routes.ts';
import { FULL_NOTE, gc, laps, median, msSince, now, routed, round, run, summarise, timed, type ChangeRow, type Lap, type Sample } from './edge-bench-measure.ts';
import { measureCaddyPlugin, measureIstioPlugin, measureTraefikPlugin } from './edge-bench-plugins.ts';
import { deliverGitOps, gitOpsOptionsOf, optionsSchema as istioSchema, renderIstio, renderOptionsOf, tenantFiles, type IstioRenderOptions, type TenantFileCache } from '../plugins/edge-istio/src/index.ts';
import {
  createRedisDeliverer,
  flattenToKv,
  renderTraefikConfig,
  routeName,
  splitByTenant,
  toYaml,
  writeTraefikDirectory,
  writeTraefikFile,
  type ProjectFileCache,
  type RedisDeliverer,
  type TraefikConfig,
} from '../plugins/edge-traefik/src/index.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    /** Render rounds per size; default 3 up to 10,000 mappings, 1 above (one 100,000 round takes about a minute). */
    rounds: { type: 'string' },
    /** add + change + remove cycles per size. */
    cycles: { type: 'string', default: '1' },
    /** Start GitOps with the plugin's own first delivery (a commit per tenant) instead of one seed commit. */
    'gitops-full': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const cycles = Number(values.cycles);
const roundsFor = (n: number) => (values.rounds === undefined ? (n <= 10_000 ? 3 : 1) : Number(values.rounds));
if (sizes.some((n) => !Number.isInteger(n) || n < 200 || n > 1_000_000)) throw new Error('--sizes takes integers 200…1000000, e.g. 10000,100000');
if (sizes.some((n) => !(Number.isInteger(roundsFor(n)) && roundsFor(n) >= 1 && roundsFor(n) <= 20)) || !(Number.isInteger(cycles) && cycles >= 1 && cycles <= 20)) {
  throw new Error('--rounds 1…20, --cycles 1…20');
}

// ---------------------------------------------------------------------------------------------------------
// Render
// ---------------------------------------------------------------------------------------------------------

/** The Istio plugin's own option parsing (its defaults: istio-system, portico, one file per project). */
const istioRenderOptions = (api: IstioRenderOptions['api']) => renderOptionsOf(istioSchema.parse({ api, issuerRef: { name: 'letsencrypt' } }));
const bytesOf = (files: ReadonlyMap<string, string>) => [...files.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);

interface RenderRow {
  size: number;
  step: string;
  rounds: number;
  ms: number;
  /** ms / the reference's ms (same size, same run). */
  ratio: number;
  output: string;
  samples: number[];
}

/** Each step R times; the reference first in every round, so both see the same machine. */
function measureRender(n: number, routes: Route[]): RenderRow[] {
  const rounds = roundsFor(n);
  const steps = new Map<string, { ms: number[]; output: string }>();
  const record = (step: string, ms: number, output = '') => {
    const entry = steps.get(step) ?? steps.set(step, { ms: [], output }).get(step)!;
    entry.ms.push(ms);
  };
  const time = <T>(fn: () => T) => {
    gc();
    const start = now();
    const value = fn();
    return { ms: msSince(start), value };
  };
  for (let r = 0; r < rounds; r++) {
    const json = time(() => JSON.stringify(routes));
    record('reference: JSON.stringify(routes)', json.ms, `${mb(Buffer.byteLength(json.value))} JSON`);

    const config = time(() => renderTraefikConfig(routes));
    const yaml = time(() => toYaml(config.value));
    const kv = time(() => flattenToKv(config.value));
    const { routers, services, middlewares } = config.value.http;
    record('traefik renderTraefikConfig', config.ms, `${fmt(Object.keys(routers).length)} routers, ${fmt(Object.keys(services).length)} services, ${fmt(Object.keys(middlewares).length)} middlewares`);
    record('traefik toYaml', yaml.ms, `${mb(Buffer.byteLength(yaml.value))} YAML`);
    record('traefik render + toYaml', config.ms + yaml.ms);
    record('traefik flattenToKv', kv.ms, `${fmt(kv.value.size)} keys`);

    for (const api of ['istio', 'gateway-api'] as const) {
      const manifests = time(() => renderIstio(routes, istioRenderOptions(api)));
      const files = time(() => tenantFiles(manifests.value));
      const objects = manifests.value.reduce((sum, m) => sum + m.objects.length, 0);
      record(`istio renderIstio (${api})`, manifests.ms, `${fmt(objects)} objects, ${fmt(manifests.value.length)} tenants`);
      record(`istio toYamlStream × tenants (${api})`, files.ms, `${mb(bytesOf(files.value))} YAML in ${fmt(files.value.size)} files`);
      record(`istio render + YAML (${api})`, manifests.ms + files.ms);
    }
    console.log(`  render round ${r + 1}/${rounds}: ${[...steps].map(([step, s]) => `${step.replace(/^reference: .*/, 'reference')} ${s.ms.at(-1)!.toFixed(0)}`).join(', ')} (ms)`);
  }
  const reference = median([...steps.values()][0].ms);
  return [...steps].map(([step, s]) => ({ size: n, step, rounds, ms: round(median(s.ms), 1), ratio: round(median(s.ms) / reference, 1), output: s.output, samples: s.ms.map((ms) => round(ms, 1)) }));
}

// ---------------------------------------------------------------------------------------------------------
// One-mapping changes
// ---------------------------------------------------------------------------------------------------------

/**
 * One Traefik delivery path, given the rendered config (renderTraefikConfig is pure and the same for all four,
 * so each change renders once and every path's time is that render plus its own delivery). `effect` is read
 * outside the timing; `has` checks that the change arrived.
 */
interface TraefikPath {
  name: string;
  deliver(config: TraefikConfig, routes: Route[], lap: Lap): Promise<Record<string, number>>;
  probe(): Promise<unknown>;
  effect(before: unknown, delivered: Record<string, number>): Promise<Record<string, number>>;
  has(hostname: string): Promise<boolean>;
}

async function fileStates(dir: string): Promise<Map<string, { ino: number; hash: string }>> {
  const out = new Map<string, { ino: number; hash: string }>();
  for (const name of (await readdir(dir).catch(() => [])).sort()) {
    const path = join(dir, name);
    out.set(name, { ino: (await stat(path)).ino, hash: createHash('sha256').update(await readFile(path)).digest('hex') });
  }
  return out;
}

function traefikPaths(dir: string, redis: Redis, deliverer: RedisDeliverer): TraefikPath[] {
  const file = join(dir, 'traefik', 'portico.yaml');
  const directory = join(dir, 'traefik-projects');
  const directoryCache: ProjectFileCache = new Map();
  let etag = '';
  let body = '';
  const nothing = async () => undefined;
  const redisCli = async (...args: string[]) => (await run('redis-cli', ['-u', redis.url, ...args])).stdout.trim();
  return [
    {
      name: 'traefik file (1 file)',
      async deliver(config, _routes, lap) {
        const changed = await writeTraefikFile(file, config);
        lap('YAML + write');
        return { filesWritten: changed ? 1 : 0 };
      },
      probe: nothing,
      effect: async (_before, delivered) => ({ ...delivered, bytes: (await stat(file)).size }),
      has: async (hostname) => routed(await readFile(file, 'utf8'), hostname),
    },
    {
      // The plugin keeps each project's YAML between deliveries (ProjectFileCache), as here.
      name: 'traefik directory (file per project)',
      async deliver(config, routes, lap) {
        const split = splitByTenant(config, routes);
        lap('split');
        const result = await writeTraefikDirectory(directory, split, directoryCache);
        lap('YAML + write');
        return { written: result.written.length, removed: result.removed.length, unchanged: result.unchanged.length };
      },
      probe: () => fileStates(directory),
      async effect(before, delivered) {
        const was = before as Map<string, { ino: number; hash: string }>;
        const after = await fileStates(directory);
        const changed = [...after].filter(([name, s]) => was.get(name)?.hash !== s.hash).length + [...was.keys()].filter((name) => !after.has(name)).length;
        // A rename gives the file a new inode: this counts what Traefik's watcher is woken for, independently of the result.
        const replaced = [...after].filter(([name, s]) => was.get(name)?.ino !== s.ino).length;
        return { ...delivered, files: after.size, filesChanged: changed, filesReplaced: replaced };
      },
      has: async (hostname) => routed(await readFile(join(directory, `portico-${ADDED_TENANT}.yaml`), 'utf8'), hostname),
    },
    {
      name: 'traefik redis KV',
      async deliver(config, _routes, lap) {
        const kv = flattenToKv(config);
        lap('flattenToKv');
        const diff = await deliverer.apply(kv);
        lap('diff + MULTI');
        return { keysSet: diff.set.size, keysDeleted: diff.del.length };
      },
      probe: nothing,
      effect: async (_before, delivered) => ({ ...delivered, keys: Number(await redisCli('dbsize')) }),
      has: async (hostname) => (await redisCli('exists', `traefik/http/routers/${routeName(hostname, '/')}-https/rule`)) === '1',
    },
    {
      // What GET /edge/traefik/config does per route-table version (core/server/src/http/edge.ts, as renderForHttp).
      name: 'traefik HTTP provider (JSON + ETag)',
      async deliver(config, _routes, lap) {
        const json = JSON.stringify(config);
        lap('JSON');
        const tag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
        lap('ETag');
        const changed = tag !== etag ? 1 : 0;
        [etag, body] = [tag, json];
        return { bytes: Buffer.byteLength(json), etagChanged: changed };
      },
      probe: nothing,
      effect: async (_before, delivered) => delivered,
      has: async (hostname) => routed(body, hostname),
    },
  ];
}

async function measureTraefikChanges(n: number, routes: Route[], dir: string, redis: Redis, referenceMs: number): Promise<ChangeRow[]> {
  const deliverer = createRedisDeliverer({ url: redis.url, prefix: 'traefik', timeoutMs: 120_000 });
  try {
    const paths = traefikPaths(dir, redis, deliverer);
    const results = paths.map(() => ({ full: undefined as Sample | undefined, samples: [] as Sample[] }));
    const full: Step = { kind: 'full', table: routes, hostname: '', present: false };
    for (const step of [full, ...changeSteps(routes, cycles)]) {
      const render = await timed(() => renderTraefikConfig(step.table));
      for (const [i, path] of paths.entries()) {
        const before = await path.probe();
        const { lap, phases } = laps();
        const delivered = await timed(() => path.deliver(render.value, step.table, lap));
        const effect = await path.effect(before, delivered.value);
        if (step.hostname && (await path.has(step.hostname)) !== step.present) throw new Error(`${path.name}: after ${step.kind}, ${step.hostname} is ${step.present ? 'missing' : 'still there'}`);
        const sample = { kind: step.kind, ms: render.ms + delivered.ms, phases: { render: render.ms, ...phases }, effect };
        if (step.kind === 'full') results[i].full = sample;
        else results[i].samples.push(sample);
      }
    }
    return paths.map((path, i) => summarise(n, path.name, results[i].full!, FULL_NOTE, results[i].samples, referenceMs));
  } finally {
    await deliverer.close();
  }
}

async function measureGitOpsChange(n: number, routes: Route[], dir: string, referenceMs: number): Promise<ChangeRow> {
  const workTree = join(dir, 'gitops');
  const options = gitOpsOptionsOf(istioSchema.parse({ issuerRef: { name: 'letsencrypt' }, delivery: { kind: 'gitops', workTree, author: { name: 'Portico bench', email: 'bench@portico.invalid' }, timeoutMs: 120_000 } }))!;
  const renderOptions = istioRenderOptions('istio');
  const git = async (...args: string[]) => (await run('git', ['-C', workTree, ...args], { maxBuffer: 64 * 2 ** 20 })).stdout.trim();
  await run('git', ['init', '--quiet', '--initial-branch', 'main', workTree]);
  // No background gc or maintenance: nothing may outlive the run, and none of it may land inside a timing.
  for (const [key, value] of [['user.name', 'Portico bench'], ['user.email', 'bench@portico.invalid'], ['gc.auto', '0'], ['maintenance.auto', 'false'], ['commit.gpgsign', 'false']]) await git('config', key, value);
  await git('commit', '--quiet', '--allow-empty', '-m', 'empty');
  const commits = async () => Number(await git('rev-list', '--count', 'HEAD'));
  // The plugin keeps each tenant's YAML between reconciles (TenantFileCache): a change re-serialises its tenant only.
  const cache: TenantFileCache = new Map();

  const deliver = async (table: Route[], lap: Lap) => {
    const manifests = renderIstio(table, renderOptions);
    lap('render');
    const files = tenantFiles(manifests, cache);
    lap('YAML');
    const result = await deliverGitOps(files, options);
    lap('git');
    return { filesChanged: result.changes.length };
  };
  const sample = async (kind: string, fn: (lap: Lap) => Promise<Record<string, number>>): Promise<Sample> => {
    const before = await commits();
    const { lap, phases } = laps();
    const step = await timed(() => fn(lap));
    return { kind, ms: step.ms, phases, effect: { ...step.value, commits: (await commits()) - before } };
  };

  let full: Sample;
  if (values['gitops-full']) full = await sample('full', (lap) => deliver(routes, lap));
  else {
    // The state the plugin's first delivery leaves (every tenant file, committed), in one commit instead of one per tenant.
    full = await sample('full', async (lap) => {
      const files = tenantFiles(renderIstio(routes, renderOptions), cache);
      lap('render + YAML');
      await mkdir(join(workTree, options.directory), { recursive: true });
      for (const [tenant, text] of files) await writeFile(join(workTree, options.directory, `${tenant}.yaml`), text);
      await git('add', '--all', '--', options.directory);
      await git('commit', '--quiet', '--no-verify', '-m', 'seed: every tenant file');
      lap('write + 1 commit');
      return { filesChanged: files.size };
    });
  }
  const samples: Sample[] = [];
  for (const step of changeSteps(routes, cycles)) {
    samples.push(await sample(step.kind, (lap) => deliver(step.table, lap)));
    const text = await readFile(join(workTree, options.directory, `${ADDED_TENANT}.yaml`), 'utf8');
    if (text.includes(`- ${step.hostname}\n`) !== step.present) throw new Error(`istio GitOps: after ${step.kind}, ${step.hostname} is ${step.present ? 'missing' : 'still there'}`);
  }
  const note = values['gitops-full'] ? "the plugin's first delivery (a commit per tenant)" : "seeded, render + YAML + write + 1 commit (--gitops-full: the plugin's first delivery)";
  return summarise(n, 'istio GitOps (file per project, git)', full, note, samples, referenceMs);
}

// ---------------------------------------------------------------------------------------------------------

const fmt = (value: number) => value.toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function table(head: string[], body: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}

/** The per-change figures each path reports, per kind: `add set 5 del 0 · change set 2 del 0 · …`. */
const SHOWN: Record<string, Array<[key: string, label: string]>> = {
  'traefik file (1 file)': [['filesWritten', 'written']],
  'traefik directory (file per project)': [['filesChanged', 'changed'], ['filesReplaced', 'replaced']],
  'traefik redis KV': [['keysSet', 'set'], ['keysDeleted', 'del']],
  'traefik HTTP provider (JSON + ETag)': [['etagChanged', 'new ETag']],
  'istio GitOps (file per project, git)': [['commits', 'commits'], ['filesChanged', 'files']],
  'traefik file — plugin, by change set': [['wrote', 'wrote']],
  'traefik directory — plugin, by change set': [['wrote', 'wrote']],
  'traefik redis KV — plugin, by change set': [['wrote', 'wrote']],
  'traefik HTTP provider — plugin, by change set': [['wrote', 'new body']],
  'istio GitOps — plugin, by change set': [['commits', 'commits']],
};
function perChangeText(row: ChangeRow): string {
  const text = Object.entries(row.perChange)
    .map(([kind, effect]) => `${kind} ${(SHOWN[row.path] ?? []).map(([key, label]) => `${label} ${fmt(effect[key] ?? 0)}`).join(' ')}`)
    .join(' · ');
  return row.varies.length ? `${text} (varies: ${row.varies.join(', ')})` : text;
}
const phasesText = (row: ChangeRow) =>
  Object.entries(row.phases)
    .map(([name, ms]) => `${name} ${fmt(Math.round(ms))}`)
    .join(' + ');

const started = now();
const dir = mkdtempSync(join(tmpdir(), 'portico-edge-bench-'));
// Ctrl-C or a kill: leave through the 'exit' handlers, which stop Redis (test-servers' daemon) and remove the temp dir.
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
let redis: Redis | undefined;
try {
  redis = await startRedis({ notifyKeyspaceEvents: 'KEA' });
  const renderRows: RenderRow[] = [];
  const changes: Array<{ size: number; referenceMs: number; referenceSamples: number[]; rows: ChangeRow[] }> = [];
  const shapes: Record<number, ReturnType<typeof shape>> = {};
  for (const n of sizes) {
    const routes = routeTable(n);
    shapes[n] = shape(routes);
    console.log(`\n${fmt(n)} mappings: ${JSON.stringify(shapes[n])}`);
    renderRows.push(...measureRender(n, routes));

    const sizeDir = join(dir, String(n));
    await mkdir(sizeDir);
    const yaml = toYaml(renderTraefikConfig(routes));
    const referenceSamples: number[] = [];
    for (let r = 0; r < Math.max(3, roundsFor(n)); r++) referenceSamples.push((await timed(() => writeFile(join(sizeDir, 'reference.yaml'), yaml))).ms);
    const referenceMs = median(referenceSamples);
    console.log(`  reference: fs.writeFile of the full Traefik YAML (${mb(Buffer.byteLength(yaml))}) ${referenceMs.toFixed(1)} ms`);
    await run('redis-cli', ['-u', redis.url, 'flushall']);
    const rows = [
      ...(await measureTraefikChanges(n, routes, sizeDir, redis, referenceMs)),
      ...(await measureTraefikPlugin(n, routes, sizeDir, redis, referenceMs, cycles)),
      await measureGitOpsChange(n, routes, sizeDir, referenceMs),
      await measureIstioPlugin(n, routes, sizeDir, referenceMs, cycles),
      ...(await measureCaddyPlugin(n, routes, referenceMs, cycles)),
    ];
    changes.push({ size: n, referenceMs: round(referenceMs, 1), referenceSamples: referenceSamples.map((ms) => round(ms, 1)), rows });
    rmSync(sizeDir, { recursive: true, force: true });
  }

  console.log(`\nRender: median of the rounds (n); × ref = ms / JSON.stringify(routes) ms (same size, same run)\n`);
  console.log(table(['mappings', 'step', 'n', 'ms', '× ref', 'output'], renderRows.map((r) => [fmt(r.size), r.step, String(r.rounds), r.ms.toFixed(1), r.ratio.toFixed(1), r.output]), [true, false, true, true, true, false]));
  console.log(
    `\nOne-mapping change after a full delivery: median of ${cycles * 3} changes (add, change, remove${cycles > 1 ? ` × ${cycles}` : ''}), each a full render + delivery as the plugin does it;` +
      ` × write = change ms / one fs.writeFile of the full Traefik YAML (same size, same run); × full = change ms / the path's full delivery ms\n`,
  );
  const changeBody = changes.flatMap((c) => [
    [fmt(c.size), 'reference: fs.writeFile(full Traefik YAML)', '', c.referenceMs.toFixed(1), '1.0', '', '', ''],
    ...c.rows.map((r) => [fmt(r.size), r.path, fmt(Math.round(r.fullMs)), fmt(round(r.changeMs, 0)), r.ratioToWrite.toFixed(1), r.ratioToFull.toFixed(2), phasesText(r), perChangeText(r)]),
  ]);
  console.log(table(['mappings', 'path', 'full ms', 'change ms', '× write', '× full', 'change phases (median ms)', 'per change'], changeBody, [true, false, true, true, true, true, false, false]));
  const notes = new Set(changes.flatMap((c) => c.rows.filter((r) => r.fullNote !== FULL_NOTE).map((r) => `${r.path.split(' (')[0]}: ${r.fullNote}`)));
  console.log(`  full ms: ${[FULL_NOTE, ...notes].join('; ')}`);

  const machine = { cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const totalSeconds = round(Number(now() - started) / 1e9, 1);
  console.log(`\nwhole run ${totalSeconds.toFixed(0)} s`);
  const settings = { sizes, rounds: Object.fromEntries(sizes.map((n) => [n, roundsFor(n)])), cycles, gitopsFull: values['gitops-full'], redis: 'notify-keyspace-events KEA', gc: 'full gc before each timed step' };
  console.log(JSON.stringify({ bench: 'edge-bench', date: new Date().toISOString(), machine, settings, shapes, render: renderRows, changes, totalSeconds }));
} finally {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
}
