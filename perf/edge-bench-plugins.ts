// The Traefik, Istio and Caddy plugins driven through the kernel, as the server drives them: a whole delivery, then
// each change as a change set. Part of edge-bench.ts (see perf/README.md).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { servedText, type RenderInput, type Route, type ServedConfig } from '../core/kernel/src/index.ts';
import { createTestKernel } from '../core/kernel/src/conformance/index.ts';
import { requireCaddy, startCaddy, type Caddy, type Redis } from '../core/test-servers/src/index.ts';
import caddyPlugin from '../plugins/edge-caddy/src/index.ts';
import istio, { optionsSchema as istioSchema, renderIstio, renderOptionsOf, tenantFiles } from '../plugins/edge-istio/src/index.ts';
import traefik, { routeName } from '../plugins/edge-traefik/src/index.ts';
import { ADDED_TENANT, changeSteps, type Step } from './edge-bench-routes.ts';
import { FULL_NOTE, routed, run, summarise, timed, type ChangeRow, type Sample } from './edge-bench-measure.ts';

/**
 * The Traefik plugin as the server drives it (kernel.deployRoutes / serveRoutes): a whole render and delivery of
 * all N mappings, then each change handed over as a change set (the host and its routes now, `since` the last
 * version), so the plugin re-renders that host and delivers only what changed. One kernel, four places.
 */
export async function measureTraefikPlugin(n: number, routes: Route[], dir: string, redis: Redis, referenceMs: number, cycles: number): Promise<ChangeRow[]> {
  const kernel = await createTestKernel([{ plugin: traefik, options: {} }]);
  try {
    const file = join(dir, 'plugin', 'portico.yaml');
    const directory = join(dir, 'plugin-projects');
    const prefix = 'plugin';
    const redisCli = async (...args: string[]) => (await run('redis-cli', ['-u', redis.url, ...args])).stdout.trim();
    let body: ServedConfig['body'] = '';
    let etag = '';
    type PluginPath = { name: string; run(input: RenderInput): Promise<Record<string, number>>; has(hostname: string): Promise<boolean> };
    const deploy = (id: string, delivery: object) => async (input: RenderInput) => {
      const { delivered } = await kernel.deployRoutes('traefik', { ...input, target: { id, options: { delivery } } });
      return { wrote: /^wrote|[1-9]\d* written|[1-9]\d* keys set|[1-9]\d* deleted/.test(delivered.detail ?? '') ? 1 : 0 };
    };
    const paths: PluginPath[] = [
      { name: 'traefik file — plugin, by change set', run: deploy('file', { kind: 'file', path: file }), has: async (h) => routed(await readFile(file, 'utf8'), h) },
      {
        name: 'traefik directory — plugin, by change set',
        run: deploy('directory', { kind: 'directory', path: directory }),
        has: async (h) => routed(await readFile(join(directory, `portico-${ADDED_TENANT}.yaml`), 'utf8'), h),
      },
      {
        name: 'traefik redis KV — plugin, by change set',
        run: deploy('redis', { kind: 'redis', url: redis.url, prefix }),
        has: async (h) => (await redisCli('exists', `${prefix}/http/routers/${routeName(h, '/')}-https/rule`)) === '1',
      },
      {
        name: 'traefik HTTP provider — plugin, by change set',
        async run(input) {
          const served = await kernel.serveRoutes('traefik', input);
          const changed = served.etag !== etag ? 1 : 0;
          [body, etag] = [served.body, served.etag];
          return { wrote: changed };
        },
        has: async (h) => routed(servedText(body), h),
      },
    ];
    const results = paths.map(() => ({ full: undefined as Sample | undefined, samples: [] as Sample[] }));
    const full: Step = { kind: 'full', table: routes, hostname: '', present: false };
    let version = 1;
    for (const step of [full, ...changeSteps(routes, cycles)]) {
      const since = version;
      version += 1;
      const changes = step.kind === 'full' ? undefined : { since, hosts: [step.hostname], routes: step.table.filter((r) => r.hostname === step.hostname) };
      const input: RenderInput = { routes: step.table, version, ...(changes ? { changes } : {}) };
      for (const [i, path] of paths.entries()) {
        const delivered = await timed(() => path.run(input));
        if (step.hostname && (await path.has(step.hostname)) !== step.present) throw new Error(`${path.name}: after ${step.kind}, ${step.hostname} is ${step.present ? 'missing' : 'still there'}`);
        const sample = { kind: step.kind, ms: delivered.ms, phases: { 'render + deliver': delivered.ms }, effect: delivered.value };
        if (step.kind === 'full') results[i].full = sample;
        else results[i].samples.push(sample);
      }
    }
    return paths.map((path, i) => summarise(n, path.name, results[i].full!, FULL_NOTE, results[i].samples, referenceMs));
  } finally {
    await kernel.close();
  }
}

/**
 * The Istio plugin as the server drives it: its work tree seeded with every tenant's file in one commit (the state
 * its first delivery leaves, without a commit per tenant), one whole delivery through the kernel (it finds every
 * file in place, and keeps its render), then each change as a change set: the changed host rendered, its tenant's
 * file serialised, one commit.
 */
export async function measureIstioPlugin(n: number, routes: Route[], dir: string, referenceMs: number, cycles: number): Promise<ChangeRow> {
  const workTree = join(dir, 'gitops-plugin');
  const git = async (...args: string[]) => (await run('git', ['-C', workTree, ...args], { maxBuffer: 64 * 2 ** 20 })).stdout.trim();
  await run('git', ['init', '--quiet', '--initial-branch', 'main', workTree]);
  for (const [key, value] of [['user.name', 'Portico bench'], ['user.email', 'bench@portico.invalid'], ['gc.auto', '0'], ['maintenance.auto', 'false'], ['commit.gpgsign', 'false']]) await git('config', key, value);
  const options = { issuerRef: { name: 'letsencrypt' }, delivery: { kind: 'gitops', workTree, author: { name: 'Portico bench', email: 'bench@portico.invalid' }, timeoutMs: 120_000 } };
  const files = tenantFiles(renderIstio(routes, renderOptionsOf(istioSchema.parse(options))));
  await mkdir(join(workTree, 'portico'), { recursive: true });
  for (const [tenant, text] of files) await writeFile(join(workTree, 'portico', `${tenant}.yaml`), text);
  await git('add', '--all');
  await git('commit', '--quiet', '--no-verify', '-m', 'seed: every tenant file');
  const commits = async () => Number(await git('rev-list', '--count', 'HEAD'));
  const kernel = await createTestKernel([{ plugin: istio, options }]);
  try {
    const sample = async (kind: string, input: RenderInput): Promise<Sample> => {
      const before = await commits();
      const step = await timed(() => kernel.deployRoutes('istio', input));
      return { kind, ms: step.ms, phases: { 'render + deliver': step.ms }, effect: { commits: (await commits()) - before } };
    };
    let version = 1;
    const full = await sample('full', { routes, version });
    const samples: Sample[] = [];
    for (const step of changeSteps(routes, cycles)) {
      const since = version;
      version += 1;
      samples.push(await sample(step.kind, { routes: step.table, version, changes: { since, hosts: [step.hostname], routes: step.table.filter((r) => r.hostname === step.hostname) } }));
      const text = await readFile(join(workTree, 'portico', `${ADDED_TENANT}.yaml`), 'utf8');
      if (text.includes(`- ${step.hostname}\n`) !== step.present) throw new Error(`istio plugin: after ${step.kind}, ${step.hostname} is ${step.present ? 'missing' : 'still there'}`);
    }
    return summarise(n, 'istio GitOps — plugin, by change set', full, 'seeded files, then a whole delivery through the kernel (nothing to commit)', samples, referenceMs);
  } finally {
    await kernel.close();
  }
}

/**
 * The Caddy plugin as the server drives it, against three real Caddies in the same run: two given each change as a
 * change set (the changed routes sent through the admin API: with the default `maxChangeCalls`, one call per change,
 * both servers replaced when more are needed; and one call per changed route), the third the same tables without
 * one (a whole render, GET /config/ for its ETag, the whole config posted), as before change sets. All start with a
 * whole delivery of all N mappings. Without caddy installed, no rows.
 */
export async function measureCaddyPlugin(n: number, routes: Route[], referenceMs: number, cycles: number): Promise<ChangeRow[]> {
  if (!requireCaddy()) return [];
  const caddies: Caddy[] = [];
  const kernels: Array<Awaited<ReturnType<typeof createTestKernel>>> = [];
  try {
    const paths = [
      { name: 'caddy admin API — plugin, by change set', byChange: true, maxChangeCalls: undefined },
      { name: 'caddy admin API — plugin, by change set, call per route', byChange: true, maxChangeCalls: 1000 },
      { name: 'caddy admin API — plugin, whole /load', byChange: false, maxChangeCalls: undefined },
    ];
    for (const path of paths) {
      const caddy = await startCaddy();
      caddies.push(caddy);
      const options = { askUrl: 'http://127.0.0.1:9/edge/ask', adminListen: caddy.adminListen, httpPort: caddy.httpPort, httpsPort: caddy.httpsPort, listenAddresses: ['127.0.0.1'], issuers: [{ module: 'internal' }], storageRoot: caddy.storageRoot, adminTimeoutMs: 120_000, maxChangeCalls: path.maxChangeCalls };
      kernels.push(await createTestKernel([{ plugin: caddyPlugin, options }]));
    }
    const has = async (caddy: Caddy, hostname: string) => JSON.stringify(await caddy.config()).includes(`"${hostname}"`);
    const results = paths.map(() => ({ full: undefined as Sample | undefined, samples: [] as Sample[] }));
    const full: Step = { kind: 'full', table: routes, hostname: '', present: false };
    let version = 1;
    for (const step of [full, ...changeSteps(routes, cycles)]) {
      const since = version;
      version += 1;
      const changes = step.kind === 'full' ? undefined : { since, hosts: [step.hostname], routes: step.table.filter((r) => r.hostname === step.hostname) };
      for (const [i, path] of paths.entries()) {
        const input: RenderInput = { routes: step.table, version, ...(changes && path.byChange ? { changes } : {}) };
        const delivered = await timed(() => kernels[i]!.deployRoutes('caddy', input));
        if (step.hostname && (await has(caddies[i]!, step.hostname)) !== step.present) throw new Error(`${path.name}: after ${step.kind}, ${step.hostname} is ${step.present ? 'missing' : 'still there'}`);
        const detail = delivered.value.delivered.detail ?? '';
        const replaced = detail.endsWith('(both servers replaced)');
        const calls = replaced ? 1 : Number(/^(\d+) routes? changed/.exec(detail)?.[1] ?? 0);
        const sample = { kind: step.kind, ms: delivered.ms, phases: { 'render + deliver': delivered.ms }, effect: { calls, serversReplaced: replaced ? 1 : 0, loads: detail.startsWith('loaded') ? 1 : 0 } };
        if (step.kind === 'full') results[i]!.full = sample;
        else results[i]!.samples.push(sample);
      }
    }
    return paths.map((path, i) => summarise(n, path.name, results[i]!.full!, 'whole load into an empty Caddy', results[i]!.samples, referenceMs));
  } finally {
    for (const kernel of kernels) await kernel.close();
    for (const caddy of caddies) await caddy.stop();
  }
}
