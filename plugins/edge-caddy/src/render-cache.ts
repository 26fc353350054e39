/**
 * The Caddy routes kept between renders of one place (an edge's admin API), so that a change set re-renders only
 * the groups its hosts are in and says which routes of each server it added, changed or removed (`CaddyDelta`),
 * for a delivery that sends only those (deliver.ts).
 *
 * Rules: a whole render (`reset`) is the reference, and applying any sequence of change sets to it ends in what
 * `renderCaddyConfig` gives for the resulting table (test/incremental.test.ts checks random sequences against a real
 * Caddy). A host's routes decide which groups list it; a group leaves with its last host. The challenge route is
 * rendered again whenever a changed host had or has a challenge.
 */
import { createHash } from 'node:crypto';
import type { Route, RouteChanges, SuppliedCertificate } from '@portico/kernel';
import {
  caddyConfig,
  canonicalHost,
  catchAllRoute,
  challengeId,
  challengePairs,
  challengeRoute,
  compareGroups,
  groupId,
  groupRoute,
  groupRoutes,
  SCHEMES,
  uniqueRoutes,
  type CaddyRenderOptions,
  type Group,
  type Json,
  type Scheme,
} from './render.ts';

/** One route of a server as delivered: its `@id` (`''` for the catch-all, which never changes) and its JSON. */
export interface Slot {
  id: string;
  route: Json;
}

/** One route a change added (`before` undefined), changed or removed (`after` undefined). */
export interface SlotChange {
  id: string;
  before?: Json;
  after?: Json;
}

/** What one `apply` changed, per server; `tls` when the supplied certificates differ (a whole load then). */
export interface CaddyDelta {
  tls: boolean;
  servers: Record<Scheme, { before: Slot[]; changes: SlotChange[] }>;
}

interface KeptGroup extends Group {
  route: Json;
}

const certificatesKey = (certificates: readonly SuppliedCertificate[]) => createHash('sha256').update(JSON.stringify(certificates)).digest('hex');

export class CaddyRenderCache {
  /** The route-table version the kept routes are (`undefined`: unknown, so the next render is whole). */
  version: number | undefined;
  readonly options: CaddyRenderOptions;
  #certificates: readonly SuppliedCertificate[] = [];
  #certificatesKey = certificatesKey([]);
  #hosts = new Map<string, Route[]>();
  #groups: Record<Scheme, Map<string, KeptGroup>> = { https: new Map(), http: new Map() };
  #pairs = new Map<string, [string, string]>();
  #challenge: Record<Scheme, Json | undefined> = { https: undefined, http: undefined };

  constructor(options: CaddyRenderOptions) {
    this.options = options;
  }

  /** Render `routes` whole, forgetting what was kept. */
  reset(routes: readonly Route[], version: number | undefined, certificates: readonly SuppliedCertificate[] = []): void {
    this.#hosts = new Map();
    for (const route of routes) {
      const host = canonicalHost(route.hostname);
      const list = this.#hosts.get(host);
      if (list) list.push(route);
      else this.#hosts.set(host, [route]);
    }
    const table = uniqueRoutes(routes);
    for (const scheme of SCHEMES) {
      const groups = groupRoutes(table, scheme, this.options.redirectStatus) as Map<string, KeptGroup>;
      for (const group of groups.values()) group.route = groupRoute(group, scheme, this.options);
      this.#groups[scheme] = groups;
    }
    this.#pairs = challengePairs(routes);
    for (const scheme of SCHEMES) this.#challenge[scheme] = challengeRoute(this.#pairs, scheme)[0];
    this.#certificates = certificates;
    this.#certificatesKey = certificatesKey(certificates);
    this.version = version;
  }

  /**
   * Apply a change set (the hosts that changed and their routes now) to the kept routes; returns what it changed.
   * The caller checks `changes.since === version` first.
   */
  apply(changes: Pick<RouteChanges, 'hosts' | 'routes'>, version: number | undefined, certificates: readonly SuppliedCertificate[] = []): CaddyDelta {
    const next = new Map<string, Route[]>();
    for (const host of changes.hosts) next.set(canonicalHost(host), []);
    for (const route of changes.routes) {
      const host = canonicalHost(route.hostname);
      const list = next.get(host);
      if (list) list.push(route);
      else next.set(host, [route]);
    }
    const before = { https: this.#slots('https'), http: this.#slots('http') };
    // Per touched group: its route before the change, and the hosts that left and joined it.
    const touched: Record<Scheme, Map<string, { was: Json | undefined; left: Set<string>; joined: Set<string> }>> = { https: new Map(), http: new Map() };
    const touch = (scheme: Scheme, key: string, group: KeptGroup | undefined) => {
      let entry = touched[scheme].get(key);
      if (!entry) touched[scheme].set(key, (entry = { was: group?.route, left: new Set(), joined: new Set() }));
      return entry;
    };
    let challenged = false;
    for (const [host, routes] of next) {
      const old = this.#hosts.get(host) ?? [];
      if (old.some((r) => r.ownershipChallenge) || routes.some((r) => r.ownershipChallenge)) challenged = true;
      for (const scheme of SCHEMES) {
        const groups = this.#groups[scheme];
        for (const key of groupRoutes(uniqueRoutes(old), scheme, this.options.redirectStatus).keys()) {
          const group = groups.get(key)!;
          touch(scheme, key, group).left.add(host);
          group.hosts.delete(host);
        }
        for (const [key, fresh] of groupRoutes(uniqueRoutes(routes), scheme, this.options.redirectStatus)) {
          const group = groups.get(key);
          touch(scheme, key, group).joined.add(host);
          if (group) group.hosts.add(host);
          else groups.set(key, fresh as KeptGroup);
        }
      }
      if (routes.length > 0) this.#hosts.set(host, routes);
      else this.#hosts.delete(host);
    }
    if (challenged) {
      const challenges = [...next.keys()].flatMap((host) => this.#hosts.get(host) ?? []);
      for (const [key, [host]] of this.#pairs) if (next.has(host)) this.#pairs.delete(key);
      for (const [key, pair] of challengePairs(challenges)) this.#pairs.set(key, pair);
    }
    const delta: CaddyDelta = { tls: certificatesKey(certificates) !== this.#certificatesKey, servers: { https: { before: before.https, changes: [] }, http: { before: before.http, changes: [] } } };
    for (const scheme of SCHEMES) {
      const out = delta.servers[scheme].changes;
      if (challenged) {
        const was = this.#challenge[scheme];
        this.#challenge[scheme] = challengeRoute(this.#pairs, scheme)[0];
        const now = this.#challenge[scheme];
        if (JSON.stringify(was) !== JSON.stringify(now)) out.push({ id: challengeId(scheme), ...(was ? { before: was } : {}), ...(now ? { after: now } : {}) });
      }
      const groups = this.#groups[scheme];
      for (const [key, { was, left, joined }] of touched[scheme]) {
        const group = groups.get(key)!;
        if (group.hosts.size === 0) {
          groups.delete(key);
          if (was) out.push({ id: groupId(scheme, key), before: was });
          continue;
        }
        group.route = groupRoute(group, scheme, this.options, was ? resorted(hostsOf(was), left, joined) : undefined);
        if (!was || !sameHosts(was, group.route)) out.push({ id: groupId(scheme, key), ...(was ? { before: was } : {}), after: group.route });
      }
    }
    this.#certificates = certificates;
    this.#certificatesKey = certificatesKey(certificates);
    this.version = version;
    return delta;
  }

  /** One server's routes in Caddy's order: the challenge route, the groups, the catch-all. */
  slots(scheme: Scheme): Slot[] {
    return this.#slots(scheme);
  }

  /**
   * The whole configuration, as `renderCaddyConfig` gives it for the kept table. With `lazy`, each server's
   * `routes` is a getter that `lazy(scheme)` returns, built when first read.
   */
  config(lazy?: (scheme: Scheme) => () => Json[]): Json {
    if (!lazy) return caddyConfig(this.options, this.#certificates, { https: this.#routes('https'), http: this.#routes('http') });
    const config = caddyConfig(this.options, this.#certificates, { https: [], http: [] });
    const servers = ((config.apps as Json).http as Json).servers as Record<Scheme, Json>;
    for (const scheme of SCHEMES) Object.defineProperty(servers[scheme], 'routes', { enumerable: true, get: lazy(scheme) });
    return config;
  }

  #routes(scheme: Scheme): Json[] {
    return this.#slots(scheme).map((slot) => slot.route);
  }

  #slots(scheme: Scheme): Slot[] {
    const challenge = this.#challenge[scheme];
    const groups = [...this.#groups[scheme].values()].sort(compareGroups);
    return [
      ...(challenge ? [{ id: challengeId(scheme), route: challenge }] : []),
      ...groups.map((group) => ({ id: groupId(scheme, group.key), route: group.route })),
      { id: '', route: catchAllRoute() },
    ];
  }
}

/** A group's route is fixed by its key but for the host list. */
export const hostsOf = (route: Json) => (route.match as Json[])[0]!.host as string[];

/**
 * A sorted host list with `left` taken out and `joined` put in, as a new array, without sorting it all again (a
 * change moves a few hosts of a list that may hold 100,000).
 */
function resorted(sorted: readonly string[], left: ReadonlySet<string>, joined: ReadonlySet<string>): string[] {
  const out = left.size === 0 ? [...sorted] : sorted.filter((host) => !left.has(host));
  if (joined.size > 256) return [...new Set([...out, ...joined])].sort();
  for (const host of joined) {
    let [low, high] = [0, out.length];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (out[mid]! < host) low = mid + 1;
      else high = mid;
    }
    if (out[low] !== host) out.splice(low, 0, host);
  }
  return out;
}
function sameHosts(a: Json, b: Json): boolean {
  const [x, y] = [hostsOf(a), hostsOf(b)];
  return x.length === y.length && x.every((host, i) => host === y[i]);
}
