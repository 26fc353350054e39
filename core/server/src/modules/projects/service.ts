import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { requireProject, requireRole, type Access, type AccessService } from '../organizations/access.ts';
import type { EdgeService } from '../edges/service.ts';
import { Organization } from '../organizations/entity.ts';
import { tenantNamesChanged } from '../organizations/service.ts';
import { Project } from './entity.ts';
import { ProjectDomain } from './project-domain.entity.ts';
import type { PlanService } from '../plans/service.ts';
import { publishMappingsDeleted } from '../events/mapping-events.ts';

export function createProjectService({ orm, accessService, edgeService, planService }: { orm: MikroORM; accessService: AccessService; edgeService: EdgeService; planService: PlanService }) {
  async function get(principal: Principal, projectId: string): Promise<{ project: Project; access: Access }> {
    const project = await orm.em.findOne(Project, { id: projectId });
    if (!project) throw notFound('Project');
    const access = await accessService.forOrganization(principal, project.organization.id).catch(() => {
      throw notFound('Project');
    });
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
