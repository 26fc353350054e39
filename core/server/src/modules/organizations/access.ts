import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import type { Role } from './membership.entity.ts';
import { User } from '../users/entity.ts';

/**
 * What a caller may reach inside one organization. Anything outside the caller's organizations answers 404
 * (never 403), so the existence of other tenants' data does not leak.
 */
export interface Access {
  organizationId: string;
  /**
   * The caller's strongest role in the organization. API keys act as `admin` limited by their scopes; a key
   * bound to a project acts as that project's `project_admin` (it must not reach organization-wide actions), and
   * so does a widget token in its project.
   */
  role: Role;
  /** For project roles and project-bound API keys: the projects reachable. `null` = every project. */
  projectIds: string[] | null;
  /** With `projectIds`: the role held in each of those projects (a user may be admin of one, member of another). */
  projectRoles: Record<string, Role> | null;
  principal: Principal;
}

/** Role strength: a role allows everything a weaker one does. */
export const RANK: Record<Role, number> = { owner: 4, admin: 3, project_admin: 2, project_member: 1 };

/** Organization roles span every project; the others are held per project. */
export const ORGANIZATION_ROLES: readonly Role[] = ['owner', 'admin'];
export const isOrganizationRole = (role: Role): boolean => ORGANIZATION_ROLES.includes(role);

/** One membership of the caller in one organization, as read from the database (a plain row, no entity). */
export interface MembershipRow {
  role: Role;
  project_id: string | null;
}

/**
 * The caller's memberships in `organizationId`, read now (never cached: a removed membership or a changed role
 * counts from the next read). Through `em`, so inside the caller's transaction when there is one.
 */
export const membershipsIn = (em: EntityManager, userId: string, organizationId: string): Promise<MembershipRow[]> =>
  em.execute<MembershipRow[]>('select role, project_id from memberships where user_id = ? and organization_id = ?', [userId, organizationId]);

/**
 * One row read together with the caller's memberships in its organization, so the access check needs no read of
 * its own: `select t.*, ${MEMBER_COLUMNS} from <table> t ${memberJoin('t.organization_id')} where …`, the join's
 * parameter `memberOf(principal)` (keys and widget tokens join none). One row per membership, or one with nulls.
 */
export const MEMBER_COLUMNS = 'm.role as member_role, m.project_id as member_project_id';
export const memberJoin = (organizationColumn: string): string => `left join memberships m on m.organization_id = ${organizationColumn} and m.user_id = ?`;
export const memberOf = (principal: Principal): string | null => (principal.kind === 'user' ? principal.userId : null);
export interface MemberColumns {
  member_role: Role | null;
  member_project_id: string | null;
}

/** The row's own columns and the caller's memberships, from the rows of such a read; undefined when there is none. */
export function splitMemberships<T extends object>(rows: ReadonlyArray<T & MemberColumns>): { columns: T; memberships: MembershipRow[] } | undefined {
  if (rows.length === 0) return undefined;
  const { member_role: _role, member_project_id: _project, ...columns } = rows[0]!;
  const memberships = rows.flatMap((row): MembershipRow[] => (row.member_role ? [{ role: row.member_role, project_id: row.member_project_id }] : []));
  return { columns: columns as T, memberships };
}

/**
 * The caller's access to `organizationId`, given a user's memberships there (read by the caller, fresh); NOT_FOUND
 * when the caller is not in it. API keys and widget tokens carry their organization, so they need no rows.
 */
export function accessOf(principal: Principal, organizationId: string, memberships: readonly MembershipRow[]): Access {
  if (principal.kind === 'widget') {
    // A widget token acts in its one project only, and only on the routes declared for the widget.
    if (principal.organizationId !== organizationId) throw notFound('Organization');
    const projectId = principal.projectId;
    return { organizationId, role: 'project_admin', projectIds: [projectId], projectRoles: { [projectId]: 'project_admin' }, principal };
  }
  if (principal.kind === 'api_key') {
    if (principal.organizationId !== organizationId) throw notFound('Organization');
    return principal.projectId
      ? { organizationId, role: 'project_admin', projectIds: [principal.projectId], projectRoles: { [principal.projectId]: 'project_admin' }, principal }
      : { organizationId, role: 'admin', projectIds: null, projectRoles: null, principal };
  }
  if (memberships.length === 0) throw notFound('Organization');
  const best = memberships.reduce((a, b) => (RANK[b.role] > RANK[a.role] ? b : a));
  if (memberships.some((m) => m.project_id === null)) return { organizationId, role: best.role, projectIds: null, projectRoles: null, principal };
  const projectRoles: Record<string, Role> = {};
  for (const m of memberships) {
    const current = projectRoles[m.project_id!];
    if (!current || RANK[m.role] > RANK[current]) projectRoles[m.project_id!] = m.role;
  }
  return { organizationId, role: best.role, projectIds: Object.keys(projectRoles), projectRoles, principal };
}

export function createAccessService({ orm }: { orm: MikroORM }) {
  async function inEveryOrganization(principal: Principal): Promise<Access[]> {
    if (principal.kind !== 'user') return [accessOf(principal, principal.organizationId, [])];
    const rows = await orm.em.execute<Array<MembershipRow & { organization_id: string }>>('select organization_id, role, project_id from memberships where user_id = ?', [principal.userId]);
    return [...Map.groupBy(rows, (row) => row.organization_id)].map(([organizationId, memberships]) => accessOf(principal, organizationId, memberships));
  }

  return {
    /** The caller's access to `organizationId`, or NOT_FOUND when the caller is not in it. */
    async forOrganization(principal: Principal, organizationId: string): Promise<Access> {
      const memberships = principal.kind === 'user' ? await membershipsIn(orm.em, principal.userId, organizationId) : [];
      return accessOf(principal, organizationId, memberships);
    },

    /**
     * The signed-in user when they are an instance operator; OPERATOR_REQUIRED for anyone else (API keys and
     * widget tokens included). Being an operator grants nothing inside organizations: that takes a membership.
     */
    async requireOperator(principal: Principal): Promise<User> {
      const user = principal.kind === 'user' ? await orm.em.findOne(User, { id: principal.userId }) : null;
      if (!user?.operator) throw new AppError('OPERATOR_REQUIRED', 'This route is for instance operators.');
      return user;
    },

    /** Whether the caller is a signed-in instance operator. */
    async isOperator(principal: Principal): Promise<boolean> {
      if (principal.kind !== 'user') return false;
      return (await orm.em.count(User, { id: principal.userId, operator: true })) > 0;
    },

    /** The caller's access in each organization it belongs to (a key or widget token: its own), from one read. */
    inEveryOrganization,

    /** Organizations the caller belongs to (a key: its own). */
    async organizationIds(principal: Principal): Promise<string[]> {
      return (await inEveryOrganization(principal)).map((access) => access.organizationId);
    },
  };
}
export type AccessService = ReturnType<typeof createAccessService>;

/**
 * FORBIDDEN inside one's own organization when the role is weaker than `minimum`. Pass `projectId` when the
 * action is on one project: a caller with project roles is then judged by its role in that project, not by its
 * strongest role elsewhere (NOT_FOUND when the project is not one of its own).
 */
export function requireRole(access: Access, minimum: Role, projectId?: string | null): void {
  let role = access.role;
  if (projectId && access.projectRoles) {
    const inProject = access.projectRoles[projectId];
    if (!inProject) throw notFound('Project');
    role = inProject;
  }
  if (RANK[role] < RANK[minimum]) {
    throw new AppError('FORBIDDEN', `This needs the ${minimum} role or higher.`, { requiredRole: minimum, role });
  }
}

/** NOT_FOUND when a project (or an unassigned, organization-level resource) is outside the caller's projects. */
export function requireProject(access: Access, projectId: string | null | undefined, what: string): void {
  if (access.projectIds === null) return;
  if (!projectId || !access.projectIds.includes(projectId)) throw notFound(what);
}
