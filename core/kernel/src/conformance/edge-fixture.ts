/**
 * The fixture route table every edge plugin's snapshots are made from, so Caddy, Traefik and Istio files can be
 * read side by side: every protocol mode, strip on and off, internal paths (with and without a trailing slash),
 * apex domains and subdomains, wildcard hostnames (with an exact hostname below one), nested base paths on one
 * host, an IPv6 upstream, in-cluster upstreams, an ownership challenge (a hostname verified by a file), and
 * three tenants (two projects of one organization).
 */
import type { Route, RouteTenant } from '../hooks.ts';

const brand: RouteTenant = { organization: 'acme', project: 'storefront' };
const docs: RouteTenant = { organization: 'acme', project: 'docs' };
const saas: RouteTenant = { organization: 'globex', project: 'portal' };

const web = { host: 'web.shop.svc.cluster.local', port: 3000 };
const api = { host: 'api.shop.svc.cluster.local', port: 9000 };

export const EDGE_FIXTURE_ROUTES: readonly Route[] = Object.freeze([
  // An apex domain and a subdomain on one upstream.
  { hostname: 'brand.test', basePath: '/', upstream: web, stripPath: true, protocol: 'https', tenant: brand },
  { hostname: 'www.brand.test', basePath: '/', upstream: web, stripPath: true, protocol: 'redirect-to-https', tenant: brand },
  // Nested base paths on one host, each with its own mode: over HTTP /api/v2 answers 404, not the /api redirect.
  { hostname: 'app.example.test', basePath: '/', upstream: web, stripPath: true, protocol: 'both', tenant: brand },
  { hostname: 'app.example.test', basePath: '/api', upstream: api, stripPath: true, protocol: 'redirect-to-https', tenant: brand },
  { hostname: 'app.example.test', basePath: '/api/v2', upstream: { ...api, port: 9002, path: '/v2' }, stripPath: true, protocol: 'https', tenant: brand },
  // Strip off with an internal path ending in a slash: /docs/x reaches the upstream as /svc/docs/x.
  { hostname: 'docs.example.test', basePath: '/docs', upstream: { host: '10.0.0.7', port: 8080, path: '/svc/' }, stripPath: false, protocol: 'http', tenant: docs },
  // Strip on with an internal path: /blog/x → /wp/x, /blog → /wp.
  { hostname: 'docs.example.test', basePath: '/blog', upstream: { host: '10.0.0.8', port: 80, path: '/wp' }, stripPath: true, protocol: 'both', tenant: docs },
  // Strip off, no internal path.
  { hostname: 'docs.example.test', basePath: '/keep', upstream: web, stripPath: false, protocol: 'https', tenant: docs },
  // Wildcard hostnames: one label below; tenant1.saas.test has routes of its own and so never reaches the wildcard.
  { hostname: '*.saas.test', basePath: '/', upstream: { host: 'saas.portal.svc.cluster.local', port: 8000 }, stripPath: true, protocol: 'redirect-to-https', tenant: saas },
  { hostname: '*.saas.test', basePath: '/static', upstream: { host: 'cdn.portal.svc.cluster.local', port: 8001 }, stripPath: true, protocol: 'https', tenant: saas },
  { hostname: 'tenant1.saas.test', basePath: '/', upstream: { host: 'tenant1.portal.svc.cluster.local', port: 8000 }, stripPath: true, protocol: 'https', tenant: saas },
  // A hostname verified by a file (`http-file`): the edge answers its ownership challenge itself, over HTTP too,
  // although the host serves HTTPS only.
  { hostname: 'files.example.test', basePath: '/', upstream: web, stripPath: false, protocol: 'https', tenant: brand, ownershipChallenge: { token: '3f9a0c1d2e4b5a6f7c8d9e0f1a2b3c4d' } },
  // An IPv6 upstream, and a route of no tenant.
  { hostname: 'v6.example.test', basePath: '/', upstream: { host: 'fd00::10', port: 8000 }, stripPath: false, protocol: 'https' },
] satisfies Route[]);
