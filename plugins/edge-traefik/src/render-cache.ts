/**
 * The Traefik configuration kept between renders, host by host, so that a change to a few hosts re-renders those
 * hosts only (host-units.ts) and says exactly which routers, services and middlewares it added, changed or removed
 * (`RenderDelta`), for deliveries that write only that (Redis keys, one project's file, the served body).
 *
 * Rules: a full render (`reset`) is the reference, and applying any sequence of change sets to it ends in the
 * configuration a full render of the resulting table gives (render-cache.test.ts checks random sequences). Shared
 * units (services, middlewares) are counted by the hosts that use them and leave with the last one. A wildcard
 * host is rendered again whenever an exact host one label below it appears or disappears.
 */
import type { Route, RouteChanges, RouteTenant, SuppliedCertificate } from '@portico/kernel';
import { hostOf, parentOf, renderHost, type HostUnits } from './host-units.ts';
import type { TraefikCertificate, TraefikConfig, TraefikRenderOptions, TraefikRouter } from './render.ts';

type Json = Record<string, unknown>;
export type Section = 'routers' | 'services' | 'middlewares';
export const SECTIONS: readonly Section[] = ['routers', 'services', 'middlewares'];

/** One unit that a change added (`before` undefined), changed or removed (`after` undefined). */
export interface UnitChange {
  section: Section;
  name: string;
  before: unknown;
  after: unknown;
}

/** What one `apply` changed. */
export interface RenderDelta {
  units: UnitChange[];
  /** The tenants of the routers that changed, before and after (`undefined`: routes of no tenant). */
  tenants: Array<RouteTenant | undefined>;
}

interface Shared {
  value: Json;
  refs: number;
}

/** Hosts rendered between two pauses of `resetInSlices` (a few milliseconds of work). */
const HOSTS_PER_SLICE = 2000;

/** Whether `list[i]` is the first entry of `list` with its name (a host lists a few units: a scan is cheapest). */
function firstNaming(list: ReadonlyArray<[string, unknown]>, i: number): boolean {
  const name = list[i]![0];
  for (let j = 0; j < i; j++) if (list[j]![0] === name) return false;
  return true;
}

const ownerKey = (tenant: RouteTenant | undefined) => (tenant === undefined ? '' : `${tenant.organization}/${tenant.project}`);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `tls.certificates` entries, sorted by first hostname so equal inputs give equal bytes. */
export function suppliedCertificates(certificates: readonly SuppliedCertificate[]): TraefikCertificate[] {
  const first = (c: SuppliedCertificate) => c.hostnames[0] ?? '';
  return [...certificates].sort((a, b) => compare(first(a), first(b))).map((c) => ({ certFile: c.certificatePem, keyFile: c.privateKeyPem }));
}

export class TraefikRenderCache {
  /** The route-table version the kept configuration is (`undefined`: unknown, so the next render is whole). */
  version: number | undefined;
  /** Counts every `reset` and `apply`: what keeps its own copy of the units (unit-texts.ts) follows it. */
  generation = 0;
  readonly #options: TraefikRenderOptions;
  #routes = new Map<string, Route[]>();
  #units = new Map<string, HostUnits>();
  /** Parent → the exact hosts one label below it (a list: nearly every parent has one). */
  #exactByParent = new Map<string, Set<string>>();
  readonly routers = new Map<string, TraefikRouter>();
  readonly owners = new Map<string, RouteTenant | undefined>();
  readonly #byOwner = new Map<string, Set<string>>();
  readonly #shared: Record<'services' | 'middlewares', Map<string, Shared>> = { services: new Map(), middlewares: new Map() };

  constructor(options: TraefikRenderOptions) {
    this.#options = options;
  }

  /** The value of one unit now. */
  unit(section: Section, name: string): unknown {
    return section === 'routers' ? this.routers.get(name) : this.#shared[section].get(name)?.value;
  }

  /** Every unit name of a section, in no particular order. */
  names(section: Section): IterableIterator<string> {
    return section === 'routers' ? this.routers.keys() : this.#shared[section].keys();
  }

  /** The routers of one tenant (`undefined`: routes of no tenant). */
  routersOwnedBy(tenant: RouteTenant | undefined): ReadonlySet<string> {
    return this.#byOwner.get(ownerKey(tenant)) ?? new Set();
  }

  /** Render `routes` whole, forgetting what was kept. */
  reset(routes: readonly Route[], version?: number): void {
    for (const _ of this.#reset(routes, version));
  }

  /**
   * `reset`, handing the event loop back every `HOSTS_PER_SLICE` hosts (`pause`), so a whole render of a large
   * table never holds a server's event loop for more than a slice.
   */
  async resetInSlices(routes: readonly Route[], version: number | undefined, pause: () => Promise<void>): Promise<void> {
    for (const _ of this.#reset(routes, version)) await pause();
  }

  *#reset(routes: readonly Route[], version?: number): Generator<void> {
    this.version = undefined;
    this.#routes = new Map();
    this.#units = new Map();
    this.#exactByParent = new Map();
    this.routers.clear();
    this.owners.clear();
    this.#byOwner.clear();
    this.#shared.services.clear();
    this.#shared.middlewares.clear();
    for (const route of routes) {
      const host = hostOf(route);
      const list = this.#routes.get(host);
      if (list) list.push(route);
      else this.#routes.set(host, [route]);
    }
    for (const host of this.#routes.keys()) this.#index(host, true);
    let done = 0;
    for (const host of this.#routes.keys()) {
      this.#put(host, undefined);
      if (++done % HOSTS_PER_SLICE === 0) yield;
    }
    this.version = version;
    this.generation += 1;
  }

  /**
   * Apply a change set (the hosts that changed and their routes now) to the kept configuration; resolves with what
   * it changed. The caller checks `changes.since === version` first.
   */
  apply(changes: Pick<RouteChanges, 'hosts' | 'routes'>, version?: number): RenderDelta {
    const next = new Map<string, Route[]>();
    for (const host of changes.hosts) next.set(host.toLowerCase().replace(/\.$/, ''), []);
    for (const route of changes.routes) {
      const host = hostOf(route);
      const list = next.get(host);
      if (list) list.push(route);
      else next.set(host, [route]);
    }
    const again = new Set<string>();
    for (const [host, routes] of next) {
      const had = this.#routes.has(host);
      if (routes.length > 0) this.#routes.set(host, routes);
      else this.#routes.delete(host);
      again.add(host);
      if (had !== routes.length > 0) {
        this.#index(host, !had);
        const parent = parentOf(host);
        if (parent !== undefined && this.#routes.has(`*.${parent}`)) again.add(`*.${parent}`);
      }
    }
    const touched = new Map<string, UnitChange>();
    const tenants: Array<RouteTenant | undefined> = [];
    const touch = (section: Section, name: string) => {
      const key = `${section}/${name}`;
      if (!touched.has(key)) touched.set(key, { section, name, before: this.unit(section, name), after: undefined });
    };
    for (const host of again) {
      const old = this.#units.get(host);
      if (old) {
        for (const [name] of old.routers) tenants.push(this.owners.get(name));
        for (const section of SECTIONS) for (const [name] of old[section]) touch(section, name);
      }
      this.#drop(host);
    }
    for (const host of again) {
      if (!this.#routes.has(host)) continue;
      this.#put(host, (units) => {
        for (const section of SECTIONS) for (const [name] of units[section]) touch(section, name);
      });
      for (const [name] of this.#units.get(host)?.routers ?? []) tenants.push(this.owners.get(name));
    }
    const units: UnitChange[] = [];
    for (const change of touched.values()) {
      change.after = this.unit(change.section, change.name);
      if (change.before === change.after) continue;
      if (change.before !== undefined && change.after !== undefined && JSON.stringify(change.before) === JSON.stringify(change.after)) continue;
      units.push(change);
    }
    this.version = version;
    this.generation += 1;
    return { units, tenants };
  }

  /** The whole configuration, keys sorted (equal tables, equal bytes). */
  config(certificates: readonly SuppliedCertificate[] = []): TraefikConfig {
    // The default order of strings is by UTF-16 code unit, as `compare`, and needs no call per comparison.
    const sorted = <T, V>(map: ReadonlyMap<string, T>, valueOf: (entry: T) => V): Record<string, V> => Object.fromEntries([...map.keys()].sort().map((name) => [name, valueOf(map.get(name)!)]));
    const value = (shared: Shared) => shared.value;
    const http = { routers: sorted(this.routers, (router) => router), services: sorted(this.#shared.services, value), middlewares: sorted(this.#shared.middlewares, value) };
    return certificates.length === 0 ? { http } : { http, tls: { certificates: suppliedCertificates(certificates) } };
  }

  /** Keep `host` in (or take it out of) the index of exact hosts by parent that wildcards give way to. */
  #index(host: string, present: boolean): void {
    const parent = parentOf(host);
    if (parent === undefined) return;
    // A set, not a list: one parent may hold every host of an installation (`*.bench.test` over 100,000 names).
    const siblings = this.#exactByParent.get(parent);
    if (present) {
      if (!siblings) this.#exactByParent.set(parent, new Set([host]));
      else siblings.add(host);
    } else if (siblings) {
      siblings.delete(host);
      if (siblings.size === 0) this.#exactByParent.delete(parent);
    }
  }

  /** Render `host` from its kept routes and add its units (`before` sees them before they are counted). */
  #put(host: string, before: ((units: HostUnits) => void) | undefined): void {
    const routes = this.#routes.get(host) ?? [];
    const below = host.startsWith('*.') ? [...(this.#exactByParent.get(host.slice(2)) ?? [])].sort(compare) : [];
    const units = renderHost(host, routes, below, this.#options);
    before?.(units);
    this.#units.set(host, units);
    let lastOwner: RouteTenant | undefined | null = null;
    let owned: Set<string> | undefined;
    for (let i = 0; i < units.routers.length; i++) {
      const [name, router] = units.routers[i]!;
      const owner = units.owners[i];
      this.routers.set(name, router);
      this.owners.set(name, owner);
      // A host's routers mostly share one tenant: its set is looked up once.
      if (owner !== lastOwner || owned === undefined) {
        const key = ownerKey(owner);
        owned = this.#byOwner.get(key);
        if (!owned) this.#byOwner.set(key, (owned = new Set()));
        lastOwner = owner;
      }
      owned.add(name);
    }
    for (const section of ['services', 'middlewares'] as const) {
      const list = units[section];
      for (let i = 0; i < list.length; i++) {
        const [name, value] = list[i]!;
        // A host names a shared unit once however many of its routes use it (the first naming counts).
        if (!firstNaming(list, i)) continue;
        const shared = this.#shared[section].get(name);
        if (shared) shared.refs += 1;
        else this.#shared[section].set(name, { value, refs: 1 });
      }
    }
  }

  /** Take `host`'s units out. */
  #drop(host: string): void {
    const units = this.#units.get(host);
    if (!units) return;
    this.#units.delete(host);
    for (const [name] of units.routers) {
      this.#byOwner.get(ownerKey(this.owners.get(name)))?.delete(name);
      this.routers.delete(name);
      this.owners.delete(name);
    }
    for (const section of ['services', 'middlewares'] as const) {
      const list = units[section];
      for (let i = 0; i < list.length; i++) {
        if (!firstNaming(list, i)) continue;
        const name = list[i]![0];
        const shared = this.#shared[section].get(name);
        if (shared && --shared.refs === 0) this.#shared[section].delete(name);
      }
    }
  }
}
