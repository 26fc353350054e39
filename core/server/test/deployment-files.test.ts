import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';
import * as apps from 'kubernetes-models/apps/v1';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { findBinary, requireBinary } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../src/cli.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { configSchema } from '../src/config/schema.ts';
import { MIGRATIONS_DIR } from '../src/db/orm.ts';
import { createSecretBox, loadSecretKeys } from '../src/modules/credentials/crypto.ts';
import { startPortico } from '../src/runtime.ts';
import { migrate } from '../../../docs/deployment/migrate.ts';
import { collectingLogger, createTestDatabase, REPO_ROOT } from './helpers.ts';

// The files of docs/deployment/ and docs/deployment.md against the code they drive. Every Kubernetes object is
// validated against the Kubernetes schemas, unknown fields included; every role, flag, environment variable and
// config key they use must be one the server reads; ports and probe paths are asked of a running Portico; the
// Containerfile's commands must name real scripts and files; the systemd units pass systemd-analyze; the migration
// step and the backup query run against a real database. Each failure names the file and what is wrong in it.

const DEPLOY = join(REPO_ROOT, 'docs/deployment');
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

/** Where the files install Portico (the systemd units, the image's WORKDIR), and where that is in this checkout. */
const INSTALL_ROOTS = ['/opt/portico', '/app'];
function inCheckout(path: string): string {
  const root = INSTALL_ROOTS.find((r) => path === r || path.startsWith(`${r}/`));
  if (!root) throw new Error(`${path} is not under an installation folder (${INSTALL_ROOTS.join(', ')})`);
  return join(REPO_ROOT, path.slice(root.length));
}

// ── What the server accepts, read from its code ────────────────────────────────────────────────────────────────

const mainSource = read('core/server/src/main.ts');
/** `node core/server/src/main.ts` options (its parseArgs call). */
const MAIN_FLAGS = [...(/parseArgs\(\{ options: \{(.*)\} \}\)/.exec(mainSource)?.[1] ?? '').matchAll(/(\w+): \{ type:/g)].map((m) => m[1]!);
const ROLES = [...(/\[((?:'\w+',?\s*)+)\]\.includes\(role\)/.exec(mainSource)?.[1] ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]!);
const STOP_DEADLINE_S = Number((/STOP_DEADLINE_MS = ([\d_]+)/.exec(mainSource)?.[1] ?? 'NaN').replaceAll('_', '')) / 1000;
const CLI_FLAGS = new Set([...USAGE.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));
const CLI_COMMANDS = new Set([...USAGE.matchAll(/^ {2}([a-z]+(?: [a-z-]+)?)(?= |$)/gm)].map((m) => m[1]!));
const MIGRATE_FLAGS = ['list', 'config'];

/** Environment variables the server reads: `process.env.X`, `env.X`, `env[CONST]`, and the config overrides' names. */
const SERVER_ENV = (() => {
  const names = new Set<string>();
  for (const file of filesUnder(join(REPO_ROOT, 'core/server/src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:process\.)?env\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]!);
    for (const m of text.matchAll(/\benv\[([A-Z][A-Z0-9_]+)\]/g)) {
      const value = new RegExp(`const ${m[1]} = '([A-Z0-9_]+)'`).exec(text)?.[1];
      if (value) names.add(value);
    }
    for (const m of text.matchAll(/names: \[([^\]]*)\]/g)) for (const q of m[1]!.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) names.add(q[1]!);
  }
  return names;
})();
/** `PORTICO_SECRET_<NAME>`: what `services.secrets.get(name)` and the config's `*Secret` fields read. */
const SECRET_PREFIX = 'PORTICO_SECRET_';
const readsSecretVariables = read('core/server/src/runtime.ts').includes('`PORTICO_SECRET_${');
function unknownEnv(names: Iterable<string>): string[] {
  return [...names].filter((n) => !SERVER_ENV.has(n) && !(readsSecretVariables && n.startsWith(SECRET_PREFIX) && n.length > SECRET_PREFIX.length));
}

/** A config path (`routeTable.checkIntervalSeconds`, `edges[].probe`) exists in the zod schema; records take any key. */
interface ZodNode {
  _zod: { def: { type: string; innerType?: ZodNode; in?: ZodNode; shape?: Record<string, ZodNode>; element?: ZodNode } };
}
function unwrap(node: ZodNode): ZodNode {
  for (;;) {
    const def = node._zod.def;
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe' && def.in) node = def.in;
    else return node;
  }
}
const schemaRoot = configSchema as unknown as ZodNode;
function configPathExists(path: string): boolean {
  let node = schemaRoot;
  for (const segment of path.replaceAll('[]', '.[]').split('.')) {
    const def = unwrap(node)._zod.def;
    if (def.type === 'record') return true;
    const next = segment === '[]' ? (def.type === 'array' ? def.element : undefined) : def.shape?.[segment];
    if (!next) return false;
    node = next;
  }
  return true;
}
/** Keys of a raw config that the schema does not know (zod drops them silently: a typo would go unnoticed). */
function unknownConfigKeys(value: unknown, node: ZodNode = schemaRoot, path = ''): string[] {
  const def = unwrap(node)._zod.def;
  if (def.type === 'object' && isRecord(value)) {
    return Object.entries(value).flatMap(([key, v]) => {
      const child = def.shape?.[key];
      return child ? unknownConfigKeys(v, child, path ? `${path}.${key}` : key) : [path ? `${path}.${key}` : key];
    });
  }
  if (def.type === 'array' && Array.isArray(value) && def.element) return value.flatMap((v, i) => unknownConfigKeys(v, def.element, `${path}[${i}]`));
  return [];
}

// ── Running commands ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * Runs a command without blocking the event loop (a Portico under test may be serving it from this process), with
 * only PATH and HOME from this environment (no NODE_OPTIONS): a command line must work as the files write it.
 */
function run(argv: string[], env: Record<string, string>, cwd = REPO_ROOT): Promise<{ code: number | null; output: string }> {
  const [program, ...args] = argv;
  const binary = program === 'node' || program?.endsWith('/node') ? process.execPath : program!;
  return new Promise((done) => {
    execFile(binary, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env }, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/**
 * Portico accepts a command line (role, flags, command) when it gets as far as reading its config: with a config
 * path that does not exist it stops there, after parsing its arguments and before starting anything.
 */
async function porticoRefusal(argv: string[]): Promise<string | undefined> {
  const { output } = await run(argv, { PORTICO_CONFIG: '/nonexistent/portico.config.json' });
  return output.includes('Config file not found') ? undefined : output.trim().split('\n').slice(0, 3).join(' | ');
}

// ── The files ──────────────────────────────────────────────────────────────────────────────────────────────────

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Probe { httpGet?: { path: string; port: string | number } }
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number };
  volumes?: Array<{ name: string; configMap?: { name: string } }>;
}
interface K8sObject {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; labels?: Record<string, string> };
  spec?: { selector?: Record<string, unknown>; template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec }; ports?: Array<{ port: number; targetPort?: string | number }> };
  data?: Record<string, string>;
}
const nameOf = (o: K8sObject) => `${o.kind} ${o.metadata.name ?? `${o.metadata.generateName}*`} (${o.file})`;

const manifestFiles = filesUnder(join(DEPLOY, 'kubernetes')).filter((f) => /\.ya?ml$/.test(f));
const objects: K8sObject[] = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${relative(REPO_ROOT, file)}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    return value === null ? [] : [{ ...(value as Omit<K8sObject, 'file'>), file: relative(REPO_ROOT, file) }];
  }),
);
const workloads = objects.filter((o) => o.spec?.template?.spec);
const podsOf = (o: K8sObject) => o.spec!.template!.spec;

/** The Containerfile's instructions, continuation lines joined, comments dropped. */
const containerfileText = read('docs/deployment/Containerfile');
const instructions = containerfileText
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => ({ op: l.split(/\s+/)[0]!.toUpperCase(), rest: l.slice(l.split(/\s+/)[0]!.length).trim() }));
const instruction = (op: string) => instructions.filter((i) => i.op === op).map((i) => i.rest);
const execForm = (text: string) => JSON.parse(text) as string[];
const imageEnv = Object.fromEntries(instruction('ENV').flatMap((rest) => [...rest.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));
const ENTRYPOINT = execForm(instruction('ENTRYPOINT')[0] ?? '[]');
const CMD = execForm(instruction('CMD')[0] ?? '[]');
const [uid, gid] = (instruction('USER')[0] ?? '').split(':').map(Number);

/** What a container runs, as Kubernetes combines it with the image: command replaces ENTRYPOINT, args replace CMD. */
const argvOf = (c: Container) => (c.command ? [...c.command, ...(c.args ?? [])] : [...ENTRYPOINT, ...(c.args ?? CMD)]);
const roleOf = (argv: string[]) => (argv.includes('--role') ? argv[argv.indexOf('--role') + 1] : undefined);
/** `node [options] script [args]`: the parts of a command line that starts Node. */
function nodeCommand(argv: string[]): { options: string[]; script: string; args: string[] } {
  const at = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  return { options: argv.slice(1, at), script: argv[at] ?? '', args: argv.slice(at + 1) };
}
/**
 * The Node options the repository runs its own TypeScript with (.npmrc's node-options, which npm hands every script,
 * and those of the start script): a command that starts Portico without npm must give them itself.
 */
const REQUIRED_NODE_OPTIONS = (() => {
  const npmrc = existsSync(join(REPO_ROOT, '.npmrc')) ? (/^node-options=(.*)$/m.exec(read('.npmrc'))?.[1] ?? '') : '';
  const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.replace(/^exec /, '').split(/\s+/);
  return [...new Set([...npmrc.split(/\s+/).filter(Boolean), ...nodeCommand(start).options])];
})();
const missingNodeOptions = (argv: string[]) => REQUIRED_NODE_OPTIONS.filter((o) => !nodeCommand(argv).options.includes(o));
const envOf = (c: Container) => ({ ...imageEnv, ...Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])) });

/** systemd unit files: section → key → values (a key may repeat). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> = {};
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) sections[header[1]!] = current = {};
    else {
      const at = line.indexOf('=');
      (current[line.slice(0, at)] ??= []).push(line.slice(at + 1));
    }
  }
  return sections;
}
const unitFiles = readdirSync(join(DEPLOY, 'systemd')).filter((f) => f.endsWith('.service'));
const units = unitFiles.map((file) => ({ file, unit: parseUnit(read(`docs/deployment/systemd/${file}`)) }));
const unitEnv = (service: Record<string, string[]>) => Object.fromEntries((service.Environment ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
const envFileNames = (text: string) => [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.data && Object.keys(o.data).some((k) => k.endsWith('.json')));
const configs = [
  { where: 'docs/deployment/systemd/portico.config.json', text: read('docs/deployment/systemd/portico.config.json'), installedAt: '/opt/portico/config' },
  ...(configMap ? [{ where: `${nameOf(configMap)}`, text: Object.values(configMap.data!)[0]!, installedAt: dirname(imageEnv.PORTICO_CONFIG ?? '/app/config/x') }] : []),
];

const doc = read('docs/deployment.md');

// ── Kubernetes ─────────────────────────────────────────────────────────────────────────────────────────────────

type ModelClass = new (data: unknown) => { validate(): void };
/** The API groups the manifests may use, each with kubernetes-models' classes for its kinds. */
const MODELS: Record<string, Record<string, unknown>> = { v1: core, 'apps/v1': apps, 'batch/v1': batch, 'policy/v1': policy, 'networking.k8s.io/v1': networking };
function modelFor(o: K8sObject): ModelClass {
  const model = MODELS[o.apiVersion]?.[o.kind];
  if (typeof model !== 'function') throw new Error(`${nameOf(o)}: no ${o.apiVersion} ${o.kind} in this test's MODELS (import it from kubernetes-models)`);
  return model as ModelClass;
}
/** The schemas allow unknown fields; a field is known when a wrong-typed value in it is reported at its own path. */
function unknownFields(Model: ModelClass, object: Record<string, unknown>): string[] {
  const known = (path: Array<string | number>) => {
    const probe = structuredClone(object);
    let parent = probe as Record<string | number, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
    parent[path.at(-1)!] = Symbol('probe');
    const pointer = path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
    try {
      new Model(probe).validate();
      return false;
    } catch (error) {
      return ((error as { errors?: Array<{ instancePath: string }> }).errors ?? []).some((e) => e.instancePath === pointer);
    }
  };
  const found: string[] = [];
  const visit = (value: unknown, path: Array<string | number>) => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (isRecord(value)) {
      for (const [key, v] of Object.entries(value)) {
        if (path.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
        if (known([...path, key])) visit(v, [...path, key]);
        else found.push([...path, key].join('.'));
      }
    }
  };
  visit(object, []);
  return found;
}

describe('Kubernetes manifests (docs/deployment/kubernetes)', () => {
  it('has the objects the deployment needs', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name ?? o.metadata.generateName}`).sort()).toEqual(
      ['ConfigMap portico-config', 'Deployment portico-api', 'Deployment portico-worker', 'Job portico-migrate-', 'PodDisruptionBudget portico-api', 'PodDisruptionBudget portico-worker', 'Service portico-api'].sort(),
    );
  });

  it('validates every object against the Kubernetes schemas, unknown fields included', () => {
    const problems: string[] = [];
    for (const o of objects) {
      const { file: _file, ...object } = o;
      const Model = modelFor(o);
      try {
        new Model(object).validate();
      } catch (error) {
        problems.push(`${nameOf(o)}: ${(error as Error).message}`);
        continue;
      }
      problems.push(...unknownFields(Model, object).map((field) => `${nameOf(o)}: unknown field ${field}`));
    }
    expect(problems).toEqual([]);
  });

  it('holds no secret: no Secret object, secret variables only by reference to one Secret', () => {
    expect(objects.filter((o) => o.kind === 'Secret').map(nameOf), 'Secret objects (create them apart, never commit one)').toEqual([]);
    const secretVariable = (name: string) => name === 'DATABASE_URL' || name === 'PORTICO_ENCRYPTION_KEYS' || name.startsWith(SECRET_PREFIX);
    const problems = workloads.flatMap((o) =>
      podsOf(o).containers.flatMap((c) =>
        (c.env ?? []).flatMap((e) => {
          const ref = e.valueFrom?.secretKeyRef;
          if (secretVariable(e.name) && !ref) return [`${nameOf(o)}: ${e.name} is a literal value, not a secretKeyRef`];
          if (ref && (ref.name !== 'portico-secrets' || ref.key !== e.name)) return [`${nameOf(o)}: ${e.name} refers to ${ref.name}/${ref.key}, not portico-secrets/${e.name}`];
          return [];
        }),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('uses only environment variables the server reads, and supplies every secret the config names', () => {
    const used = workloads.flatMap((o) => podsOf(o).containers.flatMap((c) => (c.env ?? []).map((e) => e.name)));
    expect(unknownEnv(used), 'variables Portico does not read').toEqual([]);
    const named = configs.flatMap(({ text }) => [...text.matchAll(/"(?:passwordSecret|clientSecretName|accountKeySecret)": "([^"]+)"/g)].map((m) => `${SECRET_PREFIX}${m[1]!.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`));
    for (const o of workloads.filter((w) => roleOf(argvOf(podsOf(w).containers[0]!)) !== undefined)) {
      const names = podsOf(o).containers[0]!.env?.map((e) => e.name) ?? [];
      expect(named.filter((n) => !names.includes(n)), `${nameOf(o)}: secrets its config names`).toEqual([]);
    }
  });

  it('runs each container as a command line Portico accepts, with the image every workload shares', async () => {
    const images = new Set(workloads.flatMap((o) => podsOf(o).containers.map((c) => c.image)));
    expect(images.size, `one image for every workload: ${[...images].join(', ')}`).toBe(1);
    for (const o of workloads) {
      for (const c of podsOf(o).containers) {
        const argv = argvOf(c);
        const { script } = nodeCommand(argv);
        expect(existsSync(inCheckout(`/app/${script}`)), `${nameOf(o)}: ${script} is not in the repository`).toBe(true);
        expect(missingNodeOptions(argv), `${nameOf(o)}: node options of ${argv.join(' ')}`).toEqual([]);
        if (script === 'docs/deployment/migrate.ts') continue; // run against a database below
        expect(ROLES, `${nameOf(o)}: role of ${argv.join(' ')}`).toContain(roleOf(argv));
        expect(await porticoRefusal(argv), `${nameOf(o)}: ${argv.join(' ')}`).toBeUndefined();
      }
    }
  });

  it('probes the API on its real port and paths, and never probes a worker (it listens on no port)', () => {
    const problems: string[] = [];
    for (const o of workloads) {
      for (const c of podsOf(o).containers) {
        const role = roleOf(argvOf(c));
        const probes = [c.startupProbe, c.readinessProbe, c.livenessProbe].filter((p) => p !== undefined);
        if (role === 'worker' || role === undefined) {
          if (probes.length > 0 || (c.ports ?? []).length > 0) problems.push(`${nameOf(o)}: role ${role ?? 'migrate'} listens on no port, yet has ports or probes`);
          continue;
        }
        const port = Number(envOf(c).PORTICO_PORT ?? configSchema.parse({}).http.port);
        const http = c.ports?.find((p) => p.name === 'http');
        if (http?.containerPort !== port) problems.push(`${nameOf(o)}: containerPort "http" ${http?.containerPort} but Portico listens on ${port}`);
        if (envOf(c).PORTICO_HOST !== '0.0.0.0' && envOf(c).PORTICO_HOST !== '::') problems.push(`${nameOf(o)}: PORTICO_HOST ${envOf(c).PORTICO_HOST} is not reachable from other pods`);
        if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${nameOf(o)}: readiness probe ${c.readinessProbe?.httpGet?.path}, not /readyz`);
        if (c.livenessProbe?.httpGet?.path !== '/healthz') problems.push(`${nameOf(o)}: liveness probe ${c.livenessProbe?.httpGet?.path}, not /healthz`);
        for (const p of probes) if (p.httpGet?.port !== 'http' && p.httpGet?.port !== port) problems.push(`${nameOf(o)}: a probe asks port ${p.httpGet?.port}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('selects what it means to: Deployments their pods, the Service the API pods only, each PDB a Deployment', () => {
    const matches = (selector: Record<string, unknown> | undefined, labels: Record<string, string> = {}) => !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    for (const d of deployments) expect(matches(d.spec!.selector!.matchLabels as Record<string, unknown>, d.spec!.template!.metadata?.labels), `${nameOf(d)}: selector`).toBe(true);
    for (const s of objects.filter((o) => o.kind === 'Service')) {
      const selected = deployments.filter((d) => matches(s.spec!.selector, d.spec!.template!.metadata?.labels));
      expect(selected.map((d) => d.metadata.name), `${nameOf(s)}: selects`).toEqual(['portico-api']);
      for (const p of s.spec!.ports ?? []) {
        expect(podsOf(selected[0]!).containers.some((c) => c.ports?.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort)), `${nameOf(s)}: targetPort ${p.targetPort}`).toBe(true);
      }
    }
    for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
      expect(deployments.filter((d) => matches(pdb.spec!.selector!.matchLabels as Record<string, unknown>, d.spec!.template!.metadata?.labels)), `${nameOf(pdb)}: selects`).toHaveLength(1);
    }
  });

  it('runs non-root on a read-only root file system with the Containerfile user, resources set, the config mounted where PORTICO_CONFIG points', () => {
    const problems: string[] = [];
    for (const o of workloads) {
      const pod = podsOf(o);
      if (pod.securityContext?.runAsNonRoot !== true || pod.securityContext.runAsUser !== uid || pod.securityContext.runAsGroup !== gid) problems.push(`${nameOf(o)}: pod securityContext is not runAsNonRoot with the image's user ${uid}:${gid}`);
      for (const c of pod.containers) {
        const sc = c.securityContext;
        if (sc?.readOnlyRootFilesystem !== true || sc.allowPrivilegeEscalation !== false || !sc.capabilities?.drop?.includes('ALL')) problems.push(`${nameOf(o)}: container ${c.name} securityContext`);
        if (!c.resources?.requests?.cpu || !c.resources.requests.memory || !c.resources.limits?.memory) problems.push(`${nameOf(o)}: container ${c.name} lacks cpu/memory requests or a memory limit`);
        const configPath = envOf(c).PORTICO_CONFIG;
        const mount = c.volumeMounts?.find((m) => m.mountPath === dirname(configPath ?? ''));
        const volume = pod.volumes?.find((v) => v.name === mount?.name);
        const map = objects.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume?.configMap?.name);
        if (!map?.data?.[posix.basename(configPath ?? '')]) problems.push(`${nameOf(o)}: no ConfigMap key is mounted at PORTICO_CONFIG (${configPath})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("gives each pod time to stop in order: preStop plus Portico's own stop deadline fit in the grace period", () => {
    expect(STOP_DEADLINE_S, 'STOP_DEADLINE_MS in main.ts').toBeGreaterThan(0);
    for (const o of objects.filter((d) => d.kind === 'Deployment')) {
      const pod = podsOf(o);
      const preStop = Math.max(0, ...pod.containers.map((c) => c.lifecycle?.preStop?.sleep?.seconds ?? Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0)));
      expect(pod.terminationGracePeriodSeconds ?? 30, `${nameOf(o)}: terminationGracePeriodSeconds vs preStop ${preStop} s + ${STOP_DEADLINE_S} s`).toBeGreaterThan(preStop + STOP_DEADLINE_S);
    }
  });

  it('keeps Kubernetes service links from setting variables Portico reads', () => {
    const linked = workloads.filter((o) => podsOf(o).enableServiceLinks !== false);
    // What Kubernetes sets for a Service `name` with a port: NAME_SERVICE_HOST, NAME_SERVICE_PORT, NAME_PORT, NAME_PORT_<port>_TCP…
    const injected = objects
      .filter((o) => o.kind === 'Service')
      .flatMap((svc) => {
        const p = svc.metadata.name!.toUpperCase().replaceAll('-', '_');
        const ports = (svc.spec?.ports ?? []).flatMap(({ port }) => [`${p}_PORT_${port}_TCP`, `${p}_PORT_${port}_TCP_PROTO`, `${p}_PORT_${port}_TCP_PORT`, `${p}_PORT_${port}_TCP_ADDR`]);
        return [`${p}_SERVICE_HOST`, `${p}_SERVICE_PORT`, `${p}_PORT`, ...ports];
      });
    const clashes = linked.length === 0 ? [] : injected.filter((n) => SERVER_ENV.has(n));
    expect(clashes, `variables service links would set in ${linked.map(nameOf).join(', ')}`).toEqual([]);
  });
});

// ── Containerfile ──────────────────────────────────────────────────────────────────────────────────────────────

describe('Containerfile', () => {
  const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };

  it('builds from the Node.js the repository pins', () => {
    const args = Object.fromEntries(instruction('ARG').map((a) => a.split('=') as [string, string]));
    const images = instruction('FROM').map((f) => f.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? name));
    expect(images.length, 'a multi-stage build').toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image, 'FROM').toMatch(new RegExp(`^node:${rootPackage.devDependencies.node!.replaceAll('.', '\\.')}-`));
  });

  it('runs only real npm scripts and files, and does what npm start runs first (prestart)', () => {
    const commands = instruction('RUN').flatMap((r) => r.split('&&').map((c) => c.trim()));
    const problems: string[] = [];
    const ran: string[] = [];
    for (const command of commands) {
      const [program, verb, arg] = command.split(/\s+/);
      if (program === 'npm' && verb === 'run') {
        if (!rootPackage.scripts[arg!]) problems.push(`npm run ${arg}: no such script in package.json`);
        else ran.push(...rootPackage.scripts[arg!]!.split('&&').map((c) => c.trim()));
      } else if (program === 'npm' && !['ci', 'prune'].includes(verb!)) problems.push(`${command}: an npm command this file should not need`);
      else if (program === 'rm' && !existsSync(join(REPO_ROOT, command.split(/\s+/).at(-1)!))) problems.push(`${command}: removes a file the repository does not have`);
    }
    for (const step of rootPackage.scripts.prestart!.split('&&').map((c) => c.trim())) if (!ran.includes(step)) problems.push(`prestart's "${step}" is not run`);
    expect(problems).toEqual([]);
    expect(commands, 'dev dependencies are dropped after the build').toContain('npm prune --omit=dev');
  });

  it('runs as a non-root user, exposes the port Portico listens on, and starts the API by default', async () => {
    expect(uid, 'USER uid').toBeGreaterThan(0);
    expect(gid, 'USER gid').toBeGreaterThan(0);
    expect(instruction('EXPOSE'), 'EXPOSE').toEqual([imageEnv.PORTICO_PORT]);
    expect(unknownEnv(Object.keys(imageEnv)), 'ENV names Portico does not read').toEqual([]);
    expect(ENTRYPOINT[0]).toBe('node');
    expect(missingNodeOptions(ENTRYPOINT), 'ENTRYPOINT node options').toEqual([]);
    expect(roleOf([...ENTRYPOINT, ...CMD])).toBe('api');
    expect(await porticoRefusal([...ENTRYPOINT, ...CMD]), `${[...ENTRYPOINT, ...CMD].join(' ')}`).toBeUndefined();
    expect(await porticoRefusal([...ENTRYPOINT, 'start', '--role', 'worker']), 'the documented worker command').toBeUndefined();
  });

  it('keeps dependencies, builds and local data out of the build context', () => {
    const ignored = read('docs/deployment/Containerfile.dockerignore').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.portico', '.git']));
  });
});

// ── systemd ────────────────────────────────────────────────────────────────────────────────────────────────────

describe('systemd units (docs/deployment/systemd)', () => {
  it('has one unit per role, each hardened and stopping within its timeout', async () => {
    expect(unitFiles.sort()).toEqual(['portico-api.service', 'portico-worker.service']);
    for (const { file, unit } of units) {
      const s = unit.Service ?? {};
      const one = (key: string) => s[key]?.at(-1);
      const wanted: Record<string, string> = { NoNewPrivileges: 'yes', ProtectSystem: 'strict', Restart: 'on-failure', ProtectHome: 'yes', PrivateTmp: 'yes' };
      for (const [key, value] of Object.entries(wanted)) expect(one(key), `${file}: ${key}`).toBe(value);
      expect(one('User') !== undefined && one('User') !== 'root' || one('DynamicUser') === 'yes', `${file}: a dedicated user or DynamicUser`).toBe(true);
      expect(one('ReadWritePaths'), `${file}: ReadWritePaths`).toBeDefined();
      expect(one('EnvironmentFile'), `${file}: EnvironmentFile (secrets)`).toMatch(/^\/etc\//);
      expect(Number(/^(\d+)s$/.exec(one('TimeoutStopSec') ?? '')?.[1]), `${file}: TimeoutStopSec vs Portico's ${STOP_DEADLINE_S} s stop deadline`).toBeGreaterThan(STOP_DEADLINE_S);

      const [binary, ...args] = one('ExecStart')!.split(/\s+/);
      expect(existsSync(inCheckout(binary!)), `${file}: ExecStart ${binary} (after npm ci)`).toBe(true);
      expect(one('WorkingDirectory'), `${file}: WorkingDirectory`).toBe('/opt/portico');
      expect(existsSync(join(REPO_ROOT, nodeCommand(['node', ...args]).script)), `${file}: ${nodeCommand(['node', ...args]).script}`).toBe(true);
      expect(missingNodeOptions(['node', ...args]), `${file}: node options`).toEqual([]);
      expect(ROLES, `${file}: --role`).toContain(roleOf(args));
      expect(file).toContain(roleOf(args)!);
      expect(await porticoRefusal(['node', ...args]), `${file}: ${args.join(' ')}`).toBeUndefined();
      expect(unknownEnv(Object.keys(unitEnv(s))), `${file}: Environment= names`).toEqual([]);
      expect(unitEnv(s).PORTICO_CONFIG, `${file}: PORTICO_CONFIG`).toBe('/opt/portico/config/portico.config.json');
    }
  });

  it('has an EnvironmentFile example of real variables whose placeholders Portico refuses', async () => {
    const text = read('docs/deployment/systemd/portico.env.example');
    expect(unknownEnv(envFileNames(text))).toEqual([]);
    expect(envFileNames(text)).toEqual(expect.arrayContaining(['DATABASE_URL', 'PORTICO_ENCRYPTION_KEYS']));
    const keys = /^PORTICO_ENCRYPTION_KEYS=(.*)$/m.exec(text)![1]!;
    await expect(loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: keys }), 'the example key must not be usable').rejects.toMatchObject({ code: 'SECRET_KEYS_INVALID' });
  });

  const analyze = findBinary('systemd-analyze') !== undefined || requireBinary('systemd-analyze', 'systemd');
  it.skipIf(!analyze)('passes systemd-analyze verify (the Node binary swapped for this one, which exists here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-units-'));
    for (const { file } of units) {
      const path = join(dir, file);
      writeFileSync(path, read(`docs/deployment/systemd/${file}`).replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const { output } = await run(['systemd-analyze', 'verify', path], {}, dir);
      expect(output.split('\n').filter((l) => l.includes(file)), `${file}: systemd-analyze verify`).toEqual([]);
    }
  });
});

// ── The config files ───────────────────────────────────────────────────────────────────────────────────────────

describe('the config files (systemd, ConfigMap)', () => {
  it('know only fields the schema has, and pass its validation', () => {
    expect(configs).toHaveLength(2);
    for (const { where, text } of configs) {
      const raw = JSON.parse(text) as unknown;
      expect(unknownConfigKeys(raw), `${where}: fields the config schema does not have`).toEqual([]);
      expect(() => parseConfig(raw, {}, where)).not.toThrow();
    }
  });
});

// ── Against a real PostgreSQL and a real Portico ───────────────────────────────────────────────────────────────

describe('with a database', () => {
  const keys = `k1:${randomBytes(32).toString('base64')}`;
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.PORTICO_ENCRYPTION_KEYS;
    process.env.PORTICO_ENCRYPTION_KEYS = keys; // runtime.ts reads the keys from process.env, as in production
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PORTICO_ENCRYPTION_KEYS;
    else process.env.PORTICO_ENCRYPTION_KEYS = saved;
  });

  it('migrates with docs/deployment/migrate.ts: all pending, then applied once, then none', async () => {
    const url = await createTestDatabase();
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^Migration\d+\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    expect((await migrate(url, { list: true })).pending.sort()).toEqual(files);
    // The migration Job's own command line, with the environment it gets.
    const job = workloads.find((o) => o.kind === 'Job')!;
    const argv = argvOf(podsOf(job).containers[0]!);
    expect(nodeCommand(argv).script).toBe('docs/deployment/migrate.ts');
    const env = { DATABASE_URL: url, PORTICO_CONFIG: join(DEPLOY, 'systemd/portico.config.json') };
    expect(await run(argv, env), argv.join(' ')).toMatchObject({ code: 0, output: expect.stringContaining(`Applied (${files.length})`) });
    expect(await run([...argv, '--list'], env)).toMatchObject({ code: 0, output: expect.stringContaining('No migration is pending') });
    expect(await migrate(url)).toEqual({ pending: [], applied: [] });
  });

  it('lists the key ids of every sealed column with docs/deployment/sealed-key-ids.sql', async () => {
    const url = await createTestDatabase();
    await migrate(url);
    const sql = read('docs/deployment/sealed-key-ids.sql');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const columns = await client.query<{ c: string }>(`select table_name || '.' || column_name as c from information_schema.columns where table_schema = 'public' and column_name like '%sealed%' order by 1`);
      expect(columns.rows.length).toBeGreaterThan(0);
      for (const { c } of columns.rows) {
        const [table, column] = c.split('.');
        expect(new RegExp(`${column}\\b[^\\n]*from ${table}\\b`).test(sql), `sealed-key-ids.sql reads ${c}`).toBe(true);
      }
      expect((await client.query(sql)).fields.map((f) => f.name)).toEqual(['key_id', 'sealed_values']);
      const sealed = createSecretBox((await loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: keys }))!).seal('x', 'aad');
      expect((await client.query<{ id: string }>(`select split_part($1, '.', 2) as id`, [sealed])).rows[0]!.id).toBe('k1');
    } finally {
      await client.end();
    }
  });

  it('starts the ConfigMap config as the API, answering the probe paths; the Containerfile HEALTHCHECK passes, then fails once stopped', async () => {
    const { where, text, installedAt } = configs[1]!;
    const config = parseConfig(JSON.parse(text), { PORTICO_HOST: '127.0.0.1', PORTICO_PORT: '0' }, where);
    config.database.url = await createTestDatabase();
    const portico = await startPortico({ config, baseDir: inCheckout(installedAt), logger: collectingLogger().logger, role: 'api' });
    const port = new URL(portico.url!).port;
    let stopped = false;
    try {
      const paths = new Set(workloads.flatMap((o) => podsOf(o).containers.flatMap((c) => [c.startupProbe, c.readinessProbe, c.livenessProbe].map((p) => p?.httpGet?.path))).filter((p) => p !== undefined));
      for (const path of paths) expect((await fetch(`${portico.url}${path}`)).status, `GET ${path}`).toBe(200);
      const ready = (await (await fetch(`${portico.url}/readyz`)).json()) as { checks?: Record<string, string> };
      expect(Object.keys(ready.checks ?? {}), 'readiness checks its dependencies').toEqual(expect.arrayContaining(['database', 'jobs', 'routeTable']));
      const healthcheck = /CMD (\[.*\])$/.exec(instruction('HEALTHCHECK')[0] ?? '')?.[1];
      expect(healthcheck, 'HEALTHCHECK in exec form').toContain('/readyz');
      expect(await run(execForm(healthcheck!), { PORTICO_PORT: port }), 'HEALTHCHECK while ready').toMatchObject({ code: 0 });
      stopped = true;
      await portico.stop();
      expect((await run(execForm(healthcheck!), { PORTICO_PORT: port })).code, 'HEALTHCHECK once stopped').toBe(1);
    } finally {
      if (!stopped) await portico.stop();
    }
  });

  it('starts the systemd config: its plugins load from the installation folder and its edges check out', async () => {
    const { where, text, installedAt } = configs[0]!;
    const config = parseConfig(JSON.parse(text), {}, where);
    config.database.url = await createTestDatabase();
    const portico = await startPortico({ config, baseDir: inCheckout(installedAt), logger: collectingLogger().logger, role: 'cli' });
    await portico.stop();
  });
});

// ── docs/deployment.md ─────────────────────────────────────────────────────────────────────────────────────────

/** Backticked words in the doc that look like environment variables but are not ones (signals, SQL, other tools'). */
const NOT_ENV_VARS = new Set(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'LISTEN', 'NOTIFY', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD', 'USER', 'STOP_DEADLINE_MS', 'VERIFY_SLOTS', 'NOT_READY']);
/** GitHub's anchor for a heading. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replaceAll(' ', '-');

describe('docs/deployment.md', () => {
  const code = [...doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
  const ticks = [...doc.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

  it('is linked from the README, and its links lead to files that exist', () => {
    expect(read('README.md')).toContain('(docs/deployment.md)');
    const links = [...doc.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.filter((l) => !existsSync(resolve(REPO_ROOT, 'docs', l))), 'links to missing files').toEqual([]);
    const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));
    expect([...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!).filter((a) => !anchors.has(a)), 'links to missing headings').toEqual([]);
  });

  it('describes every file of docs/deployment/', () => {
    const files = filesUnder(DEPLOY).map((f) => relative(join(REPO_ROOT, 'docs'), f));
    expect(files.filter((f) => !doc.includes(f))).toEqual([]);
  });

  it('names only config fields the schema has', () => {
    const keys = new Set(Object.keys(unwrap(schemaRoot)._zod.def.shape ?? {}));
    const paths = ticks.filter((t) => /^[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*|\[\])+$/.test(t) && (keys.has(t.split(/[.[]/)[0]!) || /[A-Z]/.test(t)));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !configPathExists(p))).toEqual([]);
  });

  it('names only environment variables the server reads', () => {
    const named = [...ticks.filter((t) => /^[A-Z][A-Z0-9_]{2,}$/.test(t)), ...[...code.matchAll(/(?<![\w-])([A-Z][A-Z0-9_]{2,})=/g)].map((m) => m[1]!)];
    expect(unknownEnv(new Set(named.filter((n) => !NOT_ENV_VARS.has(n)))), 'not read by Portico (add real non-variables to NOT_ENV_VARS)').toEqual([]);
  });

  it("runs Portico's commands only with its roles, commands and flags", () => {
    const problems: string[] = [];
    const commands = [
      { marker: 'core/server/src/main.ts', flags: MAIN_FLAGS },
      { marker: 'core/server/src/cli.ts', flags: [...CLI_FLAGS, ...MAIN_FLAGS] },
      { marker: 'npm run portico --', flags: [...CLI_FLAGS] },
      { marker: 'docs/deployment/migrate.ts', flags: MIGRATE_FLAGS },
      { marker: 'portico:0.1.0', flags: [...CLI_FLAGS, ...MAIN_FLAGS] },
    ];
    for (const line of [...code.split('\n'), ...ticks]) {
      for (const { marker, flags } of commands) {
        const at = line.indexOf(marker);
        if (at === -1) continue;
        const rest = REQUIRED_NODE_OPTIONS.reduce((text, option) => text.replaceAll(option, ''), line.slice(at + marker.length).replace(/\s#.*$/, ''));
        for (const [, flag] of rest.matchAll(/(?:^|\s)--([a-z][a-z-]*)/g)) if (!flags.includes(flag!)) problems.push(`${line.trim()}: --${flag}`);
        const role = /--role\s+(\w+)/.exec(rest)?.[1];
        if (role && !ROLES.includes(role)) problems.push(`${line.trim()}: role ${role}`);
        const command = /^\s+([a-z]+(?: [a-z][a-z-]*)?)(?=\s|$)/.exec(rest)?.[1];
        if (marker !== 'core/server/src/main.ts' && marker !== 'docs/deployment/migrate.ts' && command && !CLI_COMMANDS.has(command) && !CLI_COMMANDS.has(command.split(' ')[0]!)) problems.push(`${line.trim()}: command ${command}`);
      }
    }
    for (const line of [...code.split('\n'), ...ticks]) {
      for (const m of line.matchAll(/\bnode((?:\s+--?[\w-]+(?:=\S+)?)*)\s+((?:core|docs)\/\S+\.ts)/g)) {
        const missing = missingNodeOptions(['node', ...m[1]!.trim().split(/\s+/).filter(Boolean), m[2]!]);
        if (missing.length > 0) problems.push(`${line.trim()}: lacks ${missing.join(' ')}`);
      }
    }
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    for (const [, script] of doc.matchAll(/npm run ([a-z][\w:-]*)/g)) if (!scripts.includes(script!)) problems.push(`npm run ${script}: no such script`);
    expect(problems).toEqual([]);
  });
});
