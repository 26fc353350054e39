import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import type { Project } from '../../modules/projects/entity.ts';
import { organizationParams, slug, uuid } from '../schemas.ts';

export const projectSchema = z
  .object({ id: z.string(), organizationId: z.string(), name: z.string(), slug: z.string(), createdAt: z.string() })
  .meta({ id: 'Project' });
export const projectView = (p: Project) => ({
  id: p.id,
  organizationId: p.organization.id,
  name: p.name,
  slug: p.slug,
  createdAt: p.createdAt.toISOString(),
});

export const projectRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/projects',
    tag: 'projects',
    summary: 'Projects (applications) of an organization the caller can reach',
    auth: 'principal',
    scope: 'projects:read',
    params: organizationParams,
    response: z.object({ data: z.array(projectSchema) }),
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return { data: (await cradle.projectService.list(access)).map(projectView) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/organizations/:organizationId/projects',
    tag: 'projects',
    summary: 'Create a project (organization owner or admin)',
    auth: 'principal',
    scope: 'projects:write',
    status: 201,
    params: organizationParams,
    body: z.object({ name: z.string().trim().min(1).max(120), slug }),
    response: projectSchema,
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      return projectView(await cradle.projectService.create(access, body));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects/:projectId',
    tag: 'projects',
    summary: 'One project',
    auth: 'principal',
    scope: 'projects:read',
    params: z.object({ projectId: uuid }),
    response: projectSchema,
    handler: async ({ params, principal, cradle }) => projectView((await cradle.projectService.get(principal, params.projectId)).project),
  }),
];
