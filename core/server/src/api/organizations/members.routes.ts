import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { ROLES } from '../../modules/organizations/membership.entity.ts';
import type { Member } from '../../modules/organizations/members.service.ts';
import { organizationParams, uuid } from '../schemas.ts';

export const memberSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES).nullable().meta({ description: 'owner or admin; null when the person holds project roles only.' }),
    projects: z.array(z.object({ projectId: z.string(), role: z.enum(ROLES) })),
    joinedAt: z.string(),
  })
  .meta({ id: 'Member' });
const view = (m: Member) => ({ userId: m.user.id, email: m.user.email, name: m.user.name, role: m.role, projects: m.projects, joinedAt: m.joinedAt.toISOString() });

/** A role assignment: an organization role alone, or a project role with the projects it applies to. */
export const roleBody = z.object({
  role: z.enum(ROLES),
  projectIds: z.array(uuid).max(100).optional().meta({ description: 'Required for project_admin and project_member; omitted for owner and admin.' }),
});
const memberParams = organizationParams.extend({ userId: uuid });

export const memberRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/members',
    tag: 'members',
    summary: 'The organization’s people and their roles (a caller with project roles sees owners, admins and its own projects’ members)',
    auth: 'session',
    params: organizationParams,
    response: z.object({ data: z.array(memberSchema) }),
    handler: async ({ params, principal, cradle }) => ({ data: (await cradle.memberService.list(principal, params.organizationId)).map(view) }),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/organizations/:organizationId/members/:userId/role',
    tag: 'members',
    summary: 'Replace a person’s role (admins; owners for owner roles). 409 LAST_OWNER when it would demote the last owner',
    auth: 'session',
    params: memberParams,
    body: roleBody,
    response: memberSchema,
    handler: async ({ params, body, principal, cradle }) => view(await cradle.memberService.changeRole(principal, params.organizationId, params.userId, body)),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/organizations/:organizationId/members/:userId',
    tag: 'members',
    summary: 'Remove a person from the organization, or leave it (your own user id). 409 LAST_OWNER for its last owner',
    auth: 'session',
    params: memberParams,
    response: null,
    handler: async ({ params, principal, cradle }) => {
      await cradle.memberService.remove(principal, params.organizationId, params.userId);
    },
  }),
];
