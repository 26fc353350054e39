import type { MikroORM, PostgreSqlConnection } from '@mikro-orm/postgresql';
import type { RouteTenant } from '@portico/kernel';
import Cursor from 'pg-cursor';
import { CLAIM_HELD } from '../domains/lifecycle.ts';
import { ROUTABLE } from './mappings.service.ts';
import type { TableRoute } from './route-table.ts';

// How the route table is read from the database and compiled: what it keeps per host (a slot), the queries, and
// the load itself. route-table.ts holds the table, its lookups and what keeps it current.

/** Rows fetched per round trip while a load streams them. */
const LOAD_CHUNK = 20_000;

/** A host with several routes, or a wildcard with names carved out of it. */
export interface HostEntry {
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
export type Slot = TableRoute | HostEntry;
export const isEntry = (slot: Slot): slot is HostEntry => 'routes' in slot;
/** Whether an edge may obtain a certificate for a route's host: it serves HTTPS with a certificate. */
export const wantsCertificate = (route: Pick<TableRoute, 'protocol' | 'tlsSource'>): boolean => route.protocol !== 'http' && route.tlsSource !== 'none';
export const certificateOf = (slot: Slot): boolean => (isEntry(slot) ? slot.certificate : wantsCertificate(slot));
export const routesOf = (slot: Slot): TableRoute[] => (isEntry(slot) ? slot.routes : [slot]);

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

/**
 * What the database holds now for `hosts` (all hosts when undefined), compiled into slots: one read-only
 * snapshot, rows fetched `LOAD_CHUNK` at a time as arrays through a cursor and compiled as they arrive, so a full
 * load of a million hosts never holds every row at once.
 */
export async function loadRoutes(orm: MikroORM, hosts?: string[]): Promise<{ slots: Map<string, Slot>; rows: number }> {
  const only = hosts !== undefined;
  if (only && hosts.length === 0) return { slots: new Map(), rows: 0 };
  const pool = await (orm.em.getConnection() as PostgreSqlConnection).getNativeClient();
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
    return { slots: next, rows: count };
  } catch (error) {
    failed = error;
    throw error;
  } finally {
    // A connection that failed mid-load is not handed back to the pool (its transaction or cursor may be open).
    client.release(failed instanceof Error ? failed : failed === undefined ? undefined : true);
  }
}
