/**
 * One rendered (and possibly decorated) Traefik configuration → one configuration per project, for the file
 * provider's `directory` mode (`portico-<organization>.<project>.yaml`). Pure.
 *
 * The whole table is rendered once and then split, never rendered per project: some rules span projects (a
 * wildcard router excludes the exact hostnames below it, whoever owns them), and decorators see one config.
 *
 * Names never clash across files. Traefik merges every file of the directory and, for a name defined twice, keeps
 * the first file's definition and logs a warning ("already configured, skipping"): a clash is silent misrouting, and
 * even identical duplicates warn on every reload. So:
 * - routers are named per (hostname, base path), and each one belongs to exactly one file;
 * - services and middlewares, which several projects may share (one per upstream, the redirect middleware), are
 *   copied into every file whose routers use them, under a name scoped to that file: `<name>_<organization>_<project>`
 *   (`<name>_default` for routes of no tenant). Slugs never contain `_`, so two files never produce the same name;
 * - whatever no router of the split references (a decorator's extra service, other sections) goes to `_default`
 *   under its own name.
 */
import type { Route, RouteTenant } from '@portico/kernel';
import { routerOwners, type TraefikConfig, type TraefikRouter } from './render.ts';

/** The file key of routes without a tenant: `portico-_default.yaml`. */
export const DEFAULT_TENANT_KEY = '_default';

const SLUG = /^[a-z0-9-]+$/;

/** `acme.storefront` for `{ organization: 'acme', project: 'storefront' }`, `_default` without a tenant. */
export function tenantKey(tenant: RouteTenant | undefined): string {
  if (tenant === undefined) return DEFAULT_TENANT_KEY;
  if (!SLUG.test(tenant.organization) || !SLUG.test(tenant.project)) {
    throw new TypeError(`tenant ${tenant.organization}/${tenant.project}: slugs are a-z, 0-9 and -`);
  }
  return `${tenant.organization}.${tenant.project}`;
}

/** The suffix that scopes a shared name to one file: `_acme_storefront`, `_default`. */
function scopeOf(key: string): string {
  return key === DEFAULT_TENANT_KEY ? '_default' : `_${key.replace('.', '_')}`;
}

type Json = Record<string, unknown>;
const local = (name: string) => !name.includes('@');

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Splits `config` by the tenant of each router's route (`routes` is the table it was rendered from). Returns
 * file key (`tenantKey`) → configuration, keys sorted; projects without routers get no entry.
 */
export function splitByTenant(config: TraefikConfig, routes: readonly Route[]): Map<string, TraefikConfig> {
  return splitByOwners(config, routerOwners(routes));
}

/** `splitByTenant` with the owners known: router base name (`routeName`) → tenant, as `routerOwners` gives them. */
export function splitByOwners(config: TraefikConfig, owners: ReadonlyMap<string, RouteTenant | undefined>): Map<string, TraefikConfig> {
  const { routers, services, middlewares, ...otherHttp } = config.http;
  const { http: _http, ...otherSections } = config as TraefikConfig & Json;
  const files = new Map<string, TraefikConfig>();
  const fileOf = (key: string): TraefikConfig => {
    let file = files.get(key);
    if (!file) files.set(key, (file = { http: { routers: {}, services: {}, middlewares: {} } }));
    return file;
  };
  const usedServices = new Set<string>();
  const usedMiddlewares = new Set<string>();

  for (const [name, router] of Object.entries(routers)) {
    const base = name.replace(/-https?$/, '');
    const key = owners.has(base) ? tenantKey(owners.get(base)) : DEFAULT_TENANT_KEY;
    const scope = scopeOf(key);
    const file = fileOf(key).http;
    const scoped: TraefikRouter = { ...router };
    if (local(router.service) && services[router.service] !== undefined) {
      usedServices.add(router.service);
      scoped.service = `${router.service}${scope}`;
      file.services[scoped.service] = services[router.service]!;
    }
    if (router.middlewares) {
      scoped.middlewares = router.middlewares.map((mw) => {
        if (!local(mw) || middlewares[mw] === undefined) return mw;
        usedMiddlewares.add(mw);
        file.middlewares[`${mw}${scope}`] = middlewares[mw]!;
        return `${mw}${scope}`;
      });
    }
    file.routers[name] = scoped;
  }

  // What no router uses, and sections other than routers/services/middlewares, keep their names in `_default`.
  const leftServices = Object.entries(services).filter(([name]) => !usedServices.has(name));
  const leftMiddlewares = Object.entries(middlewares).filter(([name]) => !usedMiddlewares.has(name));
  if (leftServices.length + leftMiddlewares.length + Object.keys(otherHttp).length + Object.keys(otherSections).length > 0) {
    const file = fileOf(DEFAULT_TENANT_KEY) as TraefikConfig & Json;
    for (const [name, service] of leftServices) file.http.services[name] = service;
    for (const [name, middleware] of leftMiddlewares) file.http.middlewares[name] = middleware;
    Object.assign(file.http, otherHttp);
    Object.assign(file, otherSections);
  }

  for (const file of files.values()) {
    file.http.routers = sortKeys(file.http.routers);
    file.http.services = sortKeys(file.http.services);
    file.http.middlewares = sortKeys(file.http.middlewares);
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
