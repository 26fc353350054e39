/**
 * The Istio objects kept between renders, host by host, so a change re-renders only the hosts it touched and
 * rebuilds only the tenants they belong to; the other tenants keep the very arrays they had, which lets the GitOps
 * delivery skip them without serialising anything (`tenantFiles`).
 *
 * Rules: a whole render (`reset`) is the reference, and applying any sequence of change sets to it ends in what
 * `renderIstio` gives for the resulting table (render-cache.test.ts checks random sequences). What one host's
 * objects depend on besides its own routes: the wildcards covering it (any suffix, as Envoy matches them), so a
 * changed wildcard re-renders every host below it.
 */
import type { Route, RouteChanges } from '@portico/kernel';
import { byCodeUnit, canonicalHost, groupRoutes } from './host-groups.ts';
import { hostObjects, tenantOfOptions, type IstioRenderOptions, type KubeObject, type TenantManifests } from './render.ts';

export class IstioRenderCache {
  /** The route-table version the kept objects are (`undefined`: unknown, so the next render is whole). */
  version: number | undefined;
  readonly #options: IstioRenderOptions;
  #routes = new Map<string, Route[]>();
  #hosts = new Map<string, { tenant: string; objects: KubeObject[] }>();
  #tenantHosts = new Map<string, Set<string>>();
  #tenants = new Map<string, KubeObject[]>();

  constructor(options: IstioRenderOptions) {
    this.#options = options;
  }

  /** Render `routes` whole, forgetting what was kept. */
  reset(routes: readonly Route[], version?: number): void {
    this.#routes = new Map();
    for (const route of routes) {
      const host = canonicalHost(route);
      const list = this.#routes.get(host);
      if (list) list.push(route);
      else this.#routes.set(host, [route]);
    }
    this.#hosts = new Map();
    this.#tenantHosts = new Map();
    this.#tenants = new Map();
    this.#render([...this.#routes.keys()], new Set());
    this.version = version;
  }

  /** Apply a change set (the hosts that changed and their routes now); the caller checks `since` first. */
  apply(changes: Pick<RouteChanges, 'hosts' | 'routes'>, version?: number): void {
    const next = new Map<string, Route[]>();
    for (const host of changes.hosts) next.set(host.toLowerCase().replace(/\.$/, ''), []);
    for (const route of changes.routes) {
      const host = canonicalHost(route);
      const list = next.get(host);
      if (list) list.push(route);
      else next.set(host, [route]);
    }
    for (const [host, routes] of next) {
      if (routes.length > 0) this.#routes.set(host, routes);
      else this.#routes.delete(host);
    }
    const again = new Set(next.keys());
    // A changed wildcard changes every host it covers, at any depth.
    const wildcards = [...next.keys()].filter((host) => host.startsWith('*.')).map((host) => `.${host.slice(2)}`);
    if (wildcards.length > 0) {
      for (const host of new Set([...this.#routes.keys(), ...this.#hosts.keys()])) {
        const name = host.replace(/^\*\./, '');
        if (wildcards.some((suffix) => `.${name}`.endsWith(suffix) && `.${name}` !== suffix)) again.add(host);
      }
    }
    this.#render([...again], new Set());
    this.version = version;
  }

  /** Every tenant's objects, sorted by tenant; a tenant the last change did not touch keeps its array. */
  manifests(): TenantManifests[] {
    return [...this.#tenants].sort(([a], [b]) => byCodeUnit(a, b)).map(([tenant, objects]) => ({ tenant, objects }));
  }

  /** Render `hosts` again (the covering wildcards read from the kept routes) and rebuild the tenants they touch. */
  #render(hosts: string[], touched: Set<string>): void {
    const wildcards = [...this.#routes.keys()].filter((host) => host.startsWith('*.'));
    const wanted = new Set(hosts);
    const routes = [...new Set([...hosts, ...wildcards])].flatMap((host) => this.#routes.get(host) ?? []);
    const groups = new Map(groupRoutes(routes, tenantOfOptions(this.#options)).map((group) => [group.hostname, group]));
    for (const host of wanted) {
      const old = this.#hosts.get(host);
      if (old) {
        touched.add(old.tenant);
        this.#tenantHosts.get(old.tenant)?.delete(host);
        this.#hosts.delete(host);
      }
      const group = groups.get(host);
      if (!group) continue;
      touched.add(group.tenant);
      this.#hosts.set(host, { tenant: group.tenant, objects: hostObjects(group, this.#options) });
      const set = this.#tenantHosts.get(group.tenant);
      if (set) set.add(host);
      else this.#tenantHosts.set(group.tenant, new Set([host]));
    }
    for (const tenant of touched) {
      const members = [...(this.#tenantHosts.get(tenant) ?? [])].sort(byCodeUnit);
      if (members.length === 0) {
        this.#tenants.delete(tenant);
        this.#tenantHosts.delete(tenant);
      } else this.#tenants.set(tenant, members.flatMap((host) => this.#hosts.get(host)!.objects));
    }
  }
}
