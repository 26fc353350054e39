// Organizations with many domains for the benchmarks that read them (console-dashboard.ts, list-bench.ts): an owner
// written through the ORM, the domains with one INSERT … SELECT generate_series.
import type pg from 'pg';
import type { Portico } from '../core/server/src/runtime.ts';
import { Organization } from '../core/server/src/modules/organizations/entity.ts';
import { Membership } from '../core/server/src/modules/organizations/membership.entity.ts';
import { User } from '../core/server/src/modules/users/entity.ts';
import { hashPassword } from '../core/server/src/modules/users/password.ts';

export interface Tenant {
  organizationId: string;
  email: string;
  password: string;
}

/** An organization with its owner, written through the ORM. */
export async function seedTenant(portico: Portico, name: string): Promise<Tenant> {
  const em = portico.container.cradle.orm.em.fork();
  const organization = em.create(Organization, { name: `bench-${name}`, slug: `bench-${name}` });
  const email = `owner-${name}@bench.test`;
  const password = `bench-${name}-password`;
  const user = em.create(User, { email, name: `Owner ${name}`, passwordHash: await hashPassword(password) });
  em.create(Membership, { user, organization, project: null, role: 'owner' });
  await em.flush();
  return { organizationId: organization.id, email, password };
}

/**
 * `count` domains `shop-<i>.<tenant>.bench-console.test` in one INSERT … SELECT generate_series, created a second apart, in a
 * mix of statuses (verified and live ones with their verification date).
 */
export async function seedDomains(db: pg.Client, organizationId: string, count: number, tenant: string): Promise<void> {
  await db.query(
    `insert into domains (id, created_at, updated_at, organization_id, hostname, status, method, token, verified_at, last_checked_at)
     select gen_random_uuid(), now() - make_interval(secs => i), now(), $1, 'shop-' || i || '.' || $3 || '.bench-console.test', s.status, 'dns-txt', md5('t' || i),
            case when s.status in ('verified', 'live') then now() - make_interval(secs => i) end, now() - make_interval(secs => i % 3600)
     from generate_series(0, $2::int - 1) as i
     cross join lateral (select (array['live', 'live', 'verified', 'pending', 'failed_temporary', 'stalled', 'drifted', 'live'])[1 + i % 8] as status) s`,
    [organizationId, count, tenant],
  );
  await db.query('analyze domains');
}
