import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { ROLES, type Role } from '../../modules/organizations/membership.entity.ts';
import type { Organization } from '../../modules/organizations/entity.ts';
import { organizationParams } from '../schemas.ts';

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
];
