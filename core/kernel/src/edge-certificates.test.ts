import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestKernel } from './conformance/test-services.ts';
import { definePlugin } from './define-plugin.ts';
import { DELIVERY_STAGE, type RenderRoutesState, type Route, type SuppliedCertificate } from './hooks.ts';

// Supplied certificates reach the edge plugin's render unchanged; a dry run never shows their private keys.
const route: Route = { hostname: 'shop.example.com', basePath: '/', upstream: { host: 'app', port: 8080 }, stripPath: false, protocol: 'https' };
const privateKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const certificate: SuppliedCertificate = { hostnames: ['shop.example.com'], certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', privateKeyPem, notAfter: new Date('2030-01-01') };
const keyLine = privateKeyPem.split('\n')[1]!;

function edge(seen: RenderRoutesState[]) {
  return definePlugin({
    id: 'edge.x',
    version: '1.0.0',
    kernel: '^0.1.0',
    options: z.object({}),
    apply({ hooks }) {
      hooks.renderRoutes.for('x').tapPromise({ name: 'edge.x', stage: 0 }, async (state) => {
        seen.push(state);
        return { ...state, output: { keys: (state.certificates ?? []).map((c) => c.privateKeyPem) } };
      });
      hooks.renderRoutes.for('x').tapPromise({ name: 'edge.x', stage: DELIVERY_STAGE }, async (state) => {
        if (state.dryRun) return { ...state, preview: { changed: true, diff: `+ key: ${JSON.stringify((state.output as { keys: string[] }).keys)}\n+${privateKeyPem}`, summary: 'changed' } };
        return state.deliver ? { ...state, delivered: { at: new Date() } } : state;
      });
    },
  });
}

describe('supplied certificates through the edge calls', () => {
  it('are handed to the render as given, and absent when there are none', async () => {
    const seen: RenderRoutesState[] = [];
    const kernel = await createTestKernel([{ plugin: edge(seen) }]);
    const deployed = await kernel.deployRoutes('x', { routes: [route], certificates: [certificate] });
    expect(seen[0]!.certificates).toEqual([certificate]);
    expect(deployed.output).toEqual({ keys: [privateKeyPem] }); // delivered as is: the edge needs the key
    await kernel.renderRoutes('x', { routes: [route] });
    expect(seen[1]).not.toHaveProperty('certificates');
    await kernel.close();
  });

  it('are redacted from a dry run: output and diff', async () => {
    const kernel = await createTestKernel([{ plugin: edge([]) }]);
    const { output, preview } = await kernel.previewDeploy('x', { routes: [route], certificates: [certificate] });
    expect(JSON.stringify(output)).not.toContain(keyLine);
    expect(JSON.stringify(output)).toContain('private key redacted');
    expect(preview!.diff).not.toContain(keyLine);
    await kernel.close();
  });
});
