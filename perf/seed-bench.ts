// Large installations for the benchmarks: organizations, projects, services, domains and mappings written in bulk
// (one INSERT … SELECT generate_series per table), as a library (`seedBench`, `growBench`, `insertHosts`) and as a
// command:
//
//   npm run seed:bench -- --hosts 1000000 [--organizations 10] [--services 10]
//
// With DATABASE_URL it seeds that Portico database (migrated first) and tells its API processes to reload their
// route tables; without it, it starts an embedded PostgreSQL in a temp dir, seeds it, prints its URL and keeps it
// up until Ctrl-C. Either way it prints the owner to sign in as.
//
// The layout (deterministic, so a scenario can name what it asks for):
// - organization 0 is `bench-hosts`, written through the ORM with its owner (seed-domains.ts `seedTenant`);
//   organizations 1…O-1 `bench-o<k>`; each has one project `bench` with S services `svc-<s>`;
// - host i is `h<i>.bench.test`, a domain of organization i mod O (live for even i, verified for odd), assigned to
//   its project and mapped (`/`, one mapping) to service (i div O) mod S;
// - each organization k also has the domain `w<k>.bench.test`, mapped by the wildcard `*.w<k>.bench.test`;
// - no organization has a domain or mapping quota (the defaults are 50 and 100).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseConfig } from '../core/server/src/config/load-config.ts';
import { createLogger } from '../core/server/src/logger.ts';
import { ROUTES_CHANNEL } from '../core/server/src/modules/routing/route-channel.ts';
import { startPortico, type Portico } from '../core/server/src/runtime.ts';
import { seedTenant, type Tenant } from './seed-domains.ts';

const REPO_ROOT = new URL('../', import.meta.url).pathname;

/**
 * A uuid that sorts with the SQL expression `index` (`<prefix>0000000-0000-4000-<variant>000-<index in hex>`):
 * primary keys grow at the right edge, and an id can be computed from its index without a lookup.
 */
export const orderedUuid = (prefix: string, index = 'i', variant = '8') => `('${prefix}0000000-0000-4000-${variant}000-' || lpad(to_hex(${index}), 12, '0'))::uuid`;

/** The id of bench host `i`'s domain (what `insertHosts` writes). */
export const benchDomainId = (i: number) => `a0000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/** Where hosts go: host i to organization i mod O, and to service (i div O) mod S of that organization's project. */
export interface Tenancy {
  organizations: string[];
  projects: string[];
  /** S services per project, project by project: service s of project k is `services[k * S + s]`. */
  services: string[];
}

export interface HostOptions {
  /** The mappings' protocol (default https: the gate grants certificates to https, both and redirect-to-https). */
  protocol?: 'https' | 'both' | 'http' | 'redirect-to-https';
  /** The mappings' internal port: the upstream's (default 8080). */
  port?: number;
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const round1 = (value: number) => Number(value.toFixed(1));

/**
 * Hosts `h<from>…h<to-1>.bench.test`: a domain each (live or verified), its project assignment and one mapping —
 * one INSERT … SELECT generate_series per table, ids derived from the index so no joins are needed. The session
 * runs with `session_replication_role = replica`, the usual bulk-load switch (it needs a superuser): it skips the
 * foreign-key checks (the ids agree by construction; the route table's joins prove it) and the mapping trigger's
 * per-row NOTIFY (a million notices would have every route table reload host lists instead of loading once).
 * Returns seconds per table.
 */
export async function insertHosts(db: pg.Client, tenancy: Tenancy, from: number, to: number, options: HostOptions = {}): Promise<Record<string, number>> {
  const o = tenancy.organizations.length;
  const s = tenancy.services.length / o;
  const series = 'from generate_series($1::int, $2::int) as i';
  const range = [from, to - 1];
  const organization = `($3::uuid[])[1 + i % ${o}]`;
  const took: Record<string, number> = {};
  const timed = async (table: string, sql: string, params: unknown[]) => {
    const start = process.hrtime.bigint();
    await db.query(sql, [...range, ...params]);
    took[table] = round1(seconds(start));
  };
  await db.query('set session_replication_role = replica');
  try {
    await timed(
      'domains',
      `insert into domains (id, created_at, updated_at, organization_id, hostname, status, method, token, verified_at)
       select ${orderedUuid('a')}, now(), now(), ${organization}, 'h' || i || '.bench.test', case when i % 2 = 0 then 'live' else 'verified' end, 'dns-txt', md5('t' || i), now() ${series}`,
      [tenancy.organizations],
    );
    await timed('project_domains', `insert into project_domains (id, created_at, project_id, domain_id) select ${orderedUuid('b')}, now(), ($3::uuid[])[1 + i % ${o}], ${orderedUuid('a')} ${series}`, [tenancy.projects]);
    await timed(
      'service_domain_mappings',
      `insert into service_domain_mappings (id, created_at, updated_at, organization_id, project_id, service_id, project_domain_id, domain_id, host, internal_port, protocol)
       select ${orderedUuid('c')}, now(), now(), ${organization}, ($4::uuid[])[1 + i % ${o}], ($5::uuid[])[1 + (i % ${o}) * ${s} + (i / ${o}) % ${s}], ${orderedUuid('b')}, ${orderedUuid('a')},
              'h' || i || '.bench.test', $6, $7 ${series}`,
      [tenancy.organizations, tenancy.projects, tenancy.services, options.port ?? 8080, options.protocol ?? 'https'],
    );
  } finally {
    await db.query('set session_replication_role = origin');
  }
  const start = process.hrtime.bigint();
  await db.query('analyze domains, project_domains, service_domain_mappings');
  took.analyze = round1(seconds(start));
  return took;
}

/** Organizations 1…O-1, a project `bench` in each of the O, and S services `svc-<s>` per project. */
async function insertTenancy(db: pg.Client, organization0: string, organizations: number, servicesPerProject: number, upstream: { host: string; port: number }): Promise<Tenancy> {
  await db.query(`insert into organizations (id, created_at, name, slug) select ${orderedUuid('d')}, now(), 'Bench ' || i, 'bench-o' || i from generate_series(1, $1::int - 1) as i`, [organizations]);
  const orgs = [organization0, ...Array.from({ length: organizations - 1 }, (_, k) => `d0000000-0000-4000-8000-${(k + 1).toString(16).padStart(12, '0')}`)];
  await db.query(`insert into projects (id, created_at, organization_id, name, slug) select ${orderedUuid('e')}, now(), ($1::uuid[])[1 + i], 'Bench', 'bench' from generate_series(0, $2::int - 1) as i`, [orgs, organizations]);
  await db.query(
    `insert into services (id, created_at, updated_at, organization_id, project_id, name, upstream_host, upstream_port)
     select ${orderedUuid('f')}, now(), now(), ($1::uuid[])[1 + i / $2], ${orderedUuid('e', 'i / $2')}, 'svc-' || i % $2, $3, $4 from generate_series(0, $5::int - 1) as i`,
    [orgs, servicesPerProject, upstream.host, upstream.port, organizations * servicesPerProject],
  );
  // A bench organization holds far more than the default quotas allow (50 domains, 100 mappings per project), and the
  // scenarios add more: no limit the scenarios could reach.
  await db.query(
    `insert into organization_settings (id, created_at, updated_at, organization_id, max_domains, max_mappings_per_project)
     select gen_random_uuid(), now(), now(), o, 2147483647, 2147483647 from unnest($1::uuid[]) as o
     on conflict (organization_id) do update set max_domains = excluded.max_domains, max_mappings_per_project = excluded.max_mappings_per_project, updated_at = now()`,
    [orgs],
  );
  const id = (prefix: string, k: number) => `${prefix}0000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`;
  return {
    organizations: orgs,
    projects: orgs.map((_, k) => id('e', k)),
    services: Array.from({ length: organizations * servicesPerProject }, (_, k) => id('f', k)),
  };
}

/** Each organization k's domain `w<k>.bench.test` (live), mapped by the wildcard `*.w<k>.bench.test` to its first service. */
async function insertWildcards(db: pg.Client, tenancy: Tenancy, options: HostOptions): Promise<void> {
  const s = tenancy.services.length / tenancy.organizations.length;
  const series = 'from generate_series(0, $1::int - 1) as i';
  const count = tenancy.organizations.length;
  await db.query(
    `insert into domains (id, created_at, updated_at, organization_id, hostname, status, method, token, verified_at)
     select ${orderedUuid('a', 'i', '9')}, now(), now(), ($2::uuid[])[1 + i], 'w' || i || '.bench.test', 'live', 'dns-txt', md5('w' || i), now() ${series}`,
    [count, tenancy.organizations],
  );
  await db.query(`insert into project_domains (id, created_at, project_id, domain_id) select ${orderedUuid('b', 'i', '9')}, now(), ($2::uuid[])[1 + i], ${orderedUuid('a', 'i', '9')} ${series}`, [count, tenancy.projects]);
  await db.query(
    `insert into service_domain_mappings (id, created_at, updated_at, organization_id, project_id, service_id, project_domain_id, domain_id, subdomain, host, internal_port, protocol)
     select ${orderedUuid('c', 'i', '9')}, now(), now(), ($2::uuid[])[1 + i], ($3::uuid[])[1 + i], ($4::uuid[])[1 + i * ${s}], ${orderedUuid('b', 'i', '9')}, ${orderedUuid('a', 'i', '9')},
            '*', '*.w' || i || '.bench.test', $5, $6 ${series}`,
    [count, tenancy.organizations, tenancy.projects, tenancy.services, options.port ?? 8080, options.protocol ?? 'https'],
  );
}

/** Every route table listening on the database reloads in full (a payload it does not know means "everything"). */
export async function announceReload(db: pg.Client): Promise<void> {
  await db.query('select pg_notify($1, $2)', [ROUTES_CHANNEL, JSON.stringify({ seeded: 'seed-bench' })]);
}

export interface BenchOptions extends HostOptions {
  hosts: number;
  /** Default 10. */
  organizations?: number;
  /** Services per project; default 10. */
  servicesPerProject?: number;
  /** Where the services point (default 127.0.0.1:8080). */
  upstream?: { host: string; port: number };
}

export interface BenchInstallation {
  /** Organization 0's owner, who signs in (the API scenarios' EMAIL and PASSWORD). */
  owner: Tenant;
  organizationSlug: string;
  tenancy: Tenancy;
  hosts: number;
  options: HostOptions;
  /** Seconds per step. */
  took: Record<string, number>;
}

/** The installation described at the top of this file, with `hosts` hosts, in an empty or demo-seeded database. */
export async function seedBench(portico: Portico, db: pg.Client, options: BenchOptions): Promise<BenchInstallation> {
  const organizations = options.organizations ?? 10;
  const servicesPerProject = options.servicesPerProject ?? 10;
  if (!Number.isInteger(options.hosts) || options.hosts < 1 || !Number.isInteger(organizations) || organizations < 1 || !Number.isInteger(servicesPerProject) || servicesPerProject < 1) {
    throw new Error('seedBench: hosts, organizations and services per project are positive integers');
  }
  const hostOptions = { protocol: options.protocol, port: options.port ?? options.upstream?.port };
  const start = process.hrtime.bigint();
  const owner = await seedTenant(portico, 'hosts');
  const tenancy = await insertTenancy(db, owner.organizationId, organizations, servicesPerProject, options.upstream ?? { host: '127.0.0.1', port: 8080 });
  await insertWildcards(db, tenancy, hostOptions);
  const took = { tenancy: round1(seconds(start)), ...(await insertHosts(db, tenancy, 0, options.hosts, hostOptions)) };
  await announceReload(db);
  return { owner, organizationSlug: 'bench-hosts', tenancy, hosts: options.hosts, options: hostOptions, took };
}

/** Adds hosts up to `hosts` (the same layout), for a run over growing sizes on one installation. */
export async function growBench(db: pg.Client, installation: BenchInstallation, hosts: number): Promise<BenchInstallation> {
  if (hosts < installation.hosts) throw new Error(`growBench: ${hosts} < the ${installation.hosts} hosts already there`);
  const took = hosts === installation.hosts ? {} : await insertHosts(db, installation.tenancy, installation.hosts, hosts, installation.options);
  await announceReload(db);
  return { ...installation, hosts, took };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { hosts: { type: 'string', default: '100000' }, organizations: { type: 'string', default: '10' }, services: { type: 'string', default: '10' } } });
  const hosts = Number(values.hosts);
  const databaseUrl = process.env.DATABASE_URL;
  const dir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'portico-seed-bench-'));
  const config = parseConfig(
    {
      http: { host: '127.0.0.1', port: 0 },
      database: databaseUrl ? { url: databaseUrl } : { embedded: { dataDir: join(dir!, 'postgres'), port: 0 } },
      secrets: { keyFile: join(dir ?? tmpdir(), 'secret-keys.json') },
    },
    {},
    'seed-bench',
  );
  let portico: Portico | undefined;
  let db: pg.Client | undefined;
  try {
    portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: 'warn' }), role: 'cli' });
    db = new pg.Client({ connectionString: portico.databaseUrl });
    await db.connect();
    const start = process.hrtime.bigint();
    const seeded = await seedBench(portico, db, { hosts, organizations: Number(values.organizations), servicesPerProject: Number(values.services) });
    console.log(`${hosts.toLocaleString('en')} hosts in ${seeded.tenancy.organizations.length} organizations, seeded in ${seconds(start).toFixed(1)} s (${JSON.stringify(seeded.took)})`);
    console.log(`sign in as ${seeded.owner.email} / ${seeded.owner.password} (organization ${seeded.organizationSlug}); k6: -e EMAIL=${seeded.owner.email} -e PASSWORD=${seeded.owner.password} -e HOSTS=${hosts}`);
    if (databaseUrl) {
      console.log('route tables listening on this database were told to reload');
      return;
    }
    console.log(`DATABASE_URL=${portico.databaseUrl}\nstart Portico against it in another terminal; Ctrl-C here stops PostgreSQL and removes ${dir}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await db?.end().catch(() => undefined);
    await portico?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
