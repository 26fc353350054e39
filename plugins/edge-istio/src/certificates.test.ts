import { generateKeyPairSync } from 'node:crypto';
import type { Kernel, Route } from '@portico/kernel';
import { createTestKernel, EDGE_FIXTURE_ROUTES } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import istio from './index.ts';
import type { TenantManifests } from './render.ts';

// Istio keeps cert-manager even when Portico supplies certificates: the GitOps delivery commits every tenant file
// to a repository (and may push it), and a private key written there would live in its history and every clone.
describe('edge.istio and supplied certificates', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await createTestKernel([{ plugin: istio, options: { issuerRef: { name: 'letsencrypt' } } }]);
  });
  afterAll(() => kernel?.close());

  it('renders the same cert-manager Certificates and never a key', async () => {
    const routes = EDGE_FIXTURE_ROUTES as Route[];
    const privateKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const certificates = [{ hostnames: ['app.example.test'], certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', privateKeyPem, notAfter: new Date('2030-01-01') }];
    const withSupplied = (await kernel.renderRoutes('istio', { routes, certificates })) as TenantManifests[];
    expect(withSupplied).toEqual(await kernel.renderRoutes('istio', { routes }));
    expect(JSON.stringify(withSupplied)).not.toContain('PRIVATE KEY');
    expect(withSupplied.flatMap((t) => t.objects).filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(withSupplied.flatMap((t) => t.objects).some((o) => o.kind === 'Certificate' && (o.spec.dnsNames as string[]).includes('app.example.test'))).toBe(true);
  });
});
