/**
 * The kernel's edge target conformance suite for `edge.istio`, delivering by GitOps into a real git repository
 * in a temporary folder. What the edge holds is the tenant files and HEAD: an idempotent re-deploy must leave
 * both as they were (no new commit). Run twice: the work tree named by the plugin options, then by an edge target
 * (the plugin then having no delivery of its own).
 */
import { createTestKernel, edgeTargetConformance } from '@portico/kernel/conformance';
import istio from '../src/index.ts';
import { createTestRepo } from './git-repo.ts';

edgeTargetConformance({
  name: 'Istio, GitOps delivery into a temporary git repository',
  edge: 'istio',
  setup: async () => {
    const repo = createTestRepo();
    const kernel = await createTestKernel([
      { plugin: istio, options: { issuerRef: { name: 'letsencrypt' }, acmeSolver: { host: 'portico.portico.svc.cluster.local', port: 4000 }, delivery: { kind: 'gitops', workTree: repo.workTree } } },
    ]);
    return {
      kernel,
      readEdge: async () => ({ files: repo.files(), head: repo.git('rev-parse', 'HEAD') }),
      teardown: async () => {
        await kernel.close();
        repo.remove();
      },
    };
  },
});

edgeTargetConformance({
  name: 'Istio, GitOps work tree named by an edge target',
  edge: 'istio',
  setup: async () => {
    const repo = createTestRepo();
    const kernel = await createTestKernel([{ plugin: istio, options: { issuerRef: { name: 'letsencrypt' } } }]);
    return {
      kernel,
      target: { id: 'istio-eu', options: { delivery: { kind: 'gitops', workTree: repo.workTree, directory: 'clusters/eu' } } },
      readEdge: async () => ({ files: repo.files('clusters/eu'), head: repo.git('rev-parse', 'HEAD') }),
      teardown: async () => {
        await kernel.close();
        repo.remove();
      },
    };
  },
});
