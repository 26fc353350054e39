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
  defineRoute({
    method: 'patch',
    path: '/v1/projects/:projectId',
    tag: 'projects',
    summary: 'Rename a project or change its slug (project admin and up; a slug change reconciles the edges)',
    auth: 'principal',
    scope: 'projects:write',
    params: z.object({ projectId: uuid }),
    body: z.object({ name: z.string().trim().min(1).max(120).optional(), slug: slug.optional() }),
    response: projectSchema,
    handler: async ({ params, body, principal, cradle }) => projectView(await cradle.projectService.update(principal, params.projectId, body)),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/projects/:projectId',
    tag: 'projects',
    summary: 'Delete a project (project admin and up, confirm=<slug>): unassigns its domains, removes its mappings, services, widget tokens, project API keys and memberships',
    auth: 'principal',
    scope: 'projects:write',
    params: z.object({ projectId: uuid }),
    query: z.object({ confirm: z.string().max(64).optional() }),
    response: null,
    handler: async ({ params, query, principal, cradle }) => {
      await cradle.projectService.remove(principal, params.projectId, query.confirm);
    },
  }),
];
