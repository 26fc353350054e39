/**
 * GitOps deliveries of change sets end where whole deliveries do: through one kernel, random change sets
 * (`routeChangeSequence`) go to a real git work tree, each step given `changes` since the previous one; after every
 * step the tenant files hold exactly what a whole render of that step's table gives, and only changed files were
 * committed.
 */
import { partitionRoutes, type Route } from '@portico/kernel';
import { createTestKernel, routeChangeSequence } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import istio, { optionsSchema, renderOptionsOf } from '../src/index.ts';
import { tenantFiles } from '../src/gitops.ts';
import { renderIstio } from '../src/render.ts';
import { createTestRepo } from './git-repo.ts';

describe('edge.istio: GitOps deliveries of change sets', () => {
  const repo = createTestRepo();
  afterAll(() => repo.remove());

  it('every step leaves the work tree holding what a whole render gives', { timeout: 120_000 }, async () => {
    const options = { issuerRef: { name: 'le' }, delivery: { kind: 'gitops', workTree: repo.workTree } };
    const kernel = await createTestKernel([{ plugin: istio, options }]);
    const renderOptions = renderOptionsOf(optionsSchema.parse(options));
    const expected = (routes: Route[]) => Object.fromEntries([...tenantFiles(renderIstio(partitionRoutes(routes).routes, renderOptions))].map(([tenant, text]) => [`${tenant}.yaml`, text]));
    try {
      const sequence = routeChangeSequence({ seed: 5, steps: 12 });
      await kernel.deployRoutes('istio', { routes: sequence.initial, version: sequence.version });
      expect(repo.files('portico')).toEqual(expected(sequence.initial));
      for (const step of sequence.steps) {
        // Every fourth step claims a version the plugin never rendered: it renders whole, and still ends right.
        const since = step.version % 4 === 0 ? step.version - 2 : step.changes.since;
        await kernel.deployRoutes('istio', { routes: step.routes, version: step.version, changes: { ...step.changes, since } });
        expect(repo.files('portico'), `version ${step.version}`).toEqual(expected(step.routes));
      }
    } finally {
      await kernel.close();
    }
  });
});
