import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { domainSchema, viewDomain } from '../domains/schemas.ts';
import { uuid } from '../schemas.ts';

const projectParams = z.object({ projectId: uuid });

export const projectDomainRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/projects/:projectId/domains',
    tag: 'projects',
    summary: 'Domains assigned to a project',
    auth: 'principal',
    scope: 'domains:read',
    params: projectParams,
    response: z.object({ data: z.array(domainSchema) }),
    async handler({ params, principal, cradle }) {
      const { domains, access } = await cradle.assignmentService.list(principal, params.projectId);
      const ids = await cradle.domainService.projectIdsOf(domains, access);
      return { data: domains.map((d) => viewDomain(cradle.kernel, d, ids.get(d.id) ?? [])) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/projects/:projectId/domains',
    tag: 'projects',
    summary: 'Assign domains to a project in one request: existing ones are assigned, new ones created pending',
    auth: 'principal',
    scope: 'domains:write',
    params: projectParams,
    body: z.object({ hostnames: z.array(z.string().min(1).max(300)).min(1).max(50), method: z.string().regex(/^[a-z0-9-]{1,64}$/).optional() }),
    response: z.object({ assigned: z.array(domainSchema), created: z.array(domainSchema), alreadyAssigned: z.array(domainSchema) }),
    async handler({ params, body, principal, cradle }) {
      const result = await cradle.assignmentService.assign(principal, params.projectId, body);
      const all = [...result.assigned, ...result.created.map((c) => c.domain), ...result.alreadyAssigned];
      const ids = await cradle.domainService.projectIdsOf(all, result.access);
      const view = (d: (typeof all)[number]) => viewDomain(cradle.kernel, d, ids.get(d.id) ?? []);
      return { assigned: result.assigned.map(view), created: result.created.map((c) => view(c.domain)), alreadyAssigned: result.alreadyAssigned.map(view) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/projects/:projectId/domains/:domainId',
    tag: 'projects',
    summary: 'Remove a domain from a project (the domain stays in the organization)',
    auth: 'principal',
    scope: 'domains:write',
    params: projectParams.extend({ domainId: uuid }),
    response: null,
    async handler({ params, principal, cradle }) {
      await cradle.assignmentService.unassign(principal, params.projectId, params.domainId);
    },
  }),
];
