import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { uuid } from '../schemas.ts';
import { availabilitySchema, checkQuery, mappingBody, mappingSchema, mappingView } from './schemas.ts';

const projectParams = z.object({ projectId: uuid });

/** Service domain mappings: host + base path → service. */
export const mappingRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/projects/:projectId/mappings\\:check',
    tag: 'routing',
    summary: 'Is this subdomain + base path free on the domain? If not: which mapping holds it, and free alternatives',
    auth: 'principal',
    scope: 'projects:read',
    params: projectParams,
    query: checkQuery,
    response: availabilitySchema,
    handler: ({ params, query, principal, cradle }) => cradle.mappingsService.check(principal, params.projectId, query),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/projects/:projectId/mappings\\:preview',
    tag: 'routing',
    summary: 'Preview a draft mapping: external URL, internal target, stripping, an example request, availability (nothing is saved)',
    auth: 'principal',
    scope: 'projects:read',
    params: projectParams,
    body: mappingBody.extend({ examplePath: z.string().max(500).optional().meta({ description: 'Path (and query) after the base path to preview; default /example?q=1.' }) }),
    response: z.object({
      valid: z.boolean(),
      externalUrl: z.string().optional(),
      internalUrl: z.string().nullable().optional(),
      stripping: z.string().optional(),
      notice: z.string().nullable().optional(),
      example: z.record(z.string(), z.unknown()).optional().meta({ description: "The kernel's previewRoute result for the example request." }),
      availability: availabilitySchema,
      issues: availabilitySchema.shape.issues,
    }),
    handler: ({ params, body, principal, cradle }) => cradle.mappingsService.preview(principal, params.projectId, body),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/projects/:projectId/mappings',
    tag: 'routing',
    summary: 'Map a (sub)domain and base path to a service; 409 MAPPING_CONFLICT with suggestions when taken',
    auth: 'principal',
    scope: 'projects:write',
    status: 201,
    params: projectParams,
    body: mappingBody,
    response: mappingSchema,
    handler: async ({ params, body, principal, cradle }) => mappingView(await cradle.mappingsService.create(principal, params.projectId, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects/:projectId/mappings',
    tag: 'routing',
    summary: "A project's mappings, grouped by host (ordered by host, then base path)",
    auth: 'principal',
    scope: 'projects:read',
    params: projectParams,
    response: z.object({ data: z.array(mappingSchema) }),
    handler: async ({ params, principal, cradle }) => ({ data: (await cradle.mappingsService.list(principal, params.projectId)).map(mappingView) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/mappings/:mappingId',
    tag: 'routing',
    summary: 'Change a mapping (validated and conflict-checked like a new one; the edges follow within seconds)',
    auth: 'principal',
    scope: 'projects:write',
    params: z.object({ mappingId: uuid }),
    body: mappingBody.omit({ domainId: true }).partial(),
    response: mappingSchema,
    handler: async ({ params, body, principal, cradle }) => mappingView(await cradle.mappingsService.update(principal, params.mappingId, body)),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/mappings/:mappingId',
    tag: 'routing',
    summary: 'Delete a mapping',
    auth: 'principal',
    scope: 'projects:write',
    params: z.object({ mappingId: uuid }),
    response: null,
    async handler({ params, principal, cradle }) {
      await cradle.mappingsService.remove(principal, params.mappingId);
    },
  }),
];
