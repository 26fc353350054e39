import type { MikroORM } from '@mikro-orm/postgresql';
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

interface Row {
  mapping_id: string;
  host: string;
  base_path: string;
  service_id: string;
  upstream_host: string;
  internal_port: number;
  internal_path: string;
  strip_path: boolean;
  protocol: TableRoute['protocol'];
  redirect_status: 301 | 308;
  tls_source: TableRoute['tlsSource'];
  organization_slug: string;
  project_slug: string;
  /** The domain's token when the edge must answer its ownership challenge (see `CHALLENGE_TOKEN`), else null. */
  challenge_token: string | null;
}

/**
 * The ownership challenge the edges answer: only for a domain verified by a file (`http-file`, whose watch fetches
 * `/.well-known/portico-challenge/<token>` from the hostname), only on the routes of that hostname itself, and only
 * for a domain in the table (routable): another organization's pending claim never gets its token served.
 */
const CHALLENGE_TOKEN = `case when d.method = 'http-file' and m.host = d.hostname then d.token end as challenge_token`;

const SELECT = `select m.id as mapping_id, m.host, m.base_path, m.service_id, s.upstream_host, m.internal_port, m.internal_path,
  m.strip_path, m.protocol, m.redirect_status, m.tls_source, o.slug as organization_slug, p.slug as project_slug, ${CHALLENGE_TOKEN}
  from service_domain_mappings m join services s on s.id = m.service_id join domains d on d.id = m.domain_id
  join projects p on p.id = m.project_id join organizations o on o.id = m.organization_id
  where d.status in (?)`;

/**
 * Names held by a claim of another organization than the wildcard mapping's, one label below a loaded wildcard:
 * `$1` the wildcard hosts, `$2` the statuses in which a claim holds its hostname.
 */
const CARVED_OUT = `select m.host as wildcard, d.hostname from service_domain_mappings m
  join domains d on d.hostname like '%.' || substring(m.host from 3) and strpos(substring(d.hostname from 1 for length(d.hostname) - length(m.host) + 1), '.') = 0
  where m.host in (?) and d.status in (?) and d.organization_id <> m.organization_id`;

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
  #hosts = new Map<string, HostEntry>();
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
  #entry(host: string): HostEntry | undefined {
    const own = this.#hosts.get(host);
    if (own !== undefined) return own;
    const dot = host.indexOf('.');
    if (dot === -1) return undefined;
    const wildcard = this.#hosts.get(`*${host.slice(dot)}`);
    return wildcard?.carvedOut?.has(host) ? undefined : wildcard;
  }

  /** The on-demand TLS gate: is `host` (lower case, no trailing dot) verified, routed, and served over HTTPS? */
  allowsCertificate(host: string): boolean {
    return this.#entry(host)?.certificate === true;
  }

  /**
   * Which mapped name grants `host` a certificate: `host` itself when it is mapped by name, its parent's wildcard
   * (`*.example.com`) when only that serves it, undefined when none may be had. One or two Map gets.
   */
  certificateGrant(host: string): string | undefined {
    const own = this.#hosts.get(host);
    if (own !== undefined) return own.certificate ? host : undefined;
    const dot = host.indexOf('.');
    if (dot === -1) return undefined;
    const wildcard = `*${host.slice(dot)}`;
    const entry = this.#hosts.get(wildcard);
    return entry?.certificate === true && !entry.carvedOut?.has(host) ? wildcard : undefined;
  }

  /** The route serving `host` + `path`, by the kernel's rules (the preview's and every renderer's). */
  match(host: string, path: string): TableRoute | undefined {
    const entry = this.#entry(host);
    return entry && (matchRoute(entry.routes, { hostname: host, path }) as TableRoute | undefined);
  }

  /** The routes that may serve `host` (its own, or its wildcard parent's), for the kernel's preview. */
  routesFor(host: string): readonly TableRoute[] {
    return this.#entry(host)?.routes ?? [];
  }

  /** Every route, host by host (edge renderers). */
  routes(): TableRoute[] {
    return [...this.#hosts.values()].flatMap((entry) => entry.routes);
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

  /** Replace the routes of `hosts` (all hosts when undefined) with what the database holds now. */
  async #load(hosts?: string[]): Promise<void> {
    const em = this.#orm.em.fork();
    const statuses = [...ROUTABLE];
    const rows: Row[] = hosts
      ? hosts.length === 0
        ? []
        : await em.getConnection().execute(`${SELECT} and m.host in (?)`, [statuses, hosts])
      : await em.getConnection().execute(SELECT, [statuses]);
    const next = hosts ? this.#hosts : new Map<string, HostEntry>();
    for (const host of hosts ?? []) next.delete(host);
    // Rows repeat the same few strings (service ids, upstream hosts, modes) and upstreams: share one copy of each,
    // and size each host's list for its first route (most hosts have one). See perf/README.md for the figures.
    const shared = new Map<string, string>();
    const one = (value: string) => shared.get(value) ?? (shared.set(value, value), value);
    const upstreams = new Map<string, TableRoute['upstream']>();
    const tenants = new Map<string, RouteTenant>();
    for (const row of rows) {
      const tenantKey = `${row.organization_slug}/${row.project_slug}`;
      let tenant = tenants.get(tenantKey);
      if (!tenant) tenants.set(tenantKey, (tenant = { organization: row.organization_slug, project: row.project_slug }));
      const upstreamKey = `${row.upstream_host}:${row.internal_port}${row.internal_path}`;
      let upstream = upstreams.get(upstreamKey);
      if (!upstream) upstreams.set(upstreamKey, (upstream = { host: one(row.upstream_host), port: row.internal_port, path: one(row.internal_path) }));
      const route: TableRoute = {
        mappingId: row.mapping_id,
        hostname: row.host,
        basePath: one(row.base_path),
        serviceId: one(row.service_id),
        upstream,
        stripPath: row.strip_path,
        protocol: one(row.protocol) as TableRoute['protocol'],
        redirectStatus: row.redirect_status,
        tlsSource: one(row.tls_source) as TableRoute['tlsSource'],
        tenant,
        ...(row.challenge_token ? { ownershipChallenge: { token: row.challenge_token } } : {}),
      };
      const certificate = row.protocol !== 'http' && row.tls_source !== 'none';
      const entry = next.get(row.host);
      if (entry) {
        entry.routes.push(route);
        entry.certificate ||= certificate;
      } else {
        next.set(row.host, { routes: [route], certificate });
      }
    }
    const wildcards = [...new Set(rows.filter((row) => row.host.startsWith('*.')).map((row) => row.host))];
    if (wildcards.length > 0) {
      const held: Array<{ wildcard: string; hostname: string }> = await em.getConnection().execute(CARVED_OUT, [wildcards, [...CLAIM_HELD]]);
      for (const { wildcard, hostname } of held) {
        const entry = next.get(wildcard);
        if (entry) (entry.carvedOut ??= new Set()).add(hostname);
      }
    }
    this.#hosts = next;
    this.version += 1;
    this.#logger.debug({ hosts: hosts?.length ?? 'all', rows: rows.length, version: this.version }, 'route table reloaded');
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
