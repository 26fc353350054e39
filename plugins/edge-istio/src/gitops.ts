/**
 * GitOps delivery: one YAML file per tenant under a directory of a git work tree, a commit per tenant
 * whose file changed, files of tenants with nothing live pruned, then optionally `kubectl apply` and `git push`.
 * Only the `git` and `kubectl` CLIs (exec.ts: execFile, bounded timeouts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { unifiedDiff } from '@portico/kernel';
import { MANAGED_BY, TENANT_LABEL, tenantLabel, type TenantManifests } from './render.ts';
import { CommandError, run } from './exec.ts';
import { GENERATED_HEADER, toYamlStream } from './yaml.ts';

export interface GitOpsOptions {
  /** The git work tree (a clone of the GitOps repository). */
  workTree: string;
  /** Directory inside the work tree holding `<tenant>.yaml`. */
  directory: string;
  author: { name: string; email: string };
  /** Longest wait for one git / kubectl call. */
  timeoutMs: number;
  /** `git push <remote> HEAD[:<branch>]` after committing. */
  push?: { remote: string; branch?: string };
  kubectl?: KubectlOptions;
}

export interface KubectlOptions {
  command: string;
  /** Put before the subcommand (`--kubeconfig`, `--token`, …). */
  args: string[];
  context?: string;
  /** `--prune-allowlist` entries (`group/version/Kind`): every kind the renderer can write (RENDERED_KINDS). */
  pruneAllowlist: readonly string[];
}

export interface TenantChange {
  tenant: string;
  /** Path relative to the work tree. */
  file: string;
  change: 'add' | 'update' | 'prune';
  /** The commit made for it (absent in a dry run; a rebase before pushing gives it a new id, see `head`). */
  commit?: string;
}

export interface GitOpsResult {
  /** `committed`: at least one commit; `unchanged`: nothing to do; `dry-run`: nothing written. */
  status: 'committed' | 'unchanged' | 'dry-run';
  /** HEAD afterwards (absent in a repository without commits). */
  head?: string;
  /** One entry per tenant whose file changed (or would change), in tenant order. */
  changes: TenantChange[];
  /** Tenants applied (or deleted) with kubectl. */
  applied: string[];
  pushed: boolean;
  /** Unified diff of what changes (dry runs), `''` otherwise or when nothing does. */
  diff: string;
}

/** GitOps delivery failed after part of it was done (commits stay); `tenants`: those whose kubectl call failed or was not tried. */
export class GitOpsError extends Error {
  readonly tenants: string[];
  constructor(message: string, tenants: string[]) {
    super(message);
    this.name = 'GitOpsError';
    this.tenants = tenants;
  }
}

const TENANT = /^[a-z0-9_][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
/**
 * Tenants committed but not yet applied, one file per tenant directory: two edges may share a work tree (one
 * directory and one cluster each), and one edge's retries must never be applied by the other's kubectl.
 */
const pendingFileOf = (relDir: string) => `portico-edge-istio-kubectl-${createHash('sha256').update(relDir.split(sep).join('/')).digest('hex').slice(0, 12)}.json`;

/** The file of a tenant: `<tenant>.yaml`. Refuses names that could leave the directory. */
export function fileOf(tenant: string): string {
  if (!TENANT.test(tenant)) throw new TypeError(`"${tenant}" is not a tenant file name ([a-z0-9_-] and single dots)`);
  return `${tenant}.yaml`;
}

/**
 * Remembers each tenant's YAML by the JSON of its objects. Serialising YAML is most of a reconcile's time with many
 * tenants (see perf/README.md) while a routing change touches one tenant: with a cache, only changed tenants are
 * serialised again. The JSON key makes a hit exact, never stale; the same array as last time (objects are never
 * changed once rendered) is a hit without even the JSON.
 */
export type TenantFileCache = Map<string, { objects?: readonly unknown[]; json: string; text: string }>;

/** The GitOps files of rendered manifests: tenant → YAML text. Tenants gone from `manifests` leave the cache. */
export function tenantFiles(manifests: readonly TenantManifests[], cache?: TenantFileCache): Map<string, string> {
  const files = new Map<string, string>();
  for (const { tenant, objects } of manifests) {
    if (!cache) {
      files.set(tenant, toYamlStream(objects));
      continue;
    }
    let entry = cache.get(tenant);
    // The very array of last time (a kept render hands over the same array for a tenant it did not touch): its text.
    if (entry?.objects !== objects) {
      const json = JSON.stringify(objects);
      if (entry?.json === json) entry.objects = objects;
      else cache.set(tenant, (entry = { objects, json, text: toYamlStream(objects) }));
    }
    files.set(tenant, entry.text);
  }
  if (cache) for (const tenant of cache.keys()) if (!files.has(tenant)) cache.delete(tenant);
  return files;
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Files of the directory Portico wrote (they start with the header), by tenant. */
async function existingFiles(dir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const ours = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith('.yaml')).sort()) {
    const tenant = name.slice(0, -'.yaml'.length);
    const text = TENANT.test(tenant) ? await readOrUndefined(join(dir, name)) : undefined;
    if (text?.startsWith(GENERATED_HEADER)) ours.set(tenant, text);
  }
  return ours;
}

/** Temp file in the same directory, then rename: readers never see half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.portico.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

interface Change {
  tenant: string;
  path: string;
  rel: string;
  before?: string;
  after?: string;
}

/** The unified diff of one file's change, its path relative to the work tree (`diff --git` header, as git shows it). */
function diffOf(change: Change): string {
  const body = unifiedDiff(change.rel, change.before, change.after);
  const mode = change.before === undefined ? 'new file mode 100644\n' : change.after === undefined ? 'deleted file mode 100644\n' : '';
  return body === '' ? '' : `diff --git a/${change.rel} b/${change.rel}\n${mode}${body}`;
}

const locks = new Map<string, Promise<unknown>>();

/** One delivery at a time per work tree in this process: git's index lock would refuse the second. */
function exclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
  const next = (locks.get(key) ?? Promise.resolve()).then(task, task);
  const settled = next.catch(() => undefined);
  locks.set(key, settled);
  void settled.then(() => locks.get(key) === settled && locks.delete(key));
  return next;
}

/**
 * Make the directory hold exactly `files` (tenant → YAML text): write changed files atomically, delete Portico's
 * files of other tenants, and commit each tenant's change on its own (`portico: <tenant>: add|update|prune`),
 * with a pathspec so nothing else in the work tree is committed. Reconciling the same state twice commits
 * nothing and leaves the files byte for byte as they were. With `dryRun`, returns the diff and touches nothing.
 * Throws a `GitOpsError` naming the tenants whose kubectl call failed (after committing; the next delivery
 * retries them), and when pushing fails.
 */
export function deliverGitOps(files: ReadonlyMap<string, string>, options: GitOpsOptions, dryRun = false): Promise<GitOpsResult> {
  const workTree = resolve(options.workTree);
  return exclusive(workTree, () => deliver(files, { ...options, workTree }, dryRun));
}

async function deliver(files: ReadonlyMap<string, string>, options: GitOpsOptions, dryRun: boolean): Promise<GitOpsResult> {
  const { workTree, timeoutMs } = options;
  const dir = resolve(workTree, options.directory);
  const relDir = relative(workTree, dir);
  if (relDir === '..' || relDir.startsWith(`..${sep}`) || isAbsolute(relDir)) throw new TypeError(`directory ${options.directory} is outside the work tree`);
  const git = (args: string[], okCodes?: number[], label = `git ${args[0]}`) => run('git', args, { cwd: workTree, timeoutMs, env: gitEnv(options), label, ...(okCodes ? { okCodes } : {}) });

  const existing = await existingFiles(dir);
  const changes: Change[] = [];
  for (const [tenant, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(dir, fileOf(tenant));
    const before = existing.get(tenant) ?? (await readOrUndefined(path));
    if (before !== undefined && !existing.has(tenant)) throw new Error(`${relative(workTree, path)} was not written by Portico (no generated header); move it away`);
    if (before !== text) changes.push({ tenant, path, rel: relative(workTree, path), ...(before === undefined ? {} : { before }), after: text });
  }
  for (const [tenant, before] of existing) {
    if (!files.has(tenant)) changes.push({ tenant, path: join(dir, fileOf(tenant)), rel: relative(workTree, join(dir, fileOf(tenant))), before });
  }
  changes.sort((a, b) => (a.tenant < b.tenant ? -1 : 1));

  if (dryRun) {
    const diffs = changes.map(diffOf);
    return { status: 'dry-run', changes: changes.map((c) => ({ tenant: c.tenant, file: c.rel, change: c.after === undefined ? 'prune' : c.before === undefined ? 'add' : 'update' })), applied: [], pushed: false, diff: diffs.join('') };
  }

  // What an interrupted delivery left written but uncommitted is committed now. Git prints paths from the root.
  const prefix = (await git(['rev-parse', '--show-prefix'])).stdout.trim();
  const full = (rel: string) => prefix + rel.split(sep).join('/');
  const { stdout: dirty } = await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', relDir || '.']);
  const entries = dirty.split('\0').filter((e) => e.length > 3);
  const hasHead = (await git(['rev-parse', '--quiet', '--verify', 'HEAD'], [0, 1])).code === 0;
  for (const [tenant, text] of files) {
    const path = join(dir, fileOf(tenant));
    const rel = relative(workTree, path);
    if (entries.some((e) => e.slice(3) === full(rel)) && !changes.some((c) => c.tenant === tenant)) changes.push({ tenant, path, rel, before: text, after: text });
  }
  for (const entry of entries.filter((e) => e.slice(0, 2).includes('D'))) {
    // A prune whose commit did not happen: the file is gone, HEAD still has it (with the header).
    const path = resolve(workTree, entry.slice(3 + prefix.length));
    const tenant = relative(dir, path).replace(/\.yaml$/, '');
    if (!hasHead || dirname(path) !== dir || !path.endsWith('.yaml') || !TENANT.test(tenant) || files.has(tenant) || existing.has(tenant)) continue;
    const { stdout: before } = await git(['show', `HEAD:${entry.slice(3)}`]);
    if (before.startsWith(GENERATED_HEADER)) changes.push({ tenant, path, rel: relative(workTree, path), before });
  }
  changes.sort((a, b) => (a.tenant < b.tenant ? -1 : 1));

  const inHead = new Set(hasHead ? (await git(['ls-tree', '-r', '--full-name', '--name-only', '-z', 'HEAD', '--', relDir || '.'])).stdout.split('\0').filter(Boolean) : []);
  const pendingPath = resolve(workTree, (await git(['rev-parse', '--git-path', pendingFileOf(relDir)])).stdout.trim());
  const pending = await readPending(pendingPath);

  await mkdir(dir, { recursive: true });
  const made: TenantChange[] = [];
  for (const change of changes) {
    if (change.after === undefined) {
      await rm(change.path, { force: true });
      // Unstages the file if git knows it; a file git never knew is simply gone.
      await git(['rm', '--cached', '--quiet', '--ignore-unmatch', '--', change.rel]);
    } else {
      if (change.after !== change.before) await writeAtomic(change.path, change.after);
      await git(['add', '--', change.rel]);
    }
    if ((await git(['diff', '--cached', '--quiet', '--', change.rel], [0, 1])).code === 0) continue;
    const kind = change.after === undefined ? 'prune' : inHead.has(full(change.rel)) ? 'update' : 'add';
    if (options.kubectl) {
      pending[change.tenant] = change.after === undefined ? { action: 'delete', text: change.before ?? '' } : { action: 'apply' };
      await writePending(pendingPath, pending);
    }
    const subject = `portico: ${change.tenant}: ${kind === 'prune' ? 'prune (no live domain left)' : kind}`;
    const body = kind === 'prune' ? `Removes ${change.rel}.` : `${kind === 'add' ? 'Adds' : 'Updates'} ${change.rel} (${countObjects(change.after ?? '')} objects).`;
    await git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', subject, '-m', body, '--', change.rel]);
    made.push({ tenant: change.tenant, file: change.rel, change: kind, commit: (await git(['rev-parse', 'HEAD'])).stdout.trim() });
  }

  const failed: string[] = [];
  const messages: string[] = [];
  const applied: string[] = [];
  if (options.kubectl) {
    const tenants = Object.keys(pending).sort();
    for (const [i, tenant] of tenants.entries()) {
      try {
        await kubectl(options.kubectl, tenant, pending[tenant]!, join(dir, fileOf(tenant)), options);
        applied.push(tenant);
        delete pending[tenant];
        await writePending(pendingPath, pending);
      } catch (error) {
        failed.push(tenant);
        messages.push(`kubectl for tenant ${tenant}: ${(error as Error).message}`);
        // A refused file is that tenant's problem; a hang is the cluster's: do not wait once per tenant.
        if (error instanceof CommandError && error.timedOut && i < tenants.length - 1) {
          failed.push(...tenants.slice(i + 1));
          messages.push(`kubectl not tried for ${tenants.slice(i + 1).join(', ')}`);
          break;
        }
      }
    }
  }

  let pushed = false;
  if (options.push) {
    try {
      pushed = await push(options.push, git, made.length > 0);
    } catch (error) {
      messages.push(`git push: ${(error as Error).message}`);
    }
  }
  if (messages.length > 0) throw new GitOpsError(`GitOps delivery incomplete (commits kept, retried next time): ${messages.join('; ')}`, failed);
  const head = hasHead || made.length > 0 ? (await git(['rev-parse', 'HEAD'])).stdout.trim() : undefined;
  return { status: made.length > 0 ? 'committed' : 'unchanged', ...(head === undefined ? {} : { head }), changes: made, applied, pushed, diff: '' };
}

const countObjects = (text: string) => text.split('\n').filter((line) => line === '---').length;

function gitEnv(options: GitOpsOptions): NodeJS.ProcessEnv {
  const { name, email } = options.author;
  // LC_ALL: git's messages are parsed (push rejections); GIT_TERMINAL_PROMPT: never wait for a password.
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
}

// ---------------------------------------------------------------------------------------------------------
// kubectl
// ---------------------------------------------------------------------------------------------------------

type PendingAction = { action: 'apply' } | { action: 'delete'; text: string };

/** Tenants committed but not yet applied, kept in the git directory (never committed) so retries find them. */
async function readPending(path: string): Promise<Record<string, PendingAction>> {
  const text = await readOrUndefined(path);
  return text === undefined ? {} : (JSON.parse(text) as { tenants: Record<string, PendingAction> }).tenants;
}

async function writePending(path: string, tenants: Record<string, PendingAction>): Promise<void> {
  if (Object.keys(tenants).length === 0) await rm(path, { force: true });
  else await writeAtomic(path, `${JSON.stringify({ tenants }, null, 2)}\n`);
}

/**
 * `kubectl apply --prune` of a tenant's file, selecting that tenant's objects, so objects of removed domains are
 * deleted too; a pruned tenant's old file text goes to `kubectl delete -f -`.
 */
async function kubectl(k: KubectlOptions, tenant: string, action: PendingAction, path: string, options: GitOpsOptions): Promise<void> {
  const global = [...k.args, ...(k.context === undefined ? [] : ['--context', k.context])];
  const run_ = (args: string[], input?: string) => run(k.command, [...global, ...args], { cwd: options.workTree, timeoutMs: options.timeoutMs, label: `kubectl ${args[0]}`, ...(input === undefined ? {} : { input }) });
  if (action.action === 'delete') {
    await run_(['delete', '--ignore-not-found', '-f', '-'], action.text);
    return;
  }
  const selector = [...Object.entries(MANAGED_BY), [TENANT_LABEL, tenantLabel(tenant)]].map(([key, value]) => `${key}=${value}`).join(',');
  await run_(['apply', '-f', path, '--prune', '-l', selector, ...k.pruneAllowlist.map((kind) => `--prune-allowlist=${kind}`)]);
}

// ---------------------------------------------------------------------------------------------------------
// push
// ---------------------------------------------------------------------------------------------------------

type Git = (args: string[], okCodes?: number[], label?: string) => ReturnType<typeof run>;

/**
 * Push when something is not on the remote yet (a commit now, or one an earlier failed push left). A rejected
 * push (the remote moved on) fetches, rebases Portico's commits on top (`--autostash`) and pushes once more.
 */
async function push(target: { remote: string; branch?: string }, git: Git, committed: boolean): Promise<boolean> {
  const branch = target.branch ?? (await git(['symbolic-ref', '--short', '--quiet', 'HEAD'], [0, 1])).stdout.trim();
  if (!branch) throw new Error('HEAD is detached: set delivery.push.branch');
  const tracking = `refs/remotes/${target.remote}/${branch}`;
  if (!committed) {
    const known = (await git(['rev-parse', '--quiet', '--verify', tracking], [0, 1])).code === 0;
    if (known && (await git(['rev-list', '--count', `${tracking}..HEAD`])).stdout.trim() === '0') return false;
  }
  const refspec = target.branch === undefined ? 'HEAD' : `HEAD:${target.branch}`;
  try {
    await git(['push', '--quiet', target.remote, refspec]);
  } catch (error) {
    if (!(error instanceof CommandError) || !/\[rejected\]|non-fast-forward|fetch first/.test(error.stderr)) throw error;
    await git(['fetch', '--quiet', target.remote, branch]);
    try {
      await git(['-c', 'commit.gpgsign=false', 'rebase', '--quiet', '--autostash', 'FETCH_HEAD']);
    } catch (rebaseError) {
      await git(['rebase', '--abort'], [0, 128]);
      throw rebaseError;
    }
    await git(['push', '--quiet', target.remote, refspec]);
  }
  return true;
}
