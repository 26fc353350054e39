/**
 * Random route tables that change step by step, for edges that render incrementally (`RenderRoutesState.changes`):
 * each step replaces the routes of a few hostnames, and says which, as the server's route table does. An edge's
 * property test renders the first table whole, applies every step's change set, and checks the result against a
 * whole render of that step's table.
 *
 * The hostnames come from a small pool so steps collide: wildcards gain and lose the exact hostnames below them,
 * a host moves between tenants, base paths nest, protocols and upstreams change, ownership challenges come and go.
 * Seeded: the same seed gives the same sequence.
 */
import type { Route, RouteChanges } from '../hooks.ts';

export interface RouteChangeStep {
  /** The whole table after this step. */
  routes: Route[];
  /** What this step changed (`since` is the previous step's version). */
  changes: RouteChanges;
  version: number;
}

/** A small, fast, seedable generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARENTS = ['saas.test', 'shop.example.test', 'b.test'];
const LABELS = ['a', 'b', 'www', 'api'];
const BASE_PATHS = ['/', '/', '/api', '/api/v2', '/docs', '/apiary'];
const INTERNAL_PATHS = [undefined, '/', '/svc', '/svc/', '/v1/$x'];
const PROTOCOLS: Route['protocol'][] = ['https', 'http', 'both', 'redirect-to-https'];
const TENANTS = [undefined, { organization: 'acme', project: 'storefront' }, { organization: 'acme', project: 'blog' }, { organization: 'globex', project: 'web' }];
const UPSTREAMS = ['app.internal', 'api.internal', '10.0.0.7', 'fd00::7'];

/** Every hostname of the pool: parents, wildcards of parents, and exact hosts one label below them. */
export const ROUTE_CHANGE_HOSTS: readonly string[] = PARENTS.flatMap((parent) => [parent, `*.${parent}`, ...LABELS.map((label) => `${label}.${parent}`)]);

/**
 * `steps` change sets over the host pool after an initial table of about half the pool, each step changing one to
 * three hostnames (a host may end with no routes: removed).
 */
export function routeChangeSequence({ seed, steps }: { seed: number; steps: number }): { initial: Route[]; version: number; steps: RouteChangeStep[] } {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const routesOf = (hostname: string): Route[] => {
    const count = next() < 0.2 ? 0 : 1 + Math.floor(next() * 3);
    const tenant = pick(TENANTS);
    const out: Route[] = [];
    for (let i = 0; i < count; i++) {
      const internal = pick(INTERNAL_PATHS);
      const challenge = next() < 0.15 ? { ownershipChallenge: { token: `tok${Math.floor(next() * 3)}` } } : {};
      out.push({
        hostname,
        basePath: pick(BASE_PATHS),
        upstream: { host: pick(UPSTREAMS), port: 8000 + Math.floor(next() * 3), ...(internal === undefined ? {} : { path: internal }) },
        stripPath: next() < 0.5,
        protocol: pick(PROTOCOLS),
        ...(tenant === undefined ? {} : { tenant }),
        ...challenge,
      });
    }
    return out;
  };
  const table = new Map<string, Route[]>();
  for (const host of ROUTE_CHANGE_HOSTS) if (next() < 0.5) table.set(host, routesOf(host));
  const all = () => [...table.values()].flat();
  const initial = all();
  let version = 1;
  const out: RouteChangeStep[] = [];
  for (let s = 0; s < steps; s++) {
    const hosts = new Set<string>();
    const count = 1 + Math.floor(next() * 3);
    while (hosts.size < count) hosts.add(pick(ROUTE_CHANGE_HOSTS));
    const routes: Route[] = [];
    for (const host of hosts) {
      const now = routesOf(host);
      if (now.length === 0) table.delete(host);
      else table.set(host, now);
      routes.push(...now);
    }
    out.push({ routes: all(), changes: { since: version, hosts: [...hosts], routes }, version: version + 1 });
    version += 1;
  }
  return { initial, version: 1, steps: out };
}
