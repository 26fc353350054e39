/**
 * One kernel, two clusters: each configured edge's target names its own GitOps work tree (two real repositories
 * in temporary folders), or its own directory of a shared one, and deliveries and dry runs go there and nowhere
 * else. The plugin's own delivery is a third repository, which must stay as it was.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EdgeTarget, Kernel, Route } from '@portico/kernel';
import { createTestKernel, EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import istio from '../src/index.ts';
import { createTestRepo, type TestRepo } from './git-repo.ts';

const routes = EDGE_FIXTURE_ROUTES as Route[];
const changed = routes.map((route) => (route.basePath === '/keep' ? { ...route, upstream: { ...route.upstream, port: 3001 } } : route));
const ALL = ['_default.yaml', 'acme.docs.yaml', 'acme.storefront.yaml', 'globex.portal.yaml'];
const issuerRef = { name: 'letsencrypt' };
const state = (repo: TestRepo, directory?: string) => ({ files: repo.files(directory), head: repo.git('rev-parse', 'HEAD') });

describe('edge.istio: one kernel, two clusters in two repositories', () => {
  let own: TestRepo;
  let eu: TestRepo;
  let us: TestRepo;
  let kernel: Kernel;
  let toEu: EdgeTarget;
  let toUs: EdgeTarget;

  beforeAll(async () => {
    [own, eu, us] = [createTestRepo(), createTestRepo(), createTestRepo()];
    toEu = { id: 'istio-eu', options: { delivery: { kind: 'gitops', workTree: eu.workTree } } };
    toUs = { id: 'istio-us', options: { delivery: { kind: 'gitops', workTree: us.workTree, directory: 'clusters/us' } } };
    kernel = await createTestKernel([{ plugin: istio, options: { issuerRef, delivery: { kind: 'gitops', workTree: own.workTree } } }]);
  });
  afterAll(async () => {
    await kernel?.close();
    for (const repo of [own, eu, us]) repo?.remove();
  });

  it('commits each edge\'s files in its own work tree and directory', async () => {
    const plugin = state(own);
    const toEuResult = await kernel.deployRoutes('istio', { routes, target: toEu });
    const toUsResult = await kernel.deployRoutes('istio', { routes, target: toUs });
    expect(toEuResult.delivered.detail).toMatch(new RegExp(`^committed ${eu.git('rev-parse', 'HEAD').slice(0, 12)}: _default \\(add\\)`));
    expect(toUsResult.delivered.detail).toMatch(new RegExp(`^committed ${us.git('rev-parse', 'HEAD').slice(0, 12)}: _default \\(add\\)`));
    expect(Object.keys(eu.files())).toEqual(ALL);
    expect(Object.keys(us.files('clusters/us'))).toEqual(ALL);
    expect(us.files()).toEqual({});
    expect(us.files('clusters/us')).toEqual(eu.files());
    expect(state(own)).toEqual(plugin);
  });

  it('a dry run reads the edge\'s own work tree, and a change delivered to one cluster leaves the other as it was', async () => {
    const usBefore = state(us, 'clusters/us');
    await kernel.deployRoutes('istio', { routes: changed, target: toEu });
    expect(eu.git('log', '-1', '--format=%s')).toBe('portico: acme.docs: update');
    expect(state(us, 'clusters/us')).toEqual(usBefore);
    const euAfter = state(eu);
    expect((await kernel.previewDeploy('istio', { routes: changed, target: toEu })).preview).toEqual({ changed: false, diff: '', summary: 'no file would change' });
    const { preview } = await kernel.previewDeploy('istio', { routes: changed, target: toUs });
    expect(preview).toMatchObject({ changed: true, summary: '1 file would change: clusters/us/acme.docs.yaml (update)' });
    expect(preview?.diff).toContain('diff --git a/clusters/us/acme.docs.yaml b/clusters/us/acme.docs.yaml');
    expect([state(eu), state(us, 'clusters/us')]).toEqual([euAfter, usBefore]);
  });

  it('an edge without target options delivers to the plugin\'s work tree', async () => {
    await kernel.deployRoutes('istio', { routes, target: { id: 'istio-own' } });
    expect(Object.keys(own.files())).toEqual(ALL);
    // The same table as the us edge got.
    expect(own.files()).toEqual(us.files('clusters/us'));
  });
});

describe('edge.istio: two clusters sharing one work tree, a directory and a kubectl context each', () => {
  let repo: TestRepo;
  let kubectl: ReturnType<TestRepo['fakeKubectl']>;
  let kernel: Kernel;
  const target = (cluster: string): EdgeTarget => ({
    id: `istio-${cluster}`,
    options: { delivery: { kind: 'gitops', workTree: repo.workTree, directory: `clusters/${cluster}`, kubectl: { command: kubectl.command, context: cluster } } },
  });
  const callsFor = (cluster: string, from = 0) => kubectl.calls().slice(from).filter((call) => call.startsWith(`--context ${cluster} `));

  beforeAll(async () => {
    repo = createTestRepo();
    kubectl = repo.fakeKubectl();
    kernel = await createTestKernel([{ plugin: istio, options: { issuerRef } }]);
  });
  afterAll(async () => {
    await kernel?.close();
    repo?.remove();
  });

  it('delivers both at once: one delivery at a time per work tree, so git never finds its index locked', async () => {
    const results = await Promise.all([kernel.deployRoutes('istio', { routes, target: target('eu') }), kernel.deployRoutes('istio', { routes, target: target('us') })]);
    expect(results.map((r) => r.delivered.detail)).toEqual([expect.stringMatching(/^committed .*; kubectl: _default, acme\.docs/), expect.stringMatching(/^committed .*; kubectl: _default, acme\.docs/)]);
    expect(repo.git('log', '--format=%s', '-8').split('\n').filter((s) => s === 'portico: _default: add')).toHaveLength(2);
    expect(Object.keys(repo.files('clusters/eu'))).toEqual(ALL);
    expect(Object.keys(repo.files('clusters/us'))).toEqual(ALL);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('keeps each cluster\'s kubectl retries apart: the other edge\'s delivery never applies them', async () => {
    writeFileSync(kubectl.failWhen, '--context eu');
    await expect(kernel.deployRoutes('istio', { routes: changed, target: target('eu') })).rejects.toMatchObject({ name: 'GitOpsError', tenants: ['acme.docs'] });
    const count = kubectl.calls().length;
    await kernel.deployRoutes('istio', { routes: changed, target: target('us') });
    expect(callsFor('us', count)).toEqual([expect.stringContaining(`apply -f ${join(repo.workTree, 'clusters/us/acme.docs.yaml')} `)]);
    expect(callsFor('eu', count)).toEqual([]);
    // The eu cluster's retry is still pending, and the next eu delivery (nothing new to commit) applies it there.
    writeFileSync(kubectl.failWhen, 'nothing-matches-this');
    const { delivered } = await kernel.deployRoutes('istio', { routes: changed, target: target('eu') });
    expect(delivered.detail).toMatch(/^unchanged at [0-9a-f]{12}; kubectl: acme\.docs$/);
    expect(callsFor('eu', count)).toEqual([expect.stringContaining(`apply -f ${join(repo.workTree, 'clusters/eu/acme.docs.yaml')} `)]);
  });
});
