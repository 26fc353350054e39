/**
 * A larger route table for schema validation, generated deterministically: every protocol mode × strip on/off ×
 * internal path (none, `/svc`, `/svc/`) on nested base paths, apex domains, subdomains, wildcards, hostnames of
 * the longest length DNS allows (and labels of 63), a U-label hostname, a host with more base paths than one
 * HTTPRoute holds rules, redirects of either status (301, 308), in-cluster and outside upstreams, and tenants
 * (with and without).
 */
import { PROTOCOL_MODES, type Route, type RouteTenant } from '@portico/kernel';

const tenants: (RouteTenant | undefined)[] = [
  { organization: 'acme', project: 'storefront' },
  { organization: 'acme', project: 'docs' },
  { organization: 'globex', project: 'portal' },
  { organization: `${'o'.repeat(40)}`, project: `${'p'.repeat(40)}` },
  undefined,
];
const upstreams = [
  { host: 'web.shop.svc.cluster.local', port: 3000 },
  { host: 'api.shop.svc', port: 9000 },
  { host: '10.1.2.3', port: 8080 },
  { host: 'backend.example.net', port: 443 },
];
const internals = [undefined, '/svc', '/svc/'];
const bases = ['/', '/api', '/api/v1', '/api/v1/users', '/static', '/a-b/c_d.e~f'];
const label63 = 'l'.repeat(63);

export function generatedRoutes(): Route[] {
  const perBrand = (k: number) => [`brand${k}.test`, `www.brand${k}.test`, `shop.my-brand${k}.test`, `*.saas${k}.test`, `*.deep.saas${k}.test`, `tenant1.saas${k}.test`];
  const hosts = [
    ...Array.from({ length: 12 }, (_, k) => perBrand(k)).flat(),
    `${label63}.${label63}.${label63}.${'m'.repeat(56)}.test`, // 253 characters
    `${label63}.example.test`,
    'bücher.example.test',
    'UPPER.Example.Test',
  ];
  const routes: Route[] = [];
  let n = 0;
  for (const hostname of hosts) {
    for (const basePath of bases) {
      const upstream = upstreams[n % upstreams.length]!;
      const path = internals[n % internals.length];
      routes.push({
        hostname,
        basePath,
        upstream: path === undefined ? upstream : { ...upstream, path },
        stripPath: n % 2 === 0,
        protocol: PROTOCOL_MODES[n % PROTOCOL_MODES.length]!,
        ...(n % 5 === 1 ? { redirectStatus: 301 as const } : {}),
        ...(tenants[n % tenants.length] ? { tenant: tenants[n % tenants.length]! } : {}),
      });
      n++;
    }
  }
  // More base paths on one host than an HTTPRoute holds rules (16): the route is split.
  for (let i = 0; i < 40; i++) {
    routes.push({ hostname: 'many.example.test', basePath: `/p${i}`, upstream: upstreams[i % 2]!, stripPath: i % 3 === 0, protocol: PROTOCOL_MODES[i % 4]!, tenant: tenants[0]! });
  }
  return routes;
}
