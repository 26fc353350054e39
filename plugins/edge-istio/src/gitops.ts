/**
 * GitOps delivery (seed 001): one YAML file per tenant under a directory of a git work tree, a commit per tenant
 * whose file changed, files of tenants with nothing live pruned, and optionally `kubectl apply`. Only the `git`
 * (and `kubectl`) CLIs, through execFile with bounded timeouts.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { GENERATED_HEADER } from './yaml.ts';

export interface GitOpsOptions {
  /** The git work tree (a clone of the GitOps repository). */
  workTree: string;
  /** Directory inside the work tree holding `<tenant>.yaml`. */
  directory: string;
  author: { name: string; email: string };
  /** Longest wait for one git / kubectl call. */
  timeoutMs: number;
  /** Run `kubectl apply -f <file>` for every changed file after committing. */
  kubectl?: { command: string; args: string[] };
}

export interface GitOpsResult {
  /** `committed`: at least one commit; `unchanged`: nothing to do; `dry-run`: nothing written. */
  status: 'committed' | 'unchanged' | 'dry-run';
  /** The last commit made (`status: committed`). */
  commit?: string;
  /** Tenants whose file was written, and tenants whose file was pruned. */
  written: string[];
  pruned: string[];
  /** Unified diff of what changes (dry runs), `''` when nothing does. */
  diff: string;
}

interface Run {
  stdout: string;
  code: number;
}

function run(command: string, args: string[], cwd: string, timeoutMs: number, env?: NodeJS.ProcessEnv, okCodes = [0]): Promise<Run> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (okCodes.includes(code)) done({ stdout, code });
      else fail(new Error(`${command} ${args.join(' ')} failed (${error?.code ?? code}): ${stderr.trim() || error?.message}`));
    });
  });
}

const fileOf = (tenant: string) => `${tenant}.yaml`;

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Files of this directory Portico wrote (they start with the header), by tenant. */
async function existingTenants(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ours: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.yaml')).sort()) {
    if ((await readOrUndefined(join(dir, name)))?.startsWith(GENERATED_HEADER)) ours.push(name.slice(0, -'.yaml'.length));
  }
  return ours;
}

/** `git diff --no-index` of old and new text, with paths shown relative to the work tree. */
async function diffOf(path: string, before: string | undefined, after: string | undefined, options: GitOpsOptions): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'portico-istio-diff-'));
  try {
    const a = join(scratch, 'a');
    const b = join(scratch, 'b');
    await writeFile(a, before ?? '');
    await writeFile(b, after ?? '');
    const { stdout } = await run('git', ['diff', '--no-index', '--no-color', '--', a, b], scratch, options.timeoutMs, undefined, [0, 1]);
    const shown = relative(options.workTree, path);
    return stdout.replaceAll(`a${a}`, `a/${shown}`).replaceAll(`b${b}`, `b/${shown}`).replace(/^diff --git .*$/m, `diff --git a/${shown} b/${shown}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Make the directory hold exactly `files` (tenant → YAML text): write changed files (temp file + rename), delete
 * Portico's files of other tenants, and commit each tenant's change on its own (`portico: <tenant>: …`). Commits
 * only what `git status --porcelain` reports as changed, so reconciling the same state twice commits nothing.
 */
export async function deliverGitOps(files: ReadonlyMap<string, string>, options: GitOpsOptions, dryRun = false): Promise<GitOpsResult> {
  const dir = resolve(options.workTree, options.directory);
  if (relative(options.workTree, dir).startsWith('..')) throw new Error(`directory ${options.directory} is outside the work tree`);
  const stale = (await existingTenants(dir)).filter((tenant) => !files.has(tenant));
  const changes: { tenant: string; path: string; before?: string; after?: string }[] = [];
  for (const [tenant, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(dir, fileOf(tenant));
    const before = await readOrUndefined(path);
    if (before !== text) changes.push({ tenant, path, ...(before === undefined ? {} : { before }), after: text });
  }
  for (const tenant of stale) {
    const path = join(dir, fileOf(tenant));
    changes.push({ tenant, path, before: (await readOrUndefined(path)) ?? '' });
  }

  if (dryRun) {
    const diffs = await Promise.all(changes.map((c) => diffOf(c.path, c.before, c.after, options)));
    return { status: 'dry-run', written: changes.filter((c) => c.after !== undefined).map((c) => c.tenant), pruned: stale, diff: diffs.join('') };
  }

  const git = (args: string[]) => run('git', args, options.workTree, options.timeoutMs, gitEnv(options));
  await mkdir(dir, { recursive: true });
  let commit: string | undefined;
  const written: string[] = [];
  for (const change of changes) {
    const rel = relative(options.workTree, change.path);
    if (change.after === undefined) await rm(change.path, { force: true });
    else {
      await writeFile(`${change.path}.tmp`, change.after);
      await rename(`${change.path}.tmp`, change.path);
      written.push(change.tenant);
    }
    await git(['add', '--all', '--', rel]);
    const { stdout } = await git(['status', '--porcelain', '--', rel]);
    if (stdout.trim() === '') continue;
    const what = change.after === undefined ? 'prune (nothing live)' : change.before === undefined ? 'add' : 'update';
    await git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', `portico: ${change.tenant}: ${what}`, '--', rel]);
    commit = (await git(['rev-parse', 'HEAD'])).stdout.trim();
    if (options.kubectl && change.after !== undefined) {
      await run(options.kubectl.command, [...options.kubectl.args, 'apply', '-f', change.path], options.workTree, options.timeoutMs);
    }
  }
  return { status: commit === undefined ? 'unchanged' : 'committed', ...(commit === undefined ? {} : { commit }), written, pruned: stale, diff: '' };
}

function gitEnv(options: GitOpsOptions): NodeJS.ProcessEnv {
  const { name, email } = options.author;
  return { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
}
