import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { organizationParams, uuid } from '../schemas.ts';
import { createDomainBody, domainSchema, domainView, eventSchema, eventView } from './schemas.ts';

const domainParams = z.object({ domainId: uuid });

export const domainRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/organizations/:organizationId/domains',
    tag: 'domains',
    summary: 'Add a domain; the response lists the record to create',
    auth: 'principal',
    scope: 'domains:write',
    status: 201,
    params: organizationParams,
    body: createDomainBody,
    response: domainSchema,
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const { domain, instructions } = await cradle.domainService.create(access, body);
      return domainView(domain, instructions);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/domains',
    tag: 'domains',
    summary: 'Domains of an organization the caller can reach',
    auth: 'principal',
    scope: 'domains:read',
    params: organizationParams,
    response: z.object({ data: z.array(domainSchema) }),
    async handler({ params, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const domains = await cradle.domainService.list(access);
      return { data: domains.map((d) => domainView(d, cradle.domainService.instructions(d))) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId',
    tag: 'domains',
    summary: 'One domain with its status and instructions',
    auth: 'principal',
    scope: 'domains:read',
    params: domainParams,
    response: domainSchema,
    async handler({ params, principal, cradle }) {
      const { domain } = await cradle.domainService.get(principal, params.domainId);
      return domainView(domain, cradle.domainService.instructions(domain));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/domains/:domainId/verify',
    tag: 'domains',
    summary: 'Request verification; runs as a background job (202)',
    auth: 'principal',
    scope: 'domains:write',
    status: 202,
    params: domainParams,
    response: domainSchema,
    async handler({ params, principal, cradle }) {
      const { domain, access } = await cradle.domainService.get(principal, params.domainId);
      const updated = await cradle.domainService.requestVerification(access, domain);
      return domainView(updated, cradle.domainService.instructions(updated));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId/events',
    tag: 'domains',
    summary: 'Status history: every transition with its reason and message',
    auth: 'principal',
    scope: 'domains:read',
    params: domainParams,
    response: z.object({ data: z.array(eventSchema) }),
    async handler({ params, principal, cradle }) {
      const { domain } = await cradle.domainService.get(principal, params.domainId);
      return { data: (await cradle.domainService.events(domain)).map(eventView) };
    },
  }),
];
