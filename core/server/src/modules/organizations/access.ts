import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { Membership, type Role } from './membership.entity.ts';

/**
 * What a caller may reach inside one organization. Anything outside the caller's organizations answers 404
 * (never 403), so the existence of other tenants' data does not leak.
 */
export interface Access {
  organizationId: string;
  /** The caller's strongest role in the organization; API keys act as `admin` limited by their scopes. */
  role: Role;
  /** For project roles and project-bound API keys: the projects reachable. `null` = every project. */
  projectIds: string[] | null;
  principal: Principal;
}

const RANK: Record<Role, number> = { owner: 4, admin: 3, project_admin: 2, project_member: 1 };

export function createAccessService({ orm }: { orm: MikroORM }) {
  return {
    /** The caller's access to `organizationId`, or NOT_FOUND when the caller is not in it. */
    async forOrganization(principal: Principal, organizationId: string): Promise<Access> {
      if (principal.kind === 'api_key') {
        if (principal.organizationId !== organizationId) throw notFound('Organization');
        return { organizationId, role: 'admin', projectIds: principal.projectId ? [principal.projectId] : null, principal };
      }
      const memberships = await orm.em.find(Membership, { user: principal.userId, organization: organizationId });
      if (memberships.length === 0) throw notFound('Organization');
      const best = memberships.reduce((a, b) => (RANK[b.role] > RANK[a.role] ? b : a));
      const orgWide = memberships.some((m) => m.project === null || m.project === undefined);
      return {
        organizationId,
        role: best.role,
        projectIds: orgWide ? null : memberships.map((m) => m.project!.id),
        principal,
      };
    },

    /** Organizations the caller belongs to (a key: its own). */
    async organizationIds(principal: Principal): Promise<string[]> {
      if (principal.kind === 'api_key') return [principal.organizationId];
      const memberships = await orm.em.find(Membership, { user: principal.userId });
      return [...new Set(memberships.map((m) => m.organization.id))];
    },
  };
}
export type AccessService = ReturnType<typeof createAccessService>;

/** FORBIDDEN inside one's own organization when the role is weaker than `minimum`. */
export function requireRole(access: Access, minimum: Role): void {
  if (RANK[access.role] < RANK[minimum]) {
    throw new AppError('FORBIDDEN', `This needs the ${minimum} role or higher.`, { requiredRole: minimum, role: access.role });
  }
}

/** NOT_FOUND when a project (or an unassigned, organization-level resource) is outside the caller's projects. */
export function requireProject(access: Access, projectId: string | null | undefined, what: string): void {
  if (access.projectIds === null) return;
  if (!projectId || !access.projectIds.includes(projectId)) throw notFound(what);
}
