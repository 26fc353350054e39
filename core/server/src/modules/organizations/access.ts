import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { Membership, type Role } from './membership.entity.ts';
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

export function createAccessService({ orm }: { orm: MikroORM }) {
  return {
    /** The caller's access to `organizationId`, or NOT_FOUND when the caller is not in it. */
    async forOrganization(principal: Principal, organizationId: string): Promise<Access> {
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
      const memberships = await orm.em.find(Membership, { user: principal.userId, organization: organizationId });
      if (memberships.length === 0) throw notFound('Organization');
      const best = memberships.reduce((a, b) => (RANK[b.role] > RANK[a.role] ? b : a));
      const orgWide = memberships.some((m) => m.project === null || m.project === undefined);
      if (orgWide) return { organizationId, role: best.role, projectIds: null, projectRoles: null, principal };
      const projectRoles: Record<string, Role> = {};
      for (const m of memberships) {
        const current = projectRoles[m.project!.id];
        if (!current || RANK[m.role] > RANK[current]) projectRoles[m.project!.id] = m.role;
      }
      return { organizationId, role: best.role, projectIds: Object.keys(projectRoles), projectRoles, principal };
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

    /** Organizations the caller belongs to (a key: its own). */
    async organizationIds(principal: Principal): Promise<string[]> {
      if (principal.kind !== 'user') return [principal.organizationId];
      const memberships = await orm.em.find(Membership, { user: principal.userId });
      return [...new Set(memberships.map((m) => m.organization.id))];
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
