import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { accessOf, MEMBER_COLUMNS, memberJoin, memberOf, requireProject, requireRole, splitMemberships, type Access, type MemberColumns } from '../organizations/access.ts';
import type { EdgeService } from '../edges/service.ts';
import { Organization } from '../organizations/entity.ts';
import { tenantNamesChanged } from '../organizations/service.ts';
import { Project } from './entity.ts';
import { ProjectDomain } from './project-domain.entity.ts';
import type { PlanService } from '../plans/service.ts';
import { publishMappingsDeleted } from '../events/mapping-events.ts';

/** A project's row as read (its columns by name). */
type ProjectColumns = { organization_id: string } & Record<string, unknown>;

export function createProjectService({ orm, edgeService, planService }: { orm: MikroORM; edgeService: EdgeService; planService: PlanService }) {
  /**
   * A project and the caller's access to it from one read: the project's row with the caller's memberships in its
   * organization (fresh every time, never cached). NOT_FOUND when it is missing or outside the caller's reach.
   */
  async function get(principal: Principal, projectId: string): Promise<{ project: Project; access: Access }> {
    const read = splitMemberships(
      await orm.em.execute<Array<ProjectColumns & MemberColumns>>(`select p.*, ${MEMBER_COLUMNS} from projects p ${memberJoin('p.organization_id')} where p.id = ?`, [memberOf(principal), projectId]),
    );
    if (!read) throw notFound('Project');
    let access: Access;
    try {
      access = accessOf(principal, read.columns.organization_id, read.memberships);
    } catch {
      throw notFound('Project');
    }
    const project = orm.em.map(Project, read.columns);
    requireProject(access, project.id, 'Project');
    return { project, access };
  }

  return {
    list(access: Access): Promise<Project[]> {
      const where = access.projectIds === null ? {} : { id: { $in: access.projectIds } };
      return orm.em.find(Project, { organization: access.organizationId, ...where }, { orderBy: { createdAt: 'asc' } });
    },

    async create(access: Access, input: { name: string; slug: string }): Promise<Project> {
      requireRole(access, 'admin');
      const em = orm.em;
      if (await em.count(Project, { organization: access.organizationId, slug: input.slug })) {
        throw new AppError('CONFLICT', `A project with slug "${input.slug}" already exists.`, { field: 'slug' });
      }
      return em.transactional(async (tx) => {
        await planService.assertWithinPlan(tx, { organizationId: access.organizationId, resource: 'projects' });
        return tx.create(Project, { ...input, organization: tx.getReference(Organization, access.organizationId) });
      });
    },

    /** A project by id, reachable only inside the caller's scope (404 otherwise). */
    get,

    /** Rename a project or change its slug (its admins and up); a slug change reconciles the edges. */
    async update(principal: Principal, projectId: string, input: { name?: string; slug?: string }): Promise<Project> {
      const { project, access } = await get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      const slugChanged = input.slug !== undefined && input.slug !== project.slug;
      if (slugChanged && (await orm.em.count(Project, { organization: project.organization, slug: input.slug, id: { $ne: project.id } }))) {
        throw new AppError('CONFLICT', `A project with slug "${input.slug}" already exists.`, { field: 'slug' });
      }
      if (input.name !== undefined) project.name = input.name;
      if (input.slug !== undefined) project.slug = input.slug;
      await orm.em.flush();
      if (slugChanged) await tenantNamesChanged(orm.em, edgeService, { project: project.id });
      return project;
    },

    /**
     * Delete a project (its admins and up, with `confirm` equal to its slug). Its domain assignments and mappings go
     * (so its routes leave the edges), with its services, widget settings and tokens, project-bound API keys, DNS
     * credentials and project memberships; the organization's domains stay, unassigned.
     */
    async remove(principal: Principal, projectId: string, confirm: string | undefined): Promise<void> {
      const { project, access } = await get(principal, projectId);
      requireRole(access, 'project_admin', project.id);
      if (confirm !== project.slug) {
        throw new AppError('CONFIRMATION_REQUIRED', `Deleting the project removes its mappings, services and keys. Send confirm=${project.slug} to go ahead.`, { expected: 'slug' });
      }
      await orm.em.transactional(async (em) => {
        await publishMappingsDeleted(em, { project: project.id }); // the deletes below cascade to them
        await em.nativeDelete(ProjectDomain, { project: project.id });
        await em.nativeDelete(Project, { id: project.id });
        await em.flush();
      });
      await edgeService.requestSync();
    },
  };
}
export type ProjectService = ReturnType<typeof createProjectService>;
