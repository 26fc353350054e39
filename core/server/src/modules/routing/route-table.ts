import type { MikroORM, PostgreSqlConnection } from '@mikro-orm/postgresql';
import Cursor from 'pg-cursor';
import { matchRoute, type Route, type RouteTenant } from '@portico/kernel';
import type { Logger } from 'pino';
import { CLAIM_HELD } from '../domains/lifecycle.ts';
import { ROUTABLE } from './mappings.service.ts';
import { ROUTES_CHANNEL, type RouteChange } from './route-channel.ts';
import { RouteListener } from './route-listener.ts';

export { ROUTES_CHANNEL } from './route-channel.ts';

/** One routed `hostname + basePath`: the kernel's `Route` (what edge renderers take) plus where it came from. */
export interface TableRoute extends Route {
  mappingId: string;
  serviceId: string;
  redirectStatus: 301 | 308;
  tlsSource: 'acme' | 'uploaded' | 'none';
}

/** A host with several routes, or a wildcard with names carved out of it. */
interface HostEntry {
  routes: TableRoute[];
  /** Whether an edge may obtain a certificate for the host (some route serves HTTPS). */
  certificate: boolean;
  /**
   * For a wildcard (`*.example.com`): names one label below it that another organization holds by its own claim.
   * One hostname is served by one organization, so the wildcard never serves (or grants a certificate to) them.
   */
  carvedOut?: Set<string>;
}

/**
 * What the table keeps per host: most hosts have one route, kept as that route itself (no entry object, no array:
 * a third less memory per host at a million hosts, see perf/README.md); the rest a `HostEntry`.
 */
type Slot = TableRoute | HostEntry;
const isEntry = (slot: Slot): slot is HostEntry => 'routes' in slot;
/** Whether an edge may obtain a certificate for a route's host: it serves HTTPS with a certificate. */
const wantsCertificate = (route: Pick<TableRoute, 'protocol' | 'tlsSource'>): boolean => route.protocol !== 'http' && route.tlsSource !== 'none';
const certificateOf = (slot: Slot): boolean => (isEntry(slot) ? slot.certificate : wantsCertificate(slot));
const routesOf = (slot: Slot): TableRoute[] => (isEntry(slot) ? slot.routes : [slot]);

/**
 * Turns rows into routes for one load. Rows repeat the same few strings (service ids, base paths, modes) and
 * upstreams: one copy of each is shared, and one upstream object per service + port + path (see perf/README.md).
 */
function routeCompiler(upstreamHosts: Map<string, string>, tenants: Map<string, RouteTenant>): (row: Row) => TableRoute {
  const shared = new Map<string, string>();
  const one = (value: string) => shared.get(value) ?? (shared.set(value, value), value);
  const upstreams = new Map<string, Map<string, TableRoute['upstream']>>();
  return ([mappingId, hostname, basePath, serviceId, projectId, port, path, stripPath, protocol, redirectStatus, tlsSource, challengeToken]) => {
    let ofService = upstreams.get(serviceId);
    if (ofService === undefined) upstreams.set(serviceId, (ofService = new Map()));
    const key = `${port}${path}`;
    let upstream = ofService.get(key);
    if (upstream === undefined) ofService.set(key, (upstream = { host: upstreamHosts.get(serviceId) ?? '', port, path: one(path) }));
    const route: TableRoute = {
      mappingId,
      hostname,
      basePath: one(basePath),
      serviceId: one(serviceId),
      upstream,
      stripPath,
      protocol: one(protocol) as TableRoute['protocol'],
      redirectStatus,
      tlsSource: one(tlsSource) as TableRoute['tlsSource'],
      tenant: tenants.get(projectId) ?? { organization: '', project: '' },
    };
    if (challengeToken) route.ownershipChallenge = { token: challengeToken };
    return route;
  };
}

/**
 * A mapping row as the load reads it: an array (no object per row), in the order of `SELECT`'s columns. The
 * service's upstream host and the tenant's slugs are read once per service and project (`UPSTREAMS`, `TENANTS`), not
 * repeated on each of a million rows.
 */
type Row = [
  mappingId: string,
  host: string,
  basePath: string,
  serviceId: string,
  projectId: string,
  internalPort: number,
  internalPath: string,
  stripPath: boolean,
  protocol: TableRoute['protocol'],
  redirectStatus: 301 | 308,
  tlsSource: TableRoute['tlsSource'],
  /** The domain's token when the edge must answer its ownership challenge (see `CHALLENGE_TOKEN`), else null. */
  challengeToken: string | null,
];

/**
 * The ownership challenge the edges answer: only for a domain verified by a file (`http-file`, whose watch fetches
 * `/.well-known/portico-challenge/<token>` from the hostname), only on the routes of that hostname itself, and only
 * for a domain in the table (routable): another organization's pending claim never gets its token served.
 */
const CHALLENGE_TOKEN = `case when d.method = 'http-file' and m.host = d.hostname then d.token end`;

/** The mappings of routable domains (`$1` the statuses); with `$2`, only those of these hosts. */
const SELECT = `select m.id, m.host, m.base_path, m.service_id, m.project_id, m.internal_port, m.internal_path, m.strip_path,
  m.protocol, m.redirect_status, m.tls_source, ${CHALLENGE_TOKEN}
  from service_domain_mappings m join domains d on d.id = m.domain_id where d.status = any($1)`;
const ONLY_HOSTS = ' and m.host = any($2)';
/** The upstream host of every service with a mapping (of the hosts in `$1`, when given). */
const UPSTREAMS = (only: boolean) =>
  `select s.id, s.upstream_host from services s${only ? ' where s.id in (select service_id from service_domain_mappings where host = any($1))' : ''}`;
/** Organization and project slugs of every project with a mapping (of the hosts in `$1`, when given). */
const TENANTS = (only: boolean) =>
  `select p.id, o.slug as organization, p.slug as project from projects p join organizations o on o.id = p.organization_id${only ? ' where p.id in (select project_id from service_domain_mappings where host = any($1))' : ''}`;

/**
 * Names held by a claim of another organization than the wildcard mapping's, one label below a loaded wildcard:
 * `$1` the wildcard hosts, `$2` the statuses in which a claim holds its hostname.
 */
const CARVED_OUT = `select m.host as wildcard, d.hostname from service_domain_mappings m
  join domains d on d.hostname like '%.' || substring(m.host from 3) and strpos(substring(d.hostname from 1 for length(d.hostname) - length(m.host) + 1), '.') = 0
  where m.host = any($1) and d.status = any($2) and d.organization_id <> m.organization_id`;

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
/** Rows fetched per round trip while a load streams them. */
const LOAD_CHUNK = 20_000;

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
  #listeners: Array<() => void> = [];

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

  /** Every route, host by host (edge renderers). */
  routes(): TableRoute[] {
    const routes: TableRoute[] = [];
    for (const slot of this.#hosts.values()) {
      if (isEntry(slot)) routes.push(...slot.routes);
      else routes.push(slot);
    }
    return routes;
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

  /**
   * Replace the routes of `hosts` (all hosts when undefined) with what the database holds now: one read-only
   * snapshot, rows fetched `LOAD_CHUNK` at a time as arrays through a cursor and compiled as they arrive, so a full
   * load of a million hosts never holds every row at once.
   */
  async #load(hosts?: string[]): Promise<void> {
    const only = hosts !== undefined;
    if (only && hosts.length === 0) return this.#swap(hosts, new Map());
    const pool = await (this.#orm.em.getConnection() as PostgreSqlConnection).getNativeClient();
    const client = await pool.connect();
    let failed: unknown;
    try {
      await client.query('begin transaction isolation level repeatable read read only');
      const hostParams = only ? [hosts] : [];
      const upstreamHosts = new Map<string, string>();
      for (const row of (await client.query<{ id: string; upstream_host: string }>(UPSTREAMS(only), hostParams)).rows) upstreamHosts.set(row.id, row.upstream_host);
      const tenants = new Map<string, RouteTenant>();
      for (const row of (await client.query<{ id: string; organization: string; project: string }>(TENANTS(only), hostParams)).rows) {
        tenants.set(row.id, { organization: row.organization, project: row.project });
      }
      const next = new Map<string, Slot>();
      const compile = routeCompiler(upstreamHosts, tenants);
      const wildcards = new Set<string>();
      let count = 0;
      const cursor = client.query(new Cursor<Row>(only ? SELECT + ONLY_HOSTS : SELECT, only ? [[...ROUTABLE], hosts] : [[...ROUTABLE]], { rowMode: 'array' }));
      // The next chunk is asked for before this one is compiled, so the database works while this process does.
      for (let reading = cursor.read(LOAD_CHUNK), rows = await reading; rows.length > 0; rows = await reading) {
        reading = cursor.read(LOAD_CHUNK);
        count += rows.length;
        for (const row of rows) {
          const route = compile(row);
          if (route.hostname.startsWith('*.')) wildcards.add(route.hostname);
          const slot = next.get(route.hostname);
          if (slot === undefined) next.set(route.hostname, route);
          else if (isEntry(slot)) {
            slot.routes.push(route);
            slot.certificate ||= wantsCertificate(route);
          } else next.set(route.hostname, { routes: [slot, route], certificate: wantsCertificate(slot) || wantsCertificate(route) });
        }
      }
      await cursor.close();
      if (wildcards.size > 0) {
        const held = await client.query<{ wildcard: string; hostname: string }>(CARVED_OUT, [[...wildcards], [...CLAIM_HELD]]);
        for (const { wildcard, hostname } of held.rows) {
          let slot = next.get(wildcard);
          if (slot === undefined) continue;
          if (!isEntry(slot)) next.set(wildcard, (slot = { routes: [slot], certificate: wantsCertificate(slot) }));
          (slot.carvedOut ??= new Set()).add(hostname);
        }
      }
      await client.query('commit');
      this.#swap(hosts, next);
      this.#logger.debug({ hosts: hosts?.length ?? 'all', rows: count, version: this.version }, 'route table reloaded');
    } catch (error) {
      failed = error;
      throw error;
    } finally {
      // A connection that failed mid-load is not handed back to the pool (its transaction or cursor may be open).
      client.release(failed instanceof Error ? failed : failed === undefined ? undefined : true);
    }
  }

  /** Swap in what a load compiled, all at once: lookups never see a host removed and not yet put back. */
  #swap(hosts: string[] | undefined, next: Map<string, Slot>): void {
    if (hosts === undefined) this.#hosts = next;
    else {
      for (const host of hosts) this.#hosts.delete(host);
      for (const [host, slot] of next) this.#hosts.set(host, slot);
    }
    this.version += 1;
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
