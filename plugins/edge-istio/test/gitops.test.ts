/**
 * GitOps delivery against real git repositories in a temporary folder (git-repo.ts): commits only when
 * something changed, one per tenant, byte-identical files on a repeated reconcile, pruning, dry runs, pushes to
 * a bare remote, and kubectl (a fake: a shell script that logs its calls; never a cluster). The tests of one
 * `describe` share a repository and run in order, each starting from the state the previous one left.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Route } from '@portico/kernel';
import { EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverGitOps, GitOpsError, tenantFiles, type GitOpsOptions, type TenantFileCache } from '../src/gitops.ts';
import { RENDERED_KINDS, renderIstio } from '../src/render.ts';
import { GENERATED_HEADER } from '../src/yaml.ts';
import { renderOptionsFor } from './cases.ts';
import { createTestRepo, git, type TestRepo } from './git-repo.ts';

const routes = EDGE_FIXTURE_ROUTES as Route[];
const filesOf = (table: readonly Route[]) => tenantFiles(renderIstio(table, renderOptionsFor('istio')));
const ALL = ['_default.yaml', 'acme.docs.yaml', 'acme.storefront.yaml', 'globex.portal.yaml'];

const optionsFor = (repo: TestRepo, more: Partial<GitOpsOptions> = {}): GitOpsOptions => ({
  workTree: repo.workTree,
  directory: 'portico',
  author: { name: 'Portico', email: 'portico@localhost' },
  timeoutMs: 30_000,
  ...more,
});
const subjects = (repo: TestRepo, range: string) => repo.git('log', '--format=%s', '--reverse', range).split('\n').filter(Boolean);

describe('deliverGitOps: commits, idempotence, pruning', () => {
  let repo: TestRepo;
  let initial: string;
  beforeAll(() => {
    repo = createTestRepo();
    initial = repo.git('rev-parse', 'HEAD');
  });
  afterAll(() => repo.remove());

  it('first reconcile: one commit per tenant, named after it, by Portico, containing only its file', async () => {
    const result = await deliverGitOps(filesOf(routes), optionsFor(repo));
    expect(result.status).toBe('committed');
    expect(result.changes.map((c) => [c.tenant, c.change])).toEqual([
      ['_default', 'add'],
      ['acme.docs', 'add'],
      ['acme.storefront', 'add'],
      ['globex.portal', 'add'],
    ]);
    expect(subjects(repo, `${initial}..HEAD`)).toEqual(['portico: _default: add', 'portico: acme.docs: add', 'portico: acme.storefront: add', 'portico: globex.portal: add']);
    expect(repo.git('log', '-1', '--format=%an <%ae>')).toBe('Portico <portico@localhost>');
    expect(repo.git('show', '--name-only', '--format=', 'HEAD')).toBe('portico/globex.portal.yaml');
    expect(result.head).toBe(repo.git('rev-parse', 'HEAD'));
    expect(Object.keys(repo.files())).toEqual(ALL);
    expect(repo.files()['acme.storefront.yaml']).toBe(filesOf(routes).get('acme.storefront'));
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('a second reconcile of the same routes (in another order) makes no commit and leaves byte-identical files', async () => {
    const head = repo.git('rev-parse', 'HEAD');
    const bytes = ALL.map((name) => readFileSync(join(repo.workTree, 'portico', name)));
    const inodes = ALL.map((name) => statSync(join(repo.workTree, 'portico', name)).ino);
    const result = await deliverGitOps(filesOf([...routes].reverse()), optionsFor(repo));
    expect(result).toMatchObject({ status: 'unchanged', changes: [], head });
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    ALL.forEach((name, i) => expect(readFileSync(join(repo.workTree, 'portico', name)).equals(bytes[i]!)).toBe(true));
    // Not even rewritten: the same files on disk.
    expect(ALL.map((name) => statSync(join(repo.workTree, 'portico', name)).ino)).toEqual(inodes);
  });

  it('writes a changed file atomically: a new file replaces the old one (temp file + rename), no temp file left', async () => {
    const path = join(repo.workTree, 'portico', 'acme.docs.yaml');
    const before = statSync(path).ino;
    const changed = routes.map((r) => (r.basePath === '/keep' ? { ...r, upstream: { ...r.upstream, port: 3001 } } : r));
    const result = await deliverGitOps(filesOf(changed), optionsFor(repo));
    expect(result.changes.map((c) => `${c.tenant}:${c.change}`)).toEqual(['acme.docs:update']);
    expect(statSync(path).ino).not.toBe(before);
    expect(readFileSync(path, 'utf8')).toContain('number: 3001');
    expect(readdirSync(join(repo.workTree, 'portico')).sort()).toEqual(ALL);
    expect(subjects(repo, 'HEAD~1..HEAD')).toEqual(['portico: acme.docs: update']);
  });

  it("removing a domain removes its objects from the tenant's file", async () => {
    const without = routes.filter((r) => r.hostname !== 'www.brand.test');
    await deliverGitOps(filesOf(without), optionsFor(repo));
    const text = repo.files()['acme.storefront.yaml']!;
    expect(text).not.toContain('www.brand.test');
    expect(text).not.toContain('www-brand-test');
    expect(text).toContain('brand.test');
    expect(subjects(repo, 'HEAD~2..HEAD')).toEqual(['portico: acme.docs: update', 'portico: acme.storefront: update']);
    expect(repo.git('show', '--stat', '--format=%b', 'HEAD')).toContain('Updates portico/acme.storefront.yaml');
  });

  it("removing a tenant's last domain deletes its file in a prune commit; files without the header are never touched", async () => {
    mkdirSync(join(repo.workTree, 'portico'), { recursive: true });
    const notes = '# operator notes, not generated\nkind: ConfigMap\n';
    writeFileSync(join(repo.workTree, 'portico', 'notes.yaml'), notes);
    repo.git('add', 'portico/notes.yaml');
    repo.git('commit', '--quiet', '-m', 'operator: notes');
    const remaining = routes.filter((r) => r.tenant?.organization !== 'globex');
    const result = await deliverGitOps(filesOf(remaining), optionsFor(repo));
    expect(result.changes.map((c) => `${c.tenant}:${c.change}`)).toEqual(['acme.storefront:update', 'globex.portal:prune']);
    expect(Object.keys(repo.files())).toEqual(['_default.yaml', 'acme.docs.yaml', 'acme.storefront.yaml', 'notes.yaml']);
    expect(repo.files()['notes.yaml']).toBe(notes);
    expect(subjects(repo, 'HEAD~1..HEAD')).toEqual(['portico: globex.portal: prune (no live domain left)']);
    expect(repo.git('show', '--name-status', '--format=', 'HEAD')).toBe('D\tportico/globex.portal.yaml');
    // An empty route table prunes every Portico file, and still not the operator's.
    await deliverGitOps(new Map(), optionsFor(repo));
    expect(Object.keys(repo.files())).toEqual(['notes.yaml']);
  });

  it("refuses to overwrite a file at a tenant's path that Portico did not write", async () => {
    writeFileSync(join(repo.workTree, 'portico', 'acme.docs.yaml'), 'kind: Hand-written\n');
    const head = repo.git('rev-parse', 'HEAD');
    await expect(deliverGitOps(filesOf(routes), optionsFor(repo))).rejects.toThrow(/portico\/acme.docs.yaml was not written by Portico/);
    expect(readFileSync(join(repo.workTree, 'portico', 'acme.docs.yaml'), 'utf8')).toBe('kind: Hand-written\n');
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
  });
});

describe('deliverGitOps: the rest of the work tree', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });
  afterAll(() => repo.remove());

  it("commits only Portico's file: an operator's uncommitted edits and staged files elsewhere stay as they were", async () => {
    writeFileSync(join(repo.workTree, 'README.md'), '# cluster config\nedited, not committed\n');
    writeFileSync(join(repo.workTree, 'staged.txt'), 'staged by the operator\n');
    repo.git('add', 'staged.txt');
    const status = repo.git('status', '--porcelain');
    const result = await deliverGitOps(filesOf(routes), optionsFor(repo));
    expect(result.changes).toHaveLength(4);
    for (const change of result.changes) expect(repo.git('show', '--name-only', '--format=', change.commit!)).toBe(change.file);
    expect(repo.git('status', '--porcelain')).toBe(status);
    expect(readFileSync(join(repo.workTree, 'README.md'), 'utf8')).toContain('edited, not committed');
  });

  it('commits a file an interrupted delivery left written but uncommitted', async () => {
    const changed = routes.map((r) => (r.hostname === 'v6.example.test' ? { ...r, upstream: { ...r.upstream, port: 8001 } } : r));
    writeFileSync(join(repo.workTree, 'portico', '_default.yaml'), filesOf(changed).get('_default')!);
    const result = await deliverGitOps(filesOf(changed), optionsFor(repo));
    expect(result.changes.map((c) => `${c.tenant}:${c.change}`)).toEqual(['_default:update']);
    expect(repo.git('status', '--porcelain', '--', 'portico')).toBe('');
  });

  it('a dry run returns a unified diff and changes nothing', async () => {
    const head = repo.git('rev-parse', 'HEAD');
    const before = repo.files();
    const status = repo.git('status', '--porcelain');
    const fewer = routes.filter((r) => r.hostname !== 'docs.example.test');
    const moved = fewer.map((r) => (r.hostname === 'brand.test' ? { ...r, upstream: { ...r.upstream, port: 3333 } } : r));
    const result = await deliverGitOps(filesOf(moved), optionsFor(repo), true);
    expect(result.status).toBe('dry-run');
    expect(result.changes.map((c) => `${c.tenant}:${c.change}`)).toEqual(['_default:update', 'acme.docs:prune', 'acme.storefront:update']);
    expect(result.diff).toContain('diff --git a/portico/acme.storefront.yaml b/portico/acme.storefront.yaml');
    expect(result.diff).toContain('--- a/portico/acme.storefront.yaml\n+++ b/portico/acme.storefront.yaml\n@@');
    expect(result.diff).toMatch(/^-\s+number: 3000$/m);
    expect(result.diff).toMatch(/^\+\s+number: 3333$/m);
    expect(result.diff).toContain('deleted file mode');
    expect(result.diff).toContain('--- a/portico/acme.docs.yaml\n+++ /dev/null');
    expect(result.diff).toContain(`-${GENERATED_HEADER}`);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(repo.files()).toEqual(before);
    expect(repo.git('status', '--porcelain')).toBe(status);
    // Nothing to change: an empty diff.
    expect(await deliverGitOps(filesOf(routes.map((r) => (r.hostname === 'v6.example.test' ? { ...r, upstream: { ...r.upstream, port: 8001 } } : r))), optionsFor(repo), true)).toMatchObject({ changes: [], diff: '' });
  });

  it('a dry run of a new directory shows new files', async () => {
    const result = await deliverGitOps(filesOf(routes), optionsFor(repo, { directory: 'clusters/eu/portico' }), true);
    expect(result.changes.every((c) => c.change === 'add')).toBe(true);
    expect(result.diff).toContain('new file mode');
    expect(result.diff).toContain('--- /dev/null\n+++ b/clusters/eu/portico/acme.docs.yaml');
    expect(repo.files('clusters/eu/portico')).toEqual({});
  });

  it('prunes a Portico file git never knew without a commit', async () => {
    const head = repo.git('rev-parse', 'HEAD');
    writeFileSync(join(repo.workTree, 'portico', 'ghost.yaml'), `${GENERATED_HEADER}\n---\nkind: Gateway\n`);
    const current = routes.map((r) => (r.hostname === 'v6.example.test' ? { ...r, upstream: { ...r.upstream, port: 8001 } } : r));
    expect(await deliverGitOps(filesOf(current), optionsFor(repo))).toMatchObject({ status: 'unchanged', changes: [] });
    expect(Object.keys(repo.files())).toEqual(ALL);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
  });

  it('two deliveries at once both finish (one after the other)', async () => {
    const a = routes.map((r) => (r.hostname === 'brand.test' ? { ...r, upstream: { ...r.upstream, port: 4001 } } : r));
    const b = routes.map((r) => (r.hostname === 'brand.test' ? { ...r, upstream: { ...r.upstream, port: 4002 } } : r));
    const [first, second] = await Promise.all([deliverGitOps(filesOf(a), optionsFor(repo)), deliverGitOps(filesOf(b), optionsFor(repo))]);
    expect(first.status).toBe('committed');
    expect(second.status).toBe('committed');
    expect(repo.files()['acme.storefront.yaml']).toContain('number: 4002');
  });

  it('refuses a directory outside the work tree, and tenant names that are not file names', async () => {
    await expect(deliverGitOps(filesOf(routes), optionsFor(repo, { directory: '../elsewhere' }))).rejects.toThrow(/outside the work tree/);
    await expect(deliverGitOps(new Map([['../evil', 'x']]), optionsFor(repo))).rejects.toThrow(/not a tenant file name/);
  });
});

describe('deliverGitOps: a repository without commits', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });
  afterAll(() => repo.remove());

  it('makes the first commits of a fresh repository', async () => {
    const fresh = join(repo.root, 'fresh');
    git(repo.root, 'init', '--quiet', '-b', 'main', fresh);
    const result = await deliverGitOps(filesOf(routes), { ...optionsFor(repo), workTree: fresh });
    expect(result.changes).toHaveLength(4);
    expect(git(fresh, 'rev-list', '--count', 'HEAD')).toBe('4');
    expect(await deliverGitOps(new Map(), { ...optionsFor(repo), workTree: fresh, directory: 'other' })).toMatchObject({ status: 'unchanged', head: result.head });
  });
});

describe('deliverGitOps: push', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });
  afterAll(() => repo.remove());
  const remoteHead = () => git(repo.bare, 'rev-parse', 'refs/heads/main');

  it('pushes the commits to the remote, and nothing when nothing changed', async () => {
    const result = await deliverGitOps(filesOf(routes), optionsFor(repo, { push: { remote: 'origin' } }));
    expect(result.pushed).toBe(true);
    expect(remoteHead()).toBe(repo.git('rev-parse', 'HEAD'));
    expect((await deliverGitOps(filesOf(routes), optionsFor(repo, { push: { remote: 'origin' } }))).pushed).toBe(false);
  });

  it('pushes to a named branch', async () => {
    const result = await deliverGitOps(filesOf(routes.slice(1)), optionsFor(repo, { push: { remote: 'origin', branch: 'portico' } }));
    expect(result.pushed).toBe(true);
    expect(git(repo.bare, 'rev-parse', 'refs/heads/portico')).toBe(repo.git('rev-parse', 'HEAD'));
  });

  it('rebases onto commits another writer pushed, then pushes', async () => {
    const other = repo.clone('other');
    writeFileSync(join(other, 'apps.yaml'), 'kind: Namespace\n');
    git(other, 'add', 'apps.yaml');
    git(other, 'commit', '--quiet', '-m', 'operator: apps');
    git(other, 'push', '--quiet', 'origin', 'main');
    const theirs = git(other, 'rev-parse', 'HEAD');
    const result = await deliverGitOps(filesOf(routes.slice(2)), optionsFor(repo, { push: { remote: 'origin' } }));
    expect(result.pushed).toBe(true);
    expect(remoteHead()).toBe(repo.git('rev-parse', 'HEAD'));
    expect(repo.git('merge-base', '--is-ancestor', theirs, 'HEAD')).toBe('');
    // Rebased: the commit of the test before (pushed to branch portico only) and this one, on top of theirs.
    expect(subjects(repo, `${theirs}..HEAD`)).toEqual(['portico: acme.storefront: update', 'portico: acme.storefront: update']);
  });

  it('a failed push throws; the next delivery pushes what is still unpushed', async () => {
    repo.git('remote', 'set-url', 'origin', join(repo.root, 'missing.git'));
    await expect(deliverGitOps(filesOf(routes), optionsFor(repo, { push: { remote: 'origin' } }))).rejects.toThrow(/git push/);
    repo.git('remote', 'set-url', 'origin', repo.bare);
    const result = await deliverGitOps(filesOf(routes), optionsFor(repo, { push: { remote: 'origin' } }));
    expect(result).toMatchObject({ status: 'unchanged', pushed: true });
    expect(remoteHead()).toBe(repo.git('rev-parse', 'HEAD'));
  });
});

describe('deliverGitOps: kubectl (a fake that logs its calls)', () => {
  let repo: TestRepo;
  let kubectl: ReturnType<TestRepo['fakeKubectl']>;
  let options: GitOpsOptions;
  beforeAll(() => {
    repo = createTestRepo();
    kubectl = repo.fakeKubectl();
    options = optionsFor(repo, { kubectl: { command: kubectl.command, args: ['--kubeconfig', '/nowhere'], context: 'prod', pruneAllowlist: RENDERED_KINDS.istio } });
  });
  afterAll(() => repo.remove());

  it('applies each committed tenant file with --prune, selecting that tenant and allowing only the rendered kinds', async () => {
    const result = await deliverGitOps(filesOf(routes), options);
    expect(result.applied).toEqual(['_default', 'acme.docs', 'acme.storefront', 'globex.portal']);
    const allow = RENDERED_KINDS.istio.map((k) => `--prune-allowlist=${k}`).join(' ');
    expect(kubectl.calls()).toEqual([
      `--kubeconfig /nowhere --context prod apply -f ${join(repo.workTree, 'portico', '_default.yaml')} --prune -l app.kubernetes.io/managed-by=portico,portico.dev/tenant=default_3bf305731d ${allow}`,
      `--kubeconfig /nowhere --context prod apply -f ${join(repo.workTree, 'portico', 'acme.docs.yaml')} --prune -l app.kubernetes.io/managed-by=portico,portico.dev/tenant=acme.docs ${allow}`,
      `--kubeconfig /nowhere --context prod apply -f ${join(repo.workTree, 'portico', 'acme.storefront.yaml')} --prune -l app.kubernetes.io/managed-by=portico,portico.dev/tenant=acme.storefront ${allow}`,
      `--kubeconfig /nowhere --context prod apply -f ${join(repo.workTree, 'portico', 'globex.portal.yaml')} --prune -l app.kubernetes.io/managed-by=portico,portico.dev/tenant=globex.portal ${allow}`,
    ]);
    expect(filesOf(routes).get('_default')).toContain('portico.dev/tenant: default_3bf305731d');
  });

  it('calls kubectl for nothing when nothing changed', async () => {
    const count = kubectl.calls().length;
    expect((await deliverGitOps(filesOf(routes), options)).applied).toEqual([]);
    expect(kubectl.calls()).toHaveLength(count);
  });

  it("deletes a pruned tenant's objects with kubectl delete -f -, the old file on stdin", async () => {
    const old = repo.files()['globex.portal.yaml']!;
    const count = kubectl.calls().length;
    await deliverGitOps(filesOf(routes.filter((r) => r.tenant?.organization !== 'globex')), options);
    const [call] = kubectl.calls().slice(count);
    expect(call).toBe(`--kubeconfig /nowhere --context prod delete --ignore-not-found -f -\nstdin:\n${old}`.trim());
  });

  it('a kubectl failure throws an error naming the tenant after the commit, and the next delivery retries it', async () => {
    writeFileSync(kubectl.failWhen, 'acme.docs.yaml');
    const changed = routes.filter((r) => r.tenant?.organization !== 'globex').map((r) => (r.basePath === '/keep' ? { ...r, stripPath: true } : r));
    const head = repo.git('rev-parse', 'HEAD');
    const failure = await deliverGitOps(filesOf(changed), options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitOpsError);
    expect((failure as GitOpsError).tenants).toEqual(['acme.docs']);
    expect((failure as Error).message).toMatch(/kubectl for tenant acme\.docs: kubectl apply failed \(exit code 1\): error: the server refused acme\.docs\.yaml/);
    expect((failure as Error).message).not.toContain('/nowhere');
    expect(subjects(repo, `${head}..HEAD`)).toEqual(['portico: acme.docs: update']);
    // Still failing: retried, still named; nothing new committed.
    const again = await deliverGitOps(filesOf(changed), options).catch((error: unknown) => error);
    expect((again as GitOpsError).tenants).toEqual(['acme.docs']);
    writeFileSync(kubectl.failWhen, 'nothing-matches-this');
    const count = kubectl.calls().length;
    const result = await deliverGitOps(filesOf(changed), options);
    expect(result).toMatchObject({ status: 'unchanged', applied: ['acme.docs'] });
    expect(kubectl.calls().slice(count)).toHaveLength(1);
    expect((await deliverGitOps(filesOf(changed), options)).applied).toEqual([]);
  });

  it('bounds every call: a kubectl that hangs is killed and reported, the other tenants left for the next delivery', async () => {
    const slow = join(repo.root, 'slow-kubectl');
    writeFileSync(slow, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(slow, 0o755);
    const changed = routes.map((r) => (r.hostname === 'v6.example.test' || r.hostname === 'brand.test' ? { ...r, upstream: { ...r.upstream, port: 8002 } } : r));
    const hanging = { ...options, timeoutMs: 2000, kubectl: { ...options.kubectl!, command: slow } };
    const error = await deliverGitOps(filesOf(changed), hanging).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/kubectl for tenant _default: kubectl apply failed \(timed out after 2000 ms\)/);
    expect((error as Error).message).toMatch(/kubectl not tried for acme\.docs, acme\.storefront, globex\.portal$/);
    expect((error as Error).message).not.toContain('/nowhere');
    expect((error as GitOpsError).tenants).toEqual(['_default', 'acme.docs', 'acme.storefront', 'globex.portal']);
    const count = kubectl.calls().length;
    expect((await deliverGitOps(filesOf(changed), options)).applied).toEqual(['_default', 'acme.docs', 'acme.storefront', 'globex.portal']);
    expect(kubectl.calls().slice(count)).toHaveLength(4);
  }, 120_000);
});

describe('tenantFiles with a cache', () => {
  it('gives the same bytes as without, reuses unchanged tenants, re-serialises a changed one and forgets a gone one', () => {
    const cache: TenantFileCache = new Map();
    const manifests = renderIstio(routes, renderOptionsFor('istio'));
    expect(tenantFiles(manifests, cache)).toEqual(tenantFiles(manifests));
    const before = new Map([...cache].map(([tenant, entry]) => [tenant, entry]));
    const changed = routes.map((r) => (r.tenant?.project === 'docs' ? { ...r, upstream: { ...r.upstream, port: r.upstream.port + 1 } } : r));
    const next = tenantFiles(renderIstio(changed, renderOptionsFor('istio')), cache);
    expect(next).toEqual(tenantFiles(renderIstio(changed, renderOptionsFor('istio'))));
    for (const tenant of ['_default', 'acme.storefront', 'globex.portal']) expect(cache.get(tenant)).toBe(before.get(tenant));
    expect(cache.get('acme.docs')).not.toBe(before.get('acme.docs'));
    tenantFiles(renderIstio(routes.filter((r) => r.tenant?.organization !== 'globex'), renderOptionsFor('istio')), cache);
    expect([...cache.keys()].sort()).toEqual(['_default', 'acme.docs', 'acme.storefront']);
  });
});
