import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { requireProject, requireRole, type Access, type AccessService } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from './entity.ts';

export function createProjectService({ orm, accessService }: { orm: MikroORM; accessService: AccessService }) {
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
      const project = em.create(Project, { ...input, organization: em.getReference(Organization, access.organizationId) });
      await em.flush();
      return project;
    },

    /** A project by id, reachable only inside the caller's scope (404 otherwise). */
    async get(principal: Principal, projectId: string): Promise<{ project: Project; access: Access }> {
      const project = await orm.em.findOne(Project, { id: projectId });
      if (!project) throw notFound('Project');
      const access = await accessService.forOrganization(principal, project.organization.id).catch(() => {
        throw notFound('Project');
      });
      requireProject(access, project.id, 'Project');
      return { project, access };
    },
  };
}
export type ProjectService = ReturnType<typeof createProjectService>;
