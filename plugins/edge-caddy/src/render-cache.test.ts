import { partitionRoutes, type Route } from '@portico/kernel';
import { routeChangeSequence } from '@portico/kernel/conformance';
import { describe, expect, it } from 'vitest';
import { CaddyRenderCache, type CaddyDelta, type Slot } from './render-cache.ts';
import { renderCaddyConfig, SCHEMES, type CaddyRenderOptions, type Json, type Scheme } from './render.ts';

const servable = (routes: readonly Route[]) => partitionRoutes(routes).routes;

const options: CaddyRenderOptions = {
  adminListen: '127.0.0.1:2019',
  httpPort: 80,
  httpsPort: 443,
  listenAddresses: ['127.0.0.1'],
  askUrl: 'http://127.0.0.1:4000/edge/ask',
  issuers: [{ module: 'internal' }],
  redirectStatus: 308,
};

/** The routes before, with a delta's changes written over them as deliver.ts does (by `@id`). */
function patched(before: Slot[], delta: CaddyDelta['servers'][Scheme], after: Slot[]): Json[] {
  const byId = new Map(before.map((slot) => [slot.id, slot.route]));
  for (const change of delta.changes) {
    if (change.after === undefined) byId.delete(change.id);
    else byId.set(change.id, change.after);
  }
  // The new order's ids, each with what the patched routes hold for it.
  return after.map((slot) => byId.get(slot.id) ?? { missing: slot.id });
}

describe('CaddyRenderCache', () => {
  it('applying random change sets ends where a whole render does, and each delta is exactly the difference', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const sequence = routeChangeSequence({ seed, steps: 25 });
      const cache = new CaddyRenderCache(options);
      cache.reset(servable(sequence.initial), sequence.version);
      expect(cache.config()).toEqual(renderCaddyConfig(servable(sequence.initial), options));
      for (const step of sequence.steps) {
        const delta = cache.apply({ hosts: step.changes.hosts, routes: servable(step.changes.routes) }, step.version);
        const whole = renderCaddyConfig(servable(step.routes), options);
        const label = `seed ${seed}, version ${step.version}`;
        expect(JSON.stringify(cache.config()), label).toBe(JSON.stringify(whole));
        expect(delta.tls).toBe(false);
        for (const scheme of SCHEMES) {
          const after = cache.slots(scheme);
          expect(patched(delta.servers[scheme].before, delta.servers[scheme], after), label).toEqual(after.map((slot) => slot.route));
          // Only what differs is in the delta.
          const was = new Map(delta.servers[scheme].before.map((slot) => [slot.id, JSON.stringify(slot.route)]));
          for (const change of delta.servers[scheme].changes) expect(change.after && JSON.stringify(change.after), label).not.toBe(was.get(change.id));
        }
        expect(cache.version).toBe(step.version);
      }
    }
  });

  it('says when the supplied certificates changed, and the config carries them', () => {
    const cache = new CaddyRenderCache(options);
    const routes: Route[] = [{ hostname: 'a.test', basePath: '/', upstream: { host: '10.0.0.1', port: 80 }, stripPath: false, protocol: 'https' }];
    cache.reset(routes, 1);
    const certificates = [{ hostnames: ['a.test'], certificatePem: 'CERT', privateKeyPem: 'KEY', notAfter: new Date('2030-01-01') }];
    expect(cache.apply({ hosts: [], routes: [] }, 2, certificates).tls).toBe(true);
    expect(cache.config()).toEqual(renderCaddyConfig(routes, options, certificates));
    expect(cache.apply({ hosts: [], routes: [] }, 3, certificates).tls).toBe(false);
  });

  it('builds the routes of a lazy config only when read', () => {
    const cache = new CaddyRenderCache(options);
    cache.reset([], 1);
    let reads = 0;
    const config = cache.config((scheme) => () => (reads++, cache.slots(scheme).map((slot) => slot.route)));
    expect(reads).toBe(0);
    expect(JSON.parse(JSON.stringify(config))).toEqual(renderCaddyConfig([], options));
    expect(reads).toBe(2);
  });
});
