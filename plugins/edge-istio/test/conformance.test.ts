/**
 * The kernel's edge target conformance suite for `edge.istio`, delivering by GitOps into a real git repository
 * in a temporary folder. What the edge holds is the tenant files and HEAD: an idempotent re-deploy must leave
 * both as they were (no new commit).
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
