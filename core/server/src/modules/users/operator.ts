import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import type { AccessService } from '../organizations/access.ts';
import { User } from './entity.ts';

interface Page {
  limit: number;
  offset: number;
}

/**
 * The instance operator's own views of the installation. Every call checks the operator flag first; the flag grants
 * no access to organizations' data through the other routes.
 */
export function createOperatorService({ orm, accessService }: { orm: MikroORM; accessService: AccessService }) {
  const all = <T>(sql: string, params: unknown[]): Promise<T[]> => orm.em.getConnection().execute(sql, params, 'all');
  return {
    async organizations(principal: Principal, page: Page) {
      await accessService.requireOperator(principal);
      const rows = await all<{ id: string; name: string; slug: string; created_at: Date; deleted_at: Date | null; members: number; domains: number; total: number }>(
        `select o.id, o.name, o.slug, o.created_at, o.deleted_at,
           (select count(distinct m.user_id)::int from memberships m where m.organization_id = o.id) as members,
           (select count(*)::int from domains d where d.organization_id = o.id and d.status <> 'archived') as domains,
           count(*) over ()::int as total
         from organizations o order by o.created_at asc, o.id asc limit ? offset ?`,
        [page.limit, page.offset],
      );
      return {
        data: rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug, createdAt: new Date(r.created_at).toISOString(), deletedAt: r.deleted_at ? new Date(r.deleted_at).toISOString() : null, members: r.members, domains: r.domains })),
        total: rows[0]?.total ?? 0,
      };
    },

    async users(principal: Principal, page: Page) {
      await accessService.requireOperator(principal);
      const rows = await all<{ id: string; email: string; name: string; operator: boolean; created_at: Date; organizations: number; total: number }>(
        `select u.id, u.email, u.name, u.operator, u.created_at,
           (select count(distinct m.organization_id)::int from memberships m where m.user_id = u.id) as organizations,
           count(*) over ()::int as total
         from users u order by u.created_at asc, u.id asc limit ? offset ?`,
        [page.limit, page.offset],
      );
      return {
        data: rows.map((r) => ({ id: r.id, email: r.email, name: r.name, operator: r.operator, createdAt: new Date(r.created_at).toISOString(), organizations: r.organizations })),
        total: rows[0]?.total ?? 0,
      };
    },
  };
}
export type OperatorService = ReturnType<typeof createOperatorService>;

/** Grant (or with `operator: false`, withdraw) the instance operator flag; NOT_FOUND for an unknown email. */
export async function setOperator(orm: MikroORM, email: string, operator: boolean): Promise<User> {
  const em = orm.em.fork();
  const user = await em.findOne(User, { email: email.trim().toLowerCase() });
  if (!user) throw new AppError('NOT_FOUND', `No user has the email ${email.trim().toLowerCase()}.`);
  user.operator = operator;
  await em.flush();
  return user;
}
