import type { MikroORM } from '@mikro-orm/postgresql';
import { matchRoute, type Route, type RouteTenant } from '@portico/kernel';
import pg from 'pg';
import type { Logger } from 'pino';
import { ROUTABLE } from './mappings.service.ts';

import { ROUTES_CHANNEL } from './route-channel.ts';

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
}

const SELECT = `select m.id as mapping_id, m.host, m.base_path, m.service_id, s.upstream_host, m.internal_port, m.internal_path,
  m.strip_path, m.protocol, m.redirect_status, m.tls_source, o.slug as organization_slug, p.slug as project_slug
  from service_domain_mappings m join services s on s.id = m.service_id join domains d on d.id = m.domain_id
  join projects p on p.id = m.project_id join organizations o on o.id = m.organization_id
  where d.status in (?)`;

/**
 * The route table every edge reads (issue 5): host → routes (longest base path first) + "may this host have a
 * certificate", compiled from the database and kept current in every process by the triggers' NOTIFY on
 * `portico_routes` (a changed host is reloaded alone; a lost connection reloads everything). Lookups are one Map
 * get (plus one for a wildcard parent), so the on-demand TLS `ask` stays cheap.
 */
export class RouteTable {
  #hosts = new Map<string, HostEntry>();
  #orm: MikroORM;
  #logger: Logger;
  #listener: pg.Client | undefined;
  #pending = new Set<string>();
  #flush: Promise<void> | undefined;
  #stopped = false;
  /** Bumped after every (re)load: a cheap "did anything change" for reconcilers and ETags. */
  version = 0;
  #listeners: Array<() => void> = [];

  /** Call `fn` after every change the table took in (the runtime queues edge reconciles from here). */
  onChange(fn: () => void): void {
    this.#listeners.push(fn);
  }

  constructor({ orm, logger }: { orm: MikroORM; logger: Logger }) {
    this.#orm = orm;
    this.#logger = logger.child({ component: 'route-table' });
  }

  get size(): number {
    return this.#hosts.size;
  }

  /** The entry serving `host`: its own, else the wildcard of its parent (`*.example.com` serves `a.example.com`). */
  #entry(host: string): HostEntry | undefined {
    const own = this.#hosts.get(host);
    if (own !== undefined) return own;
    const dot = host.indexOf('.');
    return dot === -1 ? undefined : this.#hosts.get(`*${host.slice(dot)}`);
  }

  /** The on-demand TLS gate: is `host` (lower case, no trailing dot) verified, routed, and served over HTTPS? */
  allowsCertificate(host: string): boolean {
    return this.#entry(host)?.certificate === true;
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

  /** Replace the routes of `hosts` (all hosts when undefined) with what the database holds now. */
  async reload(hosts?: string[]): Promise<void> {
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
    this.#hosts = next;
    this.version += 1;
    this.#logger.debug({ hosts: hosts?.length ?? 'all', rows: rows.length, version: this.version }, 'route table reloaded');
    if (hosts !== undefined || this.version > 1) for (const fn of this.#listeners) fn();
  }

  /** Hosts of one domain's mappings (whatever its status), for a domain status change. */
  async #hostsOfDomain(domainId: string): Promise<string[]> {
    const rows: Array<{ host: string }> = await this.#orm.em.fork().getConnection().execute('select distinct host from service_domain_mappings where domain_id = ?', [domainId]);
    return rows.map((r) => r.host);
  }

  /** Coalesce notifications: hosts arriving while a reload runs are reloaded together right after it. */
  #schedule(hosts: string[] | '*'): void {
    if (hosts === '*') this.#pending.add('*');
    else for (const host of hosts) this.#pending.add(host);
    if (this.#flush === undefined && this.#pending.size > 0) this.#flush = this.#drain();
  }

  async #drain(): Promise<void> {
    await Promise.resolve(); // never settle synchronously: #flush is assigned before it is cleared
    try {
      while (this.#pending.size > 0 && !this.#stopped) {
        const batch = [...this.#pending];
        this.#pending.clear();
        await this.reload(batch.includes('*') ? undefined : batch).catch((error: unknown) => this.#logger.error({ err: error }, 'route table reload failed'));
      }
    } finally {
      this.#flush = undefined;
    }
  }

  /** Load everything, then LISTEN for changes on a connection of its own. */
  async start(databaseUrl: string): Promise<void> {
    await this.reload();
    await this.#listen(databaseUrl);
  }

  async #listen(databaseUrl: string): Promise<void> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'portico-route-table' });
    client.on('notification', (message) => {
      void this.#onNotification(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.#logger.warn({ code: (error as { code?: string }).code, error: error.message }, 'route table listener lost its connection; reconnecting');
      void client.end().catch(() => undefined);
      if (!this.#stopped) setTimeout(() => void this.#reconnect(databaseUrl), 1000).unref();
    });
    await client.connect();
    await client.query(`listen ${ROUTES_CHANNEL}`);
    this.#listener = client;
  }

  async #reconnect(databaseUrl: string): Promise<void> {
    try {
      await this.#listen(databaseUrl);
      this.#schedule('*'); // changes made while deaf are unknown: reload all
    } catch (error) {
      this.#logger.warn({ error: (error as Error).message }, 'route table listener reconnect failed; retrying');
      if (!this.#stopped) setTimeout(() => void this.#reconnect(databaseUrl), 2000).unref();
    }
  }

  async #onNotification(payload: string): Promise<void> {
    this.#logger.debug({ payload }, 'routes changed');
    try {
      const data = JSON.parse(payload) as { hosts?: string[]; domain?: string };
      if (Array.isArray(data.hosts)) this.#schedule(data.hosts);
      else if (typeof data.domain === 'string') this.#schedule(await this.#hostsOfDomain(data.domain));
      else this.#schedule('*');
    } catch {
      this.#schedule('*');
    }
  }

  /** Resolves once every change heard so far is in the table (tests, and reconcilers that need a settled view). */
  async settled(): Promise<void> {
    while (this.#flush) await this.#flush;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#flush;
    await this.#listener?.end().catch(() => undefined);
  }
}
