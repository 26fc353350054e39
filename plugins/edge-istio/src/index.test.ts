import { DELIVERY_STAGE, definePlugin, isKernelError, z, type Kernel, type Route } from '@portico/kernel';
import { createTestKernel, EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../test/git-repo.ts';
import istio, { gitOpsOptionsOf, optionsSchema, targetSchema, type IstioPluginOptions } from './index.ts';
import { RENDERED_KINDS, type TenantManifests } from './render.ts';

const routes = EDGE_FIXTURE_ROUTES as Route[];
const issuerRef = { name: 'letsencrypt' };
const kernels: Kernel[] = [];
const track = async (kernel: Promise<Kernel>) => (kernels.push(await kernel), kernels.at(-1)!);
const kernelWith = (options: IstioPluginOptions) => track(createTestKernel([{ plugin: istio, options }]));
afterAll(async () => {
  for (const kernel of kernels) await kernel.close();
});
const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('edge.istio options', () => {
  it('defaults everything but the issuer name', () => {
    expect(optionsSchema.parse({ issuerRef })).toEqual({
      api: 'istio',
      gatewayNamespace: 'istio-system',
      routeNamespace: 'portico',
      gatewaySelector: { istio: 'ingressgateway' },
      gatewayClassName: 'istio',
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      tenantBy: 'project',
    });
    expect(optionsSchema.parse({ issuerRef, delivery: { kind: 'gitops', workTree: '/srv/gitops' } }).delivery).toEqual({
      kind: 'gitops',
      workTree: '/srv/gitops',
      directory: 'portico',
      author: { name: 'Portico', email: 'portico@localhost' },
      timeoutMs: 30_000,
    });
  });

  it('refuses registration without an issuer, or with a namespace that is not a DNS label', async () => {
    expect(isKernelError(await errorOf(createTestKernel([{ plugin: istio, options: {} }])), 'PLUGIN_OPTIONS_INVALID')).toBe(true);
    expect(isKernelError(await errorOf(kernelWith({ issuerRef, gatewayNamespace: 'Istio_System' })), 'PLUGIN_OPTIONS_INVALID')).toBe(true);
  });

  it('hands kubectl the kinds of the API mode to prune, and its context', () => {
    const parsed = optionsSchema.parse({ issuerRef, api: 'gateway-api', delivery: { kind: 'gitops', workTree: '/w', kubectl: { context: 'prod' }, push: {} } });
    expect(gitOpsOptionsOf(parsed)).toMatchObject({
      push: { remote: 'origin' },
      kubectl: { command: 'kubectl', args: [], context: 'prod', pruneAllowlist: ['cert-manager.io/v1/Certificate', 'gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/HTTPRoute'] },
    });
    expect(gitOpsOptionsOf(optionsSchema.parse({ issuerRef }))).toBeUndefined();
    // An edge target's delivery, with the plugin's API mode.
    const target = targetSchema.parse({ delivery: { kind: 'gitops', workTree: '/w2', kubectl: {} } });
    expect(gitOpsOptionsOf(parsed, target.delivery)).toMatchObject({ workTree: '/w2', directory: 'portico', kubectl: { command: 'kubectl', pruneAllowlist: RENDERED_KINDS['gateway-api'] } });
    expect(gitOpsOptionsOf(parsed, target.delivery)).not.toHaveProperty('push');
  });

  it('parses an edge target: none, or a whole GitOps delivery; refuses anything else with EDGE_TARGET_INVALID', async () => {
    const kernel = await kernelWith({ issuerRef });
    expect(kernel.parseEdgeTarget('istio', undefined)).toEqual({});
    expect(kernel.parseEdgeTarget('istio', { delivery: { kind: 'gitops', workTree: '/srv/eu' } })).toEqual({ delivery: optionsSchema.parse({ issuerRef, delivery: { kind: 'gitops', workTree: '/srv/eu' } }).delivery });
    for (const options of [{ delivery: { kind: 'gitops' } }, { delivery: { kind: 'argo', workTree: '/srv/eu' } }, { workTree: '/srv/eu' }, { delivery: { kind: 'gitops', workTree: '' } }]) {
      expect(() => kernel.parseEdgeTarget('istio', options), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'EDGE_TARGET_INVALID' }));
      expect(isKernelError(await errorOf(kernel.deployRoutes('istio', { routes, target: { id: 'eu', options } })), 'EDGE_TARGET_INVALID')).toBe(true);
    }
  });
});

describe('edge.istio without delivery', () => {
  it('describes the edge and renders one entry per tenant file (by project, or by organization)', async () => {
    const kernel = await kernelWith({ issuerRef });
    expect(kernel.descriptors.edges).toEqual([{ edge: 'istio', displayName: 'Istio (cert-manager, GitOps)', target: targetSchema, plugin: 'edge.istio' }]);
    const output = (await kernel.renderRoutes('istio', { routes })) as TenantManifests[];
    expect(output.map((t) => t.tenant)).toEqual(['_default', 'acme.docs', 'acme.storefront', 'globex.portal']);
    const byOrg = (await (await kernelWith({ issuerRef, tenantBy: 'organization' })).renderRoutes('istio', { routes })) as TenantManifests[];
    expect(byOrg.map((t) => t.tenant)).toEqual(['_default', 'acme', 'globex']);
  });

  it('delivers nothing: deployRoutes fails with EDGE_NOT_DELIVERED, previewDeploy has no preview', async () => {
    const kernel = await kernelWith({ issuerRef });
    expect(isKernelError(await errorOf(kernel.deployRoutes('istio', { routes })), 'EDGE_NOT_DELIVERED')).toBe(true);
    expect(await kernel.previewDeploy('istio', { routes })).not.toHaveProperty('preview');
  });

  it('delivers nothing for an edge whose target names no delivery either', async () => {
    const kernel = await kernelWith({ issuerRef });
    expect(isKernelError(await errorOf(kernel.deployRoutes('istio', { routes, target: { id: 'eu', options: {} } })), 'EDGE_NOT_DELIVERED')).toBe(true);
    expect(await kernel.previewDeploy('istio', { routes, target: { id: 'eu' } })).not.toHaveProperty('preview');
  });
});

describe('edge.istio with GitOps delivery', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });
  afterAll(() => repo.remove());

  it('deployRoutes commits and names the commit and the tenants; a dry run previews without writing', async () => {
    const kernel = await kernelWith({ issuerRef, delivery: { kind: 'gitops', workTree: repo.workTree } });
    const { delivered } = await kernel.deployRoutes('istio', { routes });
    const head = repo.git('rev-parse', 'HEAD');
    expect(delivered.detail).toBe(`committed ${head.slice(0, 12)}: _default (add), acme.docs (add), acme.storefront (add), globex.portal (add)`);
    expect((await kernel.deployRoutes('istio', { routes })).delivered.detail).toBe(`unchanged at ${head.slice(0, 12)}`);
    const files = repo.files();
    const { preview } = await kernel.previewDeploy('istio', { routes: routes.filter((r) => r.tenant?.organization !== 'globex') });
    expect(preview).toMatchObject({ changed: true, summary: '1 file would change: portico/globex.portal.yaml (prune)' });
    expect(preview?.diff).toContain('--- a/portico/globex.portal.yaml\n+++ /dev/null');
    expect(repo.files()).toEqual(files);
    expect(repo.git('rev-parse', 'HEAD')).toBe(head);
    expect(await kernel.previewDeploy('istio', { routes })).toMatchObject({ preview: { changed: false, diff: '', summary: 'no file would change' } });
  });

  it('delivers what decorators made of the objects', async () => {
    const decorator = definePlugin({
      id: 'ext.annotate',
      version: '0.1.0',
      kernel: '^0.1.0',
      options: z.object({}),
      apply({ hooks }) {
        hooks.renderRoutes.for('istio').tapPromise({ name: 'ext.annotate', stage: 500 }, async (state) => ({
          ...state,
          output: (state.output as TenantManifests[]).map((t) => ({ ...t, objects: t.objects.map((o) => ({ ...o, metadata: { ...o.metadata, annotations: { 'example.com/team': 'edge' } } })) })),
        }));
      },
    });
    const kernel = await track(createTestKernel([{ plugin: istio, options: { issuerRef, delivery: { kind: 'gitops', workTree: repo.workTree } } }, { plugin: decorator }]));
    await kernel.deployRoutes('istio', { routes });
    expect(repo.files()['acme.docs.yaml']).toContain('example.com/team: edge');
    expect(DELIVERY_STAGE).toBeGreaterThan(500);
  });
});
