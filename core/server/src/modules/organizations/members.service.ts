import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { publishEvent } from '../events/publish.ts';
import { Project } from '../projects/entity.ts';
import type { User } from '../users/entity.ts';
import { isOrganizationRole, requireRole, type Access, type AccessService } from './access.ts';
import { Organization } from './entity.ts';
import { Membership, type Role } from './membership.entity.ts';

/** One person in an organization: an organization role, or roles in some projects. */
export interface Member {
  user: User;
  /** owner or admin; null when the person holds project roles only. */
  role: Role | null;
  projects: Array<{ projectId: string; role: Role }>;
  joinedAt: Date;
}

/** What a role assignment asks for: an organization role, or a project role in the projects named. */
export interface RoleInput {
  role: Role;
  projectIds?: string[];
}

/**
 * Lock the organization row: every change to its memberships takes this lock first, so two owners demoting each
 * other at once cannot both see "another owner remains".
 */
export async function lockOrganization(em: EntityManager, organizationId: string): Promise<Organization> {
  const org = await em.findOne(Organization, { id: organizationId, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!org) throw notFound('Organization');
  return org;
}

/**
 * Check a role assignment against the organization: organization roles take no projects, project roles need at
 * least one, each a project of this organization (NOT_FOUND otherwise). Returns the distinct project ids.
 */
export async function checkRoleInput(em: EntityManager, organizationId: string, input: RoleInput): Promise<string[]> {
  const projectIds = [...new Set(input.projectIds ?? [])];
  if (isOrganizationRole(input.role)) {
    if (projectIds.length > 0) throw new AppError('VALIDATION_FAILED', `The ${input.role} role spans every project: send no projectIds.`, { issues: [{ in: 'body', path: 'projectIds', message: 'must be empty for organization roles' }] });
    return [];
  }
  if (projectIds.length === 0) throw new AppError('VALIDATION_FAILED', `The ${input.role} role is held per project: send projectIds.`, { issues: [{ in: 'body', path: 'projectIds', message: 'required for project roles' }] });
  const found = await em.count(Project, { id: { $in: projectIds }, organization: organizationId });
  if (found !== projectIds.length) throw notFound('Project');
  return projectIds;
}

/** Give `user` the role (replacing the memberships they had in the organization). */
export function grantRole(em: EntityManager, organization: Organization, user: User, role: Role, projectIds: string[]): Membership[] {
  if (projectIds.length === 0) return [em.create(Membership, { user, organization, role, project: null })];
  return projectIds.map((projectId) => em.create(Membership, { user, organization, role, project: em.getReference(Project, projectId) }));
}

/** LAST_OWNER unless the organization keeps an owner other than `userId`. */
async function requireAnotherOwner(em: EntityManager, organizationId: string, userId: string): Promise<void> {
  const others = await em.count(Membership, { organization: organizationId, role: 'owner', user: { $ne: userId } });
  if (others === 0) throw new AppError('LAST_OWNER', 'This would leave the organization without an owner; make someone else owner first.');
}

function group(memberships: Membership[]): Member[] {
  const byUser = new Map<string, Member>();
  for (const m of memberships) {
    let member = byUser.get(m.user.id);
    if (!member) byUser.set(m.user.id, (member = { user: m.user, role: null, projects: [], joinedAt: m.createdAt }));
    if (m.project) member.projects.push({ projectId: m.project.id, role: m.role });
    else member.role = m.role;
    if (m.createdAt < member.joinedAt) member.joinedAt = m.createdAt;
  }
  return [...byUser.values()];
}

/** Who may change `target`'s role: owners anyone; admins anyone but an owner, and never to owner. */
function requireMayManage(access: Access, targetRole: Role | null, newRole?: Role): void {
  requireRole(access, 'admin');
  if (access.role !== 'owner' && (targetRole === 'owner' || newRole === 'owner')) {
    throw new AppError('FORBIDDEN', 'Only an owner can make or change an owner.', { requiredRole: 'owner', role: access.role });
  }
}

export function createMemberService({ orm, accessService }: { orm: MikroORM; accessService: AccessService }) {
  const memberships = (em: EntityManager, organizationId: string, userId?: string) =>
    em.find(Membership, { organization: organizationId, ...(userId ? { user: userId } : {}) }, { populate: ['user'], orderBy: { createdAt: 'asc' } });

  /** A person of the organization as `access` may see them (project-bound callers: only their projects' roles). */
  const visible = (access: Access, member: Member): Member | undefined => {
    if (access.projectIds === null) return member;
    const projects = member.projects.filter((p) => access.projectIds!.includes(p.projectId));
    return member.role !== null || projects.length > 0 ? { ...member, projects } : undefined;
  };

  return {
    /**
     * The organization's people. Organization roles see everyone; a caller with project roles sees the owners and
     * admins and the members of its own projects (never which other projects exist).
     */
    async list(principal: Principal, organizationId: string): Promise<Member[]> {
      if (principal.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'This route needs a console session.');
      const access = await accessService.forOrganization(principal, organizationId);
      return group(await memberships(orm.em, organizationId)).flatMap((m) => visible(access, m) ?? []);
    },

    /** Replace a person's role in the organization. LAST_OWNER when it demotes the last owner. */
    async changeRole(principal: Principal, organizationId: string, userId: string, input: RoleInput): Promise<Member> {
      const access = await accessService.forOrganization(principal, organizationId);
      return orm.em.transactional(async (em) => {
        const organization = await lockOrganization(em, organizationId);
        const current = group(await memberships(em, organizationId, userId))[0];
        if (!current || !visible(access, current)) throw notFound('Member');
        requireMayManage(access, current.role, input.role);
        const projectIds = await checkRoleInput(em, organizationId, input);
        if (current.role === 'owner' && input.role !== 'owner') await requireAnotherOwner(em, organizationId, userId);
        await em.nativeDelete(Membership, { organization: organizationId, user: userId });
        const created = grantRole(em, organization, current.user, input.role, projectIds);
        await em.flush();
        return { ...group(created)[0]!, joinedAt: current.joinedAt };
      });
    },

    /**
     * Remove a person from the organization (every role they hold there). Anyone may leave; removing someone else
     * takes an admin (an owner for an owner). LAST_OWNER when they are its last owner.
     */
    async remove(principal: Principal, organizationId: string, userId: string): Promise<void> {
      const access = await accessService.forOrganization(principal, organizationId);
      await orm.em.transactional(async (em) => {
        await lockOrganization(em, organizationId);
        const current = group(await memberships(em, organizationId, userId))[0];
        if (!current || !visible(access, current)) throw notFound('Member');
        const self = principal.kind === 'user' && principal.userId === userId;
        if (!self) requireMayManage(access, current.role);
        if (current.role === 'owner') await requireAnotherOwner(em, organizationId, userId);
        await em.nativeDelete(Membership, { organization: organizationId, user: userId });
        publishEvent(em, {
          type: 'member.removed',
          organizationId,
          subject: { kind: 'membership', id: userId },
          data: { email: current.user.email, userId, role: current.role ?? current.projects[0]?.role ?? 'project_member' },
        });
        await em.flush();
      });
    },
  };
}
export type MemberService = ReturnType<typeof createMemberService>;
