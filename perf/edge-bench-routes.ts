// The route table perf/edge-bench.ts measures: N mappings shaped like a SaaS's (see perf/README.md), and the
// one-mapping changes it times. Deterministic: the same N gives the same table.
import type { Route, RouteTenant } from '../core/kernel/src/index.ts';
import { tenantKey } from '../plugins/edge-traefik/src/split.ts';

const round = (value: number, digits: number) => Number(value.toFixed(digits));

const LABELS = ['www', 'app', 'shop', 'portal', 'api', 'docs'];
const BASE_PATHS = ['/api', '/docs', '/blog', '/static', '/app'];
/** Per 20 routes: 1 http, 3 both, 6 redirect-to-https, 10 https. */
const protocolOf = (i: number): Route['protocol'] => (i % 20 === 0 ? 'http' : i % 20 < 4 ? 'both' : i % 20 < 10 ? 'redirect-to-https' : 'https');

/**
 * N mappings, deterministic: hosts alternate two routes (`/` and a base path) and one (1.5 per host); per 40 hosts
 * (60 routes) two apex hosts (3 routes: 1 in 20), one wildcard `*.c<h>.test` with an exact host below it, one host
 * whose only route has a base path. Strip on and off, 1 in 10 second routes with an internal path. Tenants: a
 * project per 100 routes, an organization per 5 projects; upstreams `svc-<k>.ns-<project>.svc.cluster.local`.
 */
export function routeTable(n: number): Route[] {
  const routes: Route[] = [];
  for (let h = 0; routes.length < n; h++) {
    const project = Math.floor(routes.length / 100);
    const tenant: RouteTenant = { organization: `org-${Math.floor(project / 5)}`, project: `proj-${project}` };
    const upstream = (k: number, port: number, path?: string) => ({ host: `svc-${k % 5}.ns-${project}.svc.cluster.local`, port, ...(path ? { path } : {}) });
    const c = h % 40;
    const hostname = c === 0 || c === 21 ? `c${h}.test` : c === 7 ? `*.c${h}.test` : c === 8 ? `app.c${h - 1}.test` : `${LABELS[h % 6]}.c${h}.test`;
    routes.push({ hostname, basePath: c === 13 ? '/shop' : '/', upstream: upstream(h, 8080), stripPath: h % 3 !== 0, protocol: protocolOf(routes.length), tenant });
    if (h % 2 === 0 && routes.length < n) {
      routes.push({ hostname, basePath: BASE_PATHS[h % 5], upstream: upstream(h + 1, 9000, h % 10 === 0 ? '/v1' : undefined), stripPath: h % 4 === 0, protocol: protocolOf(routes.length), tenant });
    }
  }
  return routes;
}

export function shape(routes: Route[]) {
  const share = (pred: (r: Route) => boolean) => round(routes.filter(pred).length / routes.length, 3);
  const hosts = new Set(routes.map((r) => r.hostname)).size;
  return {
    routes: routes.length,
    hosts,
    routesPerHost: round(routes.length / hosts, 2),
    apexShare: share((r) => r.hostname.split('.').length === 2),
    wildcardShare: share((r) => r.hostname.startsWith('*.')),
    basePathShare: share((r) => r.basePath !== '/'),
    stripShare: share((r) => r.stripPath && r.basePath !== '/'),
    protocols: Object.fromEntries(['https', 'http', 'both', 'redirect-to-https'].map((p) => [p, share((r) => r.protocol === p)])),
    projects: new Set(routes.map((r) => tenantKey(r.tenant))).size,
    organizations: new Set(routes.map((r) => r.tenant?.organization)).size,
  };
}

/** The mapping the change section adds, changes (another upstream port) and removes: a new host in project 1. */
export function addedRoute(cycle: number, port: number): Route {
  return { hostname: `added-${cycle}.bench-change.test`, basePath: '/', upstream: { host: 'svc-0.ns-1.svc.cluster.local', port }, stripPath: true, protocol: 'https', tenant: { organization: 'org-0', project: 'proj-1' } };
}
export const ADDED_TENANT = 'org-0.proj-1';

export interface Step {
  kind: string;
  table: Route[];
  /** The added mapping's hostname, and whether the edge must route it afterwards. */
  hostname: string;
  present: boolean;
}

/** The tables of the change section: add, change, remove of each cycle. */
export function changeSteps(routes: Route[], cycles: number): Step[] {
  const steps: Step[] = [];
  for (let c = 0; c < cycles; c++) {
    const hostname = addedRoute(c, 8080).hostname;
    steps.push({ kind: 'add', table: [...routes, addedRoute(c, 8080)], hostname, present: true });
    steps.push({ kind: 'change', table: [...routes, addedRoute(c, 8081)], hostname, present: true });
    steps.push({ kind: 'remove', table: routes, hostname, present: false });
  }
  return steps;
}
