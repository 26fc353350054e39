import { partitionRoutes, type Route } from '@portico/kernel';
import { routeChangeSequence } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import { optionsSchema, renderOptionsOf } from './index.ts';
import { renderIstio } from './render.ts';
import { IstioRenderCache } from './render-cache.ts';

const servable = (routes: readonly Route[]) => partitionRoutes(routes).routes;

describe('IstioRenderCache', () => {
  for (const api of ['istio', 'gateway-api'] as const) {
    const options = renderOptionsOf(optionsSchema.parse({ api, issuerRef: { name: 'le' }, ownershipChallengeBackend: { host: 'portico.portico.svc', port: 4000 } }));
    it(`applying random change sets ends where renderIstio does, and leaves untouched tenants' arrays alone (${api})`, () => {
      for (let seed = 1; seed <= 30; seed++) {
        const sequence = routeChangeSequence({ seed, steps: 25 });
        const cache = new IstioRenderCache(options);
        cache.reset(servable(sequence.initial), sequence.version);
        expect(cache.manifests()).toEqual(renderIstio(servable(sequence.initial), options));
        for (const step of sequence.steps) {
          const before = new Map(cache.manifests().map((m) => [m.tenant, m.objects]));
          cache.apply({ hosts: step.changes.hosts, routes: servable(step.changes.routes) }, step.version);
          const now = cache.manifests();
          expect(now, `seed ${seed}, version ${step.version}`).toEqual(renderIstio(servable(step.routes), options));
          // Without a wildcard among the changes, at most the old and new tenant of each changed host get a new array.
          if (step.changes.hosts.every((host) => !host.startsWith('*.'))) {
            expect(now.filter((m) => m.objects !== before.get(m.tenant)).length).toBeLessThanOrEqual(2 * step.changes.hosts.length);
          }
          expect(cache.version).toBe(step.version);
        }
      }
    });
  }

  it('keeps the arrays of tenants a change did not touch, so their files are not serialised again', () => {
    const options = renderOptionsOf(optionsSchema.parse({ issuerRef: { name: 'le' } }));
    const route = (hostname: string, organization: string): Route => ({ hostname, basePath: '/', upstream: { host: 'app', port: 80 }, stripPath: false, protocol: 'https', tenant: { organization, project: 'web' } });
    const cache = new IstioRenderCache(options);
    cache.reset([route('a.acme.test', 'acme'), route('b.globex.test', 'globex')], 1);
    const [acme, globex] = cache.manifests();
    cache.apply({ hosts: ['c.acme.test'], routes: [route('c.acme.test', 'acme')] }, 2);
    const [acmeNow, globexNow] = cache.manifests();
    expect(acmeNow!.objects).not.toBe(acme!.objects);
    expect(globexNow!.objects).toBe(globex!.objects);
  });
});
