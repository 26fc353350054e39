import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { USAGE } from '../src/cli.ts';
import { configSchema } from '../src/config/schema.ts';
import { REPO_ROOT } from './helpers.ts';

// What the files of docs/deployment/ and docs/deployment.md say, parsed once for the deployment tests
// (deployment-*.test.ts), and the facts of the code they are checked against.
export const DEPLOY = join(REPO_ROOT, 'docs/deployment');
export const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

/** Where the files install Portico (the systemd units, the image's WORKDIR), and where that is in this checkout. */
export const INSTALL_ROOTS = ['/opt/portico', '/app'];
export function inCheckout(path: string): string {
  const root = INSTALL_ROOTS.find((r) => path === r || path.startsWith(`${r}/`));
  if (!root) throw new Error(`${path} is not under an installation folder (${INSTALL_ROOTS.join(', ')})`);
  return join(REPO_ROOT, path.slice(root.length));
}

// ── What the server accepts, read from its code ────────────────────────────────────────────────────────────────

export const mainSource = read('core/server/src/main.ts');
/** `node core/server/src/main.ts` options (its parseArgs call). */
export const MAIN_FLAGS = [...(/parseArgs\(\{ options: \{(.*)\} \}\)/.exec(mainSource)?.[1] ?? '').matchAll(/(\w+): \{ type:/g)].map((m) => m[1]!);
export const ROLES = [...(/\[((?:'\w+',?\s*)+)\]\.includes\(role\)/.exec(mainSource)?.[1] ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]!);
export const STOP_DEADLINE_S = Number((/STOP_DEADLINE_MS = ([\d_]+)/.exec(mainSource)?.[1] ?? 'NaN').replaceAll('_', '')) / 1000;
export const CLI_FLAGS = new Set([...USAGE.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));
export const CLI_COMMANDS = new Set([...USAGE.matchAll(/^ {2}([a-z]+(?: [a-z-]+)?)(?= |$)/gm)].map((m) => m[1]!));
export const MIGRATE_FLAGS = ['list', 'config'];

/** Environment variables the server reads: `process.env.X`, `env.X`, `env[CONST]`, and the config overrides' names. */
export const SERVER_ENV = (() => {
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
export const SECRET_PREFIX = 'PORTICO_SECRET_';
export const readsSecretVariables = read('core/server/src/runtime.ts').includes('`PORTICO_SECRET_${');
export function unknownEnv(names: Iterable<string>): string[] {
  return [...names].filter((n) => !SERVER_ENV.has(n) && !(readsSecretVariables && n.startsWith(SECRET_PREFIX) && n.length > SECRET_PREFIX.length));
}

/** A config path (`routeTable.checkIntervalSeconds`, `edges[].probe`) exists in the zod schema; records take any key. */
export interface ZodNode {
  _zod: { def: { type: string; innerType?: ZodNode; in?: ZodNode; shape?: Record<string, ZodNode>; element?: ZodNode } };
}
export function unwrap(node: ZodNode): ZodNode {
  for (;;) {
    const def = node._zod.def;
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe' && def.in) node = def.in;
    else return node;
  }
}
export const schemaRoot = configSchema as unknown as ZodNode;
export function configPathExists(path: string): boolean {
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
export function unknownConfigKeys(value: unknown, node: ZodNode = schemaRoot, path = ''): string[] {
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
export function run(argv: string[], env: Record<string, string>, cwd = REPO_ROOT): Promise<{ code: number | null; output: string }> {
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
export async function porticoRefusal(argv: string[]): Promise<string | undefined> {
  const { output } = await run(argv, { PORTICO_CONFIG: '/nonexistent/portico.config.json' });
  return output.includes('Config file not found') ? undefined : output.trim().split('\n').slice(0, 3).join(' | ');
}

// ── The files ──────────────────────────────────────────────────────────────────────────────────────────────────

export interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
export interface Probe { httpGet?: { path: string; port: string | number } }
export interface Container {
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
export interface PodSpec {
  containers: Container[];
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number };
  volumes?: Array<{ name: string; configMap?: { name: string } }>;
}
export interface K8sObject {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; labels?: Record<string, string> };
  spec?: { selector?: Record<string, unknown>; template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec }; ports?: Array<{ port: number; targetPort?: string | number }> };
  data?: Record<string, string>;
}
export const nameOf = (o: K8sObject) => `${o.kind} ${o.metadata.name ?? `${o.metadata.generateName}*`} (${o.file})`;

export const manifestFiles = filesUnder(join(DEPLOY, 'kubernetes')).filter((f) => /\.ya?ml$/.test(f));
export const objects: K8sObject[] = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${relative(REPO_ROOT, file)}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    return value === null ? [] : [{ ...(value as Omit<K8sObject, 'file'>), file: relative(REPO_ROOT, file) }];
  }),
);
export const workloads = objects.filter((o) => o.spec?.template?.spec);
export const podsOf = (o: K8sObject) => o.spec!.template!.spec;

/** The Containerfile's instructions, continuation lines joined, comments dropped. */
export const containerfileText = read('docs/deployment/Containerfile');
export const instructions = containerfileText
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => ({ op: l.split(/\s+/)[0]!.toUpperCase(), rest: l.slice(l.split(/\s+/)[0]!.length).trim() }));
export const instruction = (op: string) => instructions.filter((i) => i.op === op).map((i) => i.rest);
export const execForm = (text: string) => JSON.parse(text) as string[];
export const imageEnv = Object.fromEntries(instruction('ENV').flatMap((rest) => [...rest.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));
export const ENTRYPOINT = execForm(instruction('ENTRYPOINT')[0] ?? '[]');
export const CMD = execForm(instruction('CMD')[0] ?? '[]');
export const [uid, gid] = (instruction('USER')[0] ?? '').split(':').map(Number);

/** What a container runs, as Kubernetes combines it with the image: command replaces ENTRYPOINT, args replace CMD. */
export const argvOf = (c: Container) => (c.command ? [...c.command, ...(c.args ?? [])] : [...ENTRYPOINT, ...(c.args ?? CMD)]);
export const roleOf = (argv: string[]) => (argv.includes('--role') ? argv[argv.indexOf('--role') + 1] : undefined);
/** `node [options] script [args]`: the parts of a command line that starts Node. */
export function nodeCommand(argv: string[]): { options: string[]; script: string; args: string[] } {
  const at = argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
  return { options: argv.slice(1, at), script: argv[at] ?? '', args: argv.slice(at + 1) };
}
/**
 * The Node options the repository runs its own TypeScript with (.npmrc's node-options, which npm hands every script,
 * and those of the start script): a command that starts Portico without npm must give them itself.
 */
export const REQUIRED_NODE_OPTIONS = (() => {
  const npmrc = existsSync(join(REPO_ROOT, '.npmrc')) ? (/^node-options=(.*)$/m.exec(read('.npmrc'))?.[1] ?? '') : '';
  const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.replace(/^exec /, '').split(/\s+/);
  return [...new Set([...npmrc.split(/\s+/).filter(Boolean), ...nodeCommand(start).options])];
})();
export const missingNodeOptions = (argv: string[]) => REQUIRED_NODE_OPTIONS.filter((o) => !nodeCommand(argv).options.includes(o));
export const envOf = (c: Container) => ({ ...imageEnv, ...Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])) });

/** systemd unit files: section → key → values (a key may repeat). */
export function parseUnit(text: string): Record<string, Record<string, string[]>> {
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
export const unitFiles = readdirSync(join(DEPLOY, 'systemd')).filter((f) => f.endsWith('.service'));
export const units = unitFiles.map((file) => ({ file, unit: parseUnit(read(`docs/deployment/systemd/${file}`)) }));
export const unitEnv = (service: Record<string, string[]>) => Object.fromEntries((service.Environment ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
export const envFileNames = (text: string) => [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

export const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.data && Object.keys(o.data).some((k) => k.endsWith('.json')));
export const configs = [
  { where: 'docs/deployment/systemd/portico.config.json', text: read('docs/deployment/systemd/portico.config.json'), installedAt: '/opt/portico/config' },
  ...(configMap ? [{ where: `${nameOf(configMap)}`, text: Object.values(configMap.data!)[0]!, installedAt: dirname(imageEnv.PORTICO_CONFIG ?? '/app/config/x') }] : []),
];

export const doc = read('docs/deployment.md');
