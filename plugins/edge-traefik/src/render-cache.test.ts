import { partitionRoutes, type Route } from '@portico/kernel';
import { routeChangeSequence } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RENDER_OPTIONS, renderTraefikConfig, type TraefikConfig, type TraefikRenderOptions } from './render.ts';
import { TraefikRenderCache } from './render-cache.ts';

const servable = (routes: readonly Route[]) => partitionRoutes(routes).routes;

const OPTION_SETS: Record<string, TraefikRenderOptions> = {
  defaults: DEFAULT_RENDER_OPTIONS,
  acme: { httpEntryPoint: 'web', httpsEntryPoint: 'websecure', certResolver: 'le', ownershipChallengeUrl: 'http://portico:4000' },
};

/** `before` with a delta's units written over it: what a delivery that writes only the delta ends with. */
function patched(before: TraefikConfig, units: ReturnType<TraefikRenderCache['apply']>['units']): TraefikConfig['http'] {
  const http = structuredClone(before.http) as Record<string, Record<string, unknown>>;
  for (const { section, name, after } of units) {
    if (after === undefined) delete http[section]![name];
    else http[section]![name] = after;
  }
  return http as TraefikConfig['http'];
}

describe('TraefikRenderCache', () => {
  for (const [label, options] of Object.entries(OPTION_SETS)) {
    it(`applying random change sets ends where a whole render does, and each delta is exactly the difference (${label})`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const sequence = routeChangeSequence({ seed, steps: 25 });
        const cache = new TraefikRenderCache(options);
        cache.reset(servable(sequence.initial), sequence.version);
        let previous = cache.config();
        expect(previous).toEqual(renderTraefikConfig(servable(sequence.initial), options));
        for (const step of sequence.steps) {
          const delta = cache.apply({ hosts: step.changes.hosts, routes: servable(step.changes.routes) }, step.version);
          const whole = renderTraefikConfig(servable(step.routes), options);
          const now = cache.config();
          expect(now, `seed ${seed}, version ${step.version}`).toEqual(whole);
          expect(JSON.stringify(now)).toBe(JSON.stringify(whole));
          expect(patched(previous, delta.units)).toEqual(whole.http);
          expect(cache.version).toBe(step.version);
          previous = now;
        }
      }
    });
  }

  it('reports the tenants whose routers changed, before and after a host moves between them', () => {
    const route = (organization: string): Route => ({ hostname: 'a.saas.test', basePath: '/', upstream: { host: 'app', port: 80 }, stripPath: false, protocol: 'https', tenant: { organization, project: 'web' } });
    const cache = new TraefikRenderCache(DEFAULT_RENDER_OPTIONS);
    cache.reset([route('acme')], 1);
    const delta = cache.apply({ hosts: ['a.saas.test'], routes: [route('globex')] }, 2);
    expect(delta.tenants.map((t) => t?.organization)).toEqual(expect.arrayContaining(['acme', 'globex']));
    // The router itself is the same; only the project file it belongs to changes.
    expect(delta.units).toEqual([]);
  });

  it('re-renders a wildcard when an exact host below it appears or disappears, and nothing else', () => {
    const route = (hostname: string): Route => ({ hostname, basePath: '/', upstream: { host: 'app', port: 80 }, stripPath: false, protocol: 'https' });
    const cache = new TraefikRenderCache(DEFAULT_RENDER_OPTIONS);
    cache.reset([route('*.saas.test'), route('other.test')], 1);
    const added = cache.apply({ hosts: ['a.saas.test'], routes: [route('a.saas.test')] }, 2);
    const names = added.units.map((u) => `${u.section}:${u.before === undefined ? '+' : u.after === undefined ? '-' : '~'}`).sort();
    expect(names).toEqual(['routers:+', 'routers:~']);
    const wildcard = added.units.find((u) => u.before !== undefined)?.after as { rule: string };
    expect(wildcard.rule).toContain('!Host(`a.saas.test`)');
    const removed = cache.apply({ hosts: ['a.saas.test'], routes: [] }, 3);
    expect(removed.units.map((u) => (u.after === undefined ? '-' : '~')).sort()).toEqual(['-', '~']);
  });
});
