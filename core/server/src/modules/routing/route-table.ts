import type { MikroORM } from '@mikro-orm/postgresql';
import { matchRoute, type Route } from '@portico/kernel';
import type { Logger } from 'pino';
import { ROUTES_CHANNEL, type RouteChange } from './route-channel.ts';
import { RouteListener } from './route-listener.ts';
import { certificateOf, isEntry, loadRoutes, routesOf, type Slot } from './route-load.ts';

export { ROUTES_CHANNEL } from './route-channel.ts';

/** One routed `hostname + basePath`: the kernel's `Route` (what edge renderers take) plus where it came from. */
export interface TableRoute extends Route {
  mappingId: string;
  serviceId: string;
  redirectStatus: 301 | 308;
  tlsSource: 'acme' | 'uploaded' | 'none';
}

/** What the listener heard and the table has not loaded yet: ids resolve to hosts when the batch is loaded. */
interface Pending {
  all: boolean;
  hosts: Set<string>;
  services: Set<string>;
  domains: Set<string>;
  mappings: Set<string>;
}
const nothingPending = (): Pending => ({ all: false, hosts: new Set(), services: new Set(), domains: new Set(), mappings: new Set() });

/** Above this many hosts (or half the table) one change reloads everything: one scan beats a huge `in` list. */
const PARTIAL_RELOAD_LIMIT = 20_000;
const RETRY_MS = 2000;
/** How far back `changesSince` can tell: this many versions, and this many changed hosts in all. */
const CHANGE_LOG_VERSIONS = 1000;
const CHANGE_LOG_HOSTS = 100_000;

/**
 * The route table every edge reads: host → routes (longest base path first) + "may this host have a certificate",
 * compiled from the database and kept current in every process by the triggers' NOTIFY on `portico_routes`
 * (see route-channel.ts: a change names a service, domain or mapping; only the hosts behind it are reloaded).
 * Loads run one at a time, in order. LISTEN is in place before the first load, so nothing committed in between is
 * missed; a lost or deaf listener (route-listener.ts) makes the table `stale` until the full reload that follows
 * its reconnect, and a failed load does the same until a full reload succeeds. Lookups are one Map get (plus one
 * for a wildcard parent), so the on-demand TLS `ask` stays cheap.
 */
export class RouteTable {
  #hosts = new Map<string, Slot>();
  #orm: MikroORM;
  #logger: Logger;
  #checkIntervalMs: number;
  #listener: RouteListener | undefined;
  #pending = nothingPending();
  #flush: Promise<void> | undefined;
  #stopped = false;
  #stale = false;
  /** Counts losses (listener gone, load failed): a full reload clears `stale` only if none happened meanwhile. */
  #losses = 0;
  #fullLoadError: unknown;
  /** Bumped after every (re)load: a cheap "did anything change" for reconcilers and ETags. */
  version = 0;
  /** The hosts each recent version changed (`undefined`: everything, a full reload), oldest first. */
  #log: Array<{ version: number; hosts: string[] | undefined }> = [];
  #logged = 0;
  #listeners: Array<() => void> = [];
  /** `routes()` of one version, built once however many edges render that version. */
  #routesAt: { version: number; routes: readonly TableRoute[] } | undefined;

  /** Call `fn` after every change the table took in (the runtime queues edge reconciles from here). */
  onChange(fn: () => void): void {
    this.#listeners.push(fn);
  }

  constructor({ orm, logger, config }: { orm: MikroORM; logger: Logger; config?: { routeTable: { checkIntervalSeconds: number } } }) {
    this.#orm = orm;
    this.#logger = logger.child({ component: 'route-table' });
    this.#checkIntervalMs = (config?.routeTable.checkIntervalSeconds ?? 30) * 1000;
  }

  get size(): number {
    return this.#hosts.size;
  }

  /**
   * True while the table is known to miss changes: its listener is down or went deaf, or a load failed, and the
   * full reload that repairs it has not completed yet (`/readyz` answers 503 meanwhile).
   */
  get stale(): boolean {
    return this.#stale;
  }

  /**
   * The entry serving `host`: its own, else the wildcard of its parent (`*.example.com` serves `a.example.com`)
   * unless another organization holds `host` by its own claim.
   */
  #entry(host: string): Slot | undefined {
    const own = this.#hosts.get(host);
    if (own !== undefined) return own;
    const dot = host.indexOf('.');
    if (dot === -1) return undefined;
    const wildcard = this.#hosts.get(`*${host.slice(dot)}`);
    return wildcard !== undefined && isEntry(wildcard) && wildcard.carvedOut?.has(host) ? undefined : wildcard;
  }

  /** The on-demand TLS gate: is `host` (lower case, no trailing dot) verified, routed, and served over HTTPS? */
  allowsCertificate(host: string): boolean {
    const slot = this.#entry(host);
    return slot !== undefined && certificateOf(slot);
  }

  /**
   * Which mapped name grants `host` a certificate: `host` itself when it is mapped by name, its parent's wildcard
   * (`*.example.com`) when only that serves it, undefined when none may be had. One or two Map gets.
   */
  certificateGrant(host: string): string | undefined {
    const own = this.#hosts.get(host);
    if (own !== undefined) return certificateOf(own) ? host : undefined;
    const dot = host.indexOf('.');
    if (dot === -1) return undefined;
    const wildcard = `*${host.slice(dot)}`;
    const slot = this.#hosts.get(wildcard);
    if (slot === undefined || !certificateOf(slot)) return undefined;
    return isEntry(slot) && slot.carvedOut?.has(host) ? undefined : wildcard;
  }

  /** The route serving `host` + `path`, by the kernel's rules (the preview's and every renderer's). */
  match(host: string, path: string): TableRoute | undefined {
    const slot = this.#entry(host);
    return slot && (matchRoute(routesOf(slot), { hostname: host, path }) as TableRoute | undefined);
  }

  /** The routes that may serve `host` (its own, or its wildcard parent's), for the kernel's preview. */
  routesFor(host: string): readonly TableRoute[] {
    const slot = this.#entry(host);
    return slot === undefined ? [] : routesOf(slot);
  }

  /** Every route, host by host (edge renderers); one array per version, shared by every caller of that version. */
  routes(): readonly TableRoute[] {
    if (this.#routesAt?.version === this.version) return this.#routesAt.routes;
    const routes: TableRoute[] = [];
    for (const slot of this.#hosts.values()) {
      if (isEntry(slot)) routes.push(...slot.routes);
      else routes.push(slot);
    }
    this.#routesAt = { version: this.version, routes };
    return routes;
  }

  /**
   * What changed between version `since` and now: the hosts whose routes were reloaded (added, changed or removed)
   * and their routes now, for edges that render only what changed (the kernel's `RouteChanges`). Undefined when the
   * table cannot tell: a full reload happened since (every route was read anew), or `since` is older than the
   * changes it keeps (the last `CHANGE_LOG_VERSIONS` versions, at most `CHANGE_LOG_HOSTS` hosts in all).
   */
  changesSince(since: number): { since: number; hosts: string[]; routes: TableRoute[] } | undefined {
    if (since > this.version || since < 0) return undefined;
    if (since === this.version) return { since, hosts: [], routes: [] };
    const first = this.#log.findIndex((entry) => entry.version > since);
    if (first === -1 || this.#log[first]!.version !== since + 1) return undefined;
    const hosts = new Set<string>();
    for (let i = first; i < this.#log.length; i++) {
      const changed = this.#log[i]!.hosts;
      if (changed === undefined) return undefined;
      for (const host of changed) hosts.add(host);
    }
    const routes: TableRoute[] = [];
    for (const host of hosts) {
      const slot = this.#hosts.get(host);
      if (slot !== undefined) routes.push(...routesOf(slot));
    }
    return { since, hosts: [...hosts], routes };
  }

  /**
   * Reload `hosts` (everything when undefined) from the database, after the loads already queued; throws when
   * a full reload fails.
   */
  async reload(hosts?: string[]): Promise<void> {
    this.#enqueue(hosts === undefined ? 'all' : { kind: 'hosts', hosts });
    await this.settled();
    if (hosts === undefined && this.#fullLoadError !== undefined) throw this.#fullLoadError;
  }

  /** Replace the routes of `hosts` (all hosts when undefined) with what the database holds now (route-load.ts). */
  async #load(hosts?: string[]): Promise<void> {
    const { slots, rows } = await loadRoutes(this.#orm, hosts);
    this.#swap(hosts, slots);
    this.#logger.debug({ hosts: hosts?.length ?? 'all', rows, version: this.version }, 'route table reloaded');
  }

  /** Swap in what a load compiled, all at once: lookups never see a host removed and not yet put back. */
  #swap(hosts: string[] | undefined, next: Map<string, Slot>): void {
    this.#routesAt = undefined;
    if (hosts === undefined) this.#hosts = next;
    else {
      for (const host of hosts) this.#hosts.delete(host);
      for (const [host, slot] of next) this.#hosts.set(host, slot);
    }
    this.version += 1;
    this.#log.push({ version: this.version, hosts });
    this.#logged += hosts?.length ?? 0;
    while (this.#log.length > CHANGE_LOG_VERSIONS || (this.#log.length > 1 && this.#logged > CHANGE_LOG_HOSTS)) this.#logged -= this.#log.shift()?.hosts?.length ?? 0;
    if (hosts !== undefined || this.version > 1) for (const fn of this.#listeners) fn();
  }

  #enqueue(change: RouteChange | 'all' | undefined): void {
    const pending = this.#pending;
    if (change === 'all' || change === undefined) pending.all = true;
    else if (change.kind === 'service') pending.services.add(change.id);
    else if (change.kind === 'domain') pending.domains.add(change.id);
    else if (change.kind === 'mapping') {
      pending.mappings.add(change.id);
      if (change.was !== undefined) pending.hosts.add(change.was);
    } else if (change.kind === 'hosts') for (const host of change.hosts) pending.hosts.add(host);
    else return;
    this.#flush ??= this.#drain();
  }

  /** Load what is pending, batch after batch: changes arriving while a load runs are loaded together after it. */
  async #drain(): Promise<void> {
    await Promise.resolve(); // never settle synchronously: #flush is assigned before it is cleared
    try {
      while (!this.#stopped && hasPending(this.#pending)) {
        const batch = this.#pending;
        this.#pending = nothingPending();
        const listening = this.#listener?.listening === true;
        const losses = this.#losses;
        let full = batch.all || pendingSize(batch) > PARTIAL_RELOAD_LIMIT;
        try {
          const hosts = full ? [] : await this.#hostsOf(batch);
          // Nothing the table holds changed (a domain without mappings changed status): no load, no new version, no
          // edge reconcile.
          if (!full && hosts.length === 0) continue;
          full ||= hosts.length > PARTIAL_RELOAD_LIMIT || hosts.length * 2 > this.#hosts.size + 1000;
          await this.#load(full ? undefined : hosts);
          if (full) {
            this.#fullLoadError = undefined;
            // Everything committed before this load began is in, and the listener has heard everything since.
            if (listening && losses === this.#losses) this.#stale = false;
          }
        } catch (error) {
          this.#logger.error({ err: error }, 'route table reload failed; reloading everything shortly');
          if (full) this.#fullLoadError = error;
          this.#lose();
          if (this.#listener && !this.#stopped) setTimeout(() => this.#enqueue('all'), RETRY_MS).unref();
        }
      }
    } finally {
      this.#flush = undefined;
    }
  }

  /** The hosts behind a batch of changes: the names it carries, and those of the services, domains and mappings. */
  async #hostsOf(batch: Pending): Promise<string[]> {
    const hosts = new Set(batch.hosts);
    const where: string[] = [];
    const params: string[][] = [];
    for (const [column, ids] of [['service_id', batch.services], ['domain_id', batch.domains], ['id', batch.mappings]] as const) {
      if (ids.size === 0) continue;
      where.push(`${column} in (?)`);
      params.push([...ids]);
    }
    const connection = this.#orm.em.fork().getConnection();
    if (where.length > 0) {
      const rows: Array<{ host: string }> = await connection.execute(`select distinct host from service_domain_mappings where ${where.join(' or ')}`, params);
      for (const row of rows) hosts.add(row.host);
    }
    if (batch.domains.size > 0) {
      // A claim won or lost may carve its name out of (or back into) another organization's wildcard.
      const rows: Array<{ host: string }> = await connection.execute(
        `select '*.' || substring(hostname from strpos(hostname, '.') + 1) as host from domains where id in (?) and strpos(hostname, '.') > 0`,
        [[...batch.domains]],
      );
      for (const row of rows) if (this.#hosts.has(row.host)) hosts.add(row.host);
    }
    return [...hosts];
  }

  #lose(): void {
    this.#stale = true;
    this.#losses += 1;
  }

  /**
   * LISTEN on a connection of its own (`databaseUrl`: direct or session-mode, LISTEN does not work through
   * PgBouncer's transaction pooling), then load everything: a change committed before LISTEN is in the load, one
   * committed after it is heard.
   */
  async start(databaseUrl: string): Promise<void> {
    this.#listener = new RouteListener({
      databaseUrl,
      logger: this.#logger,
      checkIntervalMs: this.#checkIntervalMs,
      notify: async (payload) => {
        await this.#orm.em.fork().getConnection().execute('select pg_notify(?, ?)', [ROUTES_CHANNEL, payload]);
      },
      onChange: (change) => this.#enqueue(change),
      onListening: () => this.#enqueue('all'),
      onLost: () => this.#lose(),
    });
    try {
      await this.#listener.start();
      await this.settled();
      if (this.#fullLoadError !== undefined) throw this.#fullLoadError;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Resolves once every change heard so far is in the table (tests, and reconcilers that need a settled view). */
  async settled(): Promise<void> {
    while (this.#flush) await this.#flush;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#flush;
    await this.#listener?.stop();
  }
}

const pendingSize = (p: Pending): number => p.hosts.size + p.services.size + p.domains.size + p.mappings.size;
const hasPending = (p: Pending): boolean => p.all || pendingSize(p) > 0;
