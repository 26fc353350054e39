import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import type { Service } from '../../modules/routing/service.entity.ts';
import { uuid } from '../schemas.ts';

export const serviceSchema = z
  .object({ id: z.string(), projectId: z.string(), name: z.string(), upstreamHost: z.string(), upstreamPort: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Service' });
const serviceBody = z.object({
  name: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens').meta({ example: 'web' }),
  upstreamHost: z
    .string()
    .min(1)
    .max(253)
    .meta({
      example: 'web.internal',
      description:
        'A host name or an IP literal, without scheme, path or port (lower-cased; IPv6 stored without brackets). Never link-local or a cloud metadata service; the operator may narrow it further (`routing.upstreams`). A refusal is ROUTING_INVALID naming `upstreamHost`.',
    }),
  upstreamPort: z.number().int().meta({ example: 3000, description: "The service's primary port (1–65535); a mapping's internal port defaults to it." }),
});
const serviceView = (s: Service) => ({
  id: s.id,
  projectId: s.project.id,
  name: s.name,
  upstreamHost: s.upstreamHost,
  upstreamPort: s.upstreamPort,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});
const projectParams = z.object({ projectId: uuid });
const serviceParams = z.object({ serviceId: uuid });

/** Services of a project: where mapped traffic goes. */
export const serviceRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/projects/:projectId/services',
    tag: 'routing',
    summary: 'Add a service (name, upstream host and port)',
    auth: 'principal',
    scope: 'projects:write',
    status: 201,
    params: projectParams,
    body: serviceBody,
    response: serviceSchema,
    handler: async ({ params, body, principal, cradle }) => serviceView(await cradle.servicesService.create(principal, params.projectId, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects/:projectId/services',
    tag: 'routing',
    summary: "A project's services",
    auth: 'principal',
    scope: 'projects:read',
    params: projectParams,
    response: z.object({ data: z.array(serviceSchema) }),
    handler: async ({ params, principal, cradle }) => ({ data: (await cradle.servicesService.list(principal, params.projectId)).map(serviceView) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/services/:serviceId',
    tag: 'routing',
    summary: "Change a service's name, upstream host or port",
    auth: 'principal',
    scope: 'projects:write',
    params: serviceParams,
    body: serviceBody.partial(),
    response: serviceSchema,
    handler: async ({ params, body, principal, cradle }) => serviceView(await cradle.servicesService.update(principal, params.serviceId, body)),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/services/:serviceId',
    tag: 'routing',
    summary: 'Delete a service and, with it, every mapping to it',
    auth: 'principal',
    scope: 'projects:write',
    params: serviceParams,
    response: null,
    async handler({ params, principal, cradle }) {
      await cradle.servicesService.remove(principal, params.serviceId);
    },
  }),
];
