/**
 * Route table → Traefik v3 dynamic configuration (`http.routers`, `http.services`, `http.middlewares`). Pure:
 * data in, config out; delivery lives in deliver-*.ts.
 *
 * One router per route and scheme. Traefik tries routers by priority, and its default priority is the length
 * of the rule string, which has nothing to do with routing.ts. So every router gets an explicit priority: the
 * base path length + 1, longest first (two base paths that both match one request are prefixes of each other,
 * so the longer string is the longer prefix). Rules of different hosts never overlap (see below), so the
 * priority only orders the routers of one host.
 *
 * Segment boundary: a non-root base path is ``(Path(`/api`) || PathPrefix(`/api/`))``; `PathPrefix(`/api`)`
 * alone would also match `/apiary`.
 *
 * Refusals: a scheme a route does not serve (`https` over HTTP, `http` over HTTPS) must answer 404, not fall
 * through to a shorter base path of the same host. So a router's rule excludes the longer base paths of its
 * host that are not served on its entry point; Traefik answers 404 when no router matches.
 *
 * Wildcards: `*.example.com` is `HostRegexp(`^[^.]+\.example\.com$`)` (one label), minus the exact hostnames
 * below it that have routes of their own (an exact hostname beats the wildcard even where it has no matching
 * base path).
 *
 * Paths: strip with internal `/` is `stripPrefix` (an empty rest becomes `/`); any non-root internal path is one
 * `replacePathRegex` that strips (or not) and prepends in one step, because stripPrefix-then-addPrefix would turn
 * exactly `/api` into `/svc/` where routing.ts forwards `/svc`.
 *
 * Ownership challenges (`Route.ownershipChallenge`): Traefik has no static response, so with
 * `ownershipChallengeUrl` (Portico as Traefik reaches it) each challenged host gets a router for exactly
 * `/.well-known/portico-challenge/<token>`, above every base path (`CHALLENGE_PRIORITY`), to a service pointing at
 * Portico, which answers the token for a Host whose routed domain has it. Without the option nothing is rendered
 * and the path is routed as usual (the plugin warns: such domains drift once their DNS points at Traefik).
 */
import { emitYaml, type Route, type RouteTenant, type SuppliedCertificate } from '@portico/kernel';
import { TraefikRenderCache } from './render-cache.ts';

export { CHALLENGE_PRIORITY, CHALLENGE_SERVICE, REDIRECT_MIDDLEWARE, routeName } from './host-units.ts';

export interface TraefikRenderOptions {
  /** Entry point for plain HTTP. Default `web`. */
  httpEntryPoint: string;
  /** Entry point for HTTPS. Default `websecure`. */
  httpsEntryPoint: string;
  /** `tls.certResolver` of HTTPS routers; absent: `tls: {}` (certificates supplied, e.g. by cert-acme). */
  certResolver?: string;
  /**
   * Portico's URL as Traefik reaches it (`http://portico:4000`, no path): ownership challenges of hostnames verified
   * by a file are forwarded there with their Host. Absent: no challenge routers.
   */
  ownershipChallengeUrl?: string;
}

export const DEFAULT_RENDER_OPTIONS: TraefikRenderOptions = { httpEntryPoint: 'web', httpsEntryPoint: 'websecure' };

type Json = Record<string, unknown>;

export interface TraefikRouter {
  entryPoints: string[];
  rule: string;
  priority: number;
  service: string;
  middlewares?: string[];
  tls?: { certResolver?: string; domains?: { main: string }[] };
}

export interface TraefikConfig {
  http: { routers: Record<string, TraefikRouter>; services: Record<string, Json>; middlewares: Record<string, Json> };
  /**
   * Certificates Portico supplies (cert.acme): Traefik's `tls.certificates`, the PEM content itself in `certFile` and
   * `keyFile` (Traefik takes a path or the content), picked by SNI for routers with `tls: {}`. Absent without any.
   */
  tls?: { certificates: TraefikCertificate[] };
}

export interface TraefikCertificate {
  certFile: string;
  keyFile: string;
}

/**
 * The owner of every router: router base name (`routeName`, without `-http`/`-https`) → the tenant of the route
 * that wins its (hostname, base path), `undefined` for a route of no tenant. Lets a rendered config be split per
 * project (split.ts) without rendering each project alone, which would lose rules that span projects (a wildcard
 * excludes the exact hostnames below it, whoever owns them).
 */
export function routerOwners(routes: readonly Route[]): Map<string, RouteTenant | undefined> {
  const cache = new TraefikRenderCache({ ...DEFAULT_RENDER_OPTIONS, ownershipChallengeUrl: 'http://owners.invalid' });
  cache.reset(routes);
  return new Map([...cache.owners].map(([name, tenant]) => [name.replace(/-https?$/, ''), tenant]));
}

/** The whole route table as one Traefik configuration (host by host: render-cache.ts), keys sorted. */
export function renderTraefikConfig(routes: readonly Route[], options: TraefikRenderOptions = DEFAULT_RENDER_OPTIONS, certificates: readonly SuppliedCertificate[] = []): TraefikConfig {
  const cache = new TraefikRenderCache(options);
  cache.reset(routes);
  return cache.config(certificates);
}

/** YAML as the file provider reads it, keys sorted at every level, so equal configs give equal bytes. */
export function toYaml(config: TraefikConfig): string {
  return emitYaml(config);
}
