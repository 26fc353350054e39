import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { widgetDomainInput } from '../../modules/widget/scope.ts';
import { organizationParams, uuid } from '../schemas.ts';
import { actorOf, createDomainBulkService } from '../../modules/domains/bulk.ts';
import { LIST_TOTAL_CAP, serviceCountsOf } from '../../modules/domains/list-query.ts';
import { bulkBody, bulkResultSchema, createDomainBody, domainListItemSchema, domainSchema, domainView, eventSchema, eventView, listQuery, usageSchema, viewDomain } from './schemas.ts';

const domainParams = z.object({ domainId: uuid });

export const domainRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/organizations/:organizationId/domains',
    tag: 'domains',
    summary: 'Add a domain (optionally to a project); the response lists the records to create',
    auth: 'principal',
    scope: 'domains:write',
    widget: { hostname: (body) => body.hostname },
    status: 201,
    params: organizationParams,
    body: createDomainBody,
    response: domainSchema,
    async handler({ params, body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const { dnsCredentialId, ...rest } = body;
      const input = widgetDomainInput(principal, rest);
      if (dnsCredentialId) await cradle.credentialService.get(access, dnsCredentialId); // 404 before anything is written
      // With a credential, the domain and its setup job commit together.
      const { domain, instructions, projectIds } = await cradle.orm.em.fork().transactional(async (em) => {
        const created = await cradle.domainService.create(access, input, em);
        if (dnsCredentialId) created.domain = await cradle.dnsSetupService.request(access, created.domain, { credentialId: dnsCredentialId }, em);
        return created;
      });
      return domainView(domain, instructions, projectIds);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/domains',
    tag: 'domains',
    summary: 'Domains of an organization the caller can reach: search, status filter, sort, keyset pages, what uses each',
    auth: 'principal',
    scope: 'domains:read',
    params: organizationParams,
    query: listQuery,
    response: z.object({
      data: z.array(domainListItemSchema),
      nextCursor: z.string().nullable(),
      total: z.number().int().meta({ description: `How many domains match, counted up to ${LIST_TOTAL_CAP.toLocaleString('en')}: past that, this is ${LIST_TOTAL_CAP} and totalIsExact is false.` }),
      totalIsExact: z.boolean().meta({ description: `False when more than ${LIST_TOTAL_CAP.toLocaleString('en')} domains match (the count stops there).` }),
    }),
    async handler({ params, query, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, params.organizationId);
      const page = await cradle.domainService.list(access, query);
      const services = await serviceCountsOf(cradle.orm.em, page.domains.map((d) => d.id), access.projectIds);
      return {
        data: page.domains.map((d) => {
          const projectIds = page.projectIds.get(d.id) ?? [];
          return { ...viewDomain(cradle.kernel, d, projectIds), usage: { projects: projectIds.length, services: services.get(d.id) ?? 0 } };
        }),
        nextCursor: page.nextCursor,
        total: page.total,
        totalIsExact: page.totalIsExact,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId',
    tag: 'domains',
    summary: 'One domain with its status, instructions and next check',
    auth: 'principal',
    widget: true,
    scope: 'domains:read',
    params: domainParams,
    response: domainSchema,
    async handler({ params, principal, cradle }) {
      const { domain, projectIds } = await cradle.domainService.get(principal, params.domainId);
      return viewDomain(cradle.kernel, domain, projectIds);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/domains/:domainId/verify',
    tag: 'domains',
    summary: 'Verify now: queues a check (202); 429 with Retry-After when asked again too soon',
    auth: 'principal',
    widget: true,
    scope: 'domains:write',
    status: 202,
    params: domainParams,
    response: domainSchema,
    async handler({ params, principal, cradle }) {
      const { domain, access, projectIds } = await cradle.domainService.get(principal, params.domainId);
      const requested = await cradle.verificationService.request(access, domain);
      return viewDomain(cradle.kernel, requested, projectIds);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId/events',
    tag: 'domains',
    summary: 'Status history: every transition with its reason and message',
    auth: 'principal',
    widget: true,
    scope: 'domains:read',
    params: domainParams,
    response: z.object({ data: z.array(eventSchema) }),
    async handler({ params, principal, cradle }) {
      const { domain } = await cradle.domainService.get(principal, params.domainId);
      return { data: (await cradle.domainService.events(domain)).map(eventView) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId/usage',
    tag: 'domains',
    summary: 'Which projects use the domain, and how many services are mapped on it (shown before a delete)',
    auth: 'principal',
    scope: 'domains:read',
    params: domainParams,
    response: usageSchema.extend({ services: z.number().int().meta({ description: 'Services with a mapping on the domain, in the projects the caller may see.' }) }),
    async handler({ params, principal, cradle }) {
      const { domain, access } = await cradle.domainService.get(principal, params.domainId);
      const services = await serviceCountsOf(cradle.orm.em, [domain.id], access.projectIds);
      return { ...(await cradle.domainService.usage(domain, access)), services: services.get(domain.id) ?? 0 };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/domains/:domainId',
    tag: 'domains',
    summary: 'Delete (archive) a domain; one in use needs the owner role and confirm=<hostname>',
    auth: 'principal',
    scope: 'domains:write',
    params: domainParams,
    query: z.object({ confirm: z.string().max(253).optional() }),
    response: z.object({ id: z.string(), hostname: z.string(), status: z.literal('archived'), usage: usageSchema }),
    async handler({ params, query, principal, cradle }) {
      const { domain, access } = await cradle.domainService.get(principal, params.domainId);
      const usage = await cradle.domainService.archive(access, domain, query.confirm, actorOf(principal));
      return { id: domain.id, hostname: domain.hostname, status: 'archived' as const, usage };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/organizations/:organizationId/domains\\:bulk',
    tag: 'domains',
    summary: 'Verify or delete up to 100 domains at once; each id gets its own result (unknown or foreign ids: NOT_FOUND)',
    auth: 'principal',
    scope: 'domains:write',
    params: organizationParams,
    body: bulkBody,
    response: z.object({ results: z.array(bulkResultSchema) }),
    async handler({ params, body, principal, cradle }) {
      const results = await createDomainBulkService(cradle).run(principal, params.organizationId, body.action, body.domainIds, body.confirm);
      return { results };
    },
  }),
];
