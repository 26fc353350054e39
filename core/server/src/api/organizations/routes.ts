import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { ROLES, type Role } from '../../modules/organizations/membership.entity.ts';
import type { Organization } from '../../modules/organizations/entity.ts';
import { organizationParams, slug } from '../schemas.ts';

export const organizationSchema = z
  .object({ id: z.string(), name: z.string(), slug: z.string(), role: z.enum(ROLES), createdAt: z.string() })
  .meta({ id: 'Organization' });
const view = ({ organization, role }: { organization: Organization; role: Role }) => ({
  id: organization.id,
  name: organization.name,
  slug: organization.slug,
  role,
  createdAt: organization.createdAt.toISOString(),
});

export const organizationRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/organizations',
    tag: 'organizations',
    summary: 'Organizations the caller belongs to',
    auth: 'principal',
    response: z.object({ data: z.array(organizationSchema) }),
    handler: async ({ principal, cradle }) => ({ data: (await cradle.organizationService.listMine(principal)).map(view) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId',
    tag: 'organizations',
    summary: 'One organization',
    auth: 'principal',
    params: organizationParams,
    response: organizationSchema,
    handler: async ({ params, principal, cradle }) => view(await cradle.organizationService.get(principal, params.organizationId)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/organizations',
    tag: 'organizations',
    summary: 'Create an organization owned by the caller (when sign-up is open, or by an instance operator)',
    auth: 'session',
    status: 201,
    body: z.object({ name: z.string().trim().min(1).max(120), slug }),
    response: organizationSchema,
    handler: async ({ body, principal, cradle }) => view(await cradle.organizationService.create(principal, body)),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/organizations/:organizationId',
    tag: 'organizations',
    summary: 'Rename an organization (admin) or change its slug (owner; the edges are reconciled with the new name)',
    auth: 'session',
    params: organizationParams,
    body: z.object({ name: z.string().trim().min(1).max(120).optional(), slug: slug.optional() }),
    response: organizationSchema,
    handler: async ({ params, body, principal, cradle }) => view(await cradle.organizationService.update(principal, params.organizationId, body)),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/organizations/:organizationId',
    tag: 'organizations',
    summary: 'Delete an organization (owner, confirm=<slug>): archives its domains (their routes leave the edges), removes its members, invitations, API keys, widget tokens and DNS credentials',
    auth: 'session',
    params: organizationParams,
    query: z.object({ confirm: z.string().max(64).optional() }),
    response: z.object({ archivedDomains: z.number().int() }),
    handler: async ({ params, query, principal, cradle }) => cradle.organizationService.remove(principal, params.organizationId, query.confirm),
  }),
];
