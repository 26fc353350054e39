import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import type { Invitation } from '../../modules/invitations/entity.ts';
import { statusOf } from '../../modules/invitations/service.ts';
import { ROLES } from '../../modules/organizations/membership.entity.ts';
import { roleBody } from '../organizations/members.routes.ts';
import { organizationParams, uuid } from '../schemas.ts';

export const invitationSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    projectIds: z.array(z.string()),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: z.string(),
    createdAt: z.string(),
    acceptedAt: z.string().nullable(),
  })
  .meta({ id: 'Invitation' });
const view = (i: Invitation) => ({
  id: i.id,
  organizationId: i.organization.id,
  email: i.email,
  role: i.role,
  projectIds: i.projectIds,
  status: statusOf(i),
  expiresAt: i.expiresAt.toISOString(),
  createdAt: i.createdAt.toISOString(),
  acceptedAt: i.acceptedAt?.toISOString() ?? null,
});
const tokenBody = z.object({ token: z.string().min(1).max(200) });

export const invitationRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/organizations/:organizationId/invitations',
    tag: 'invitations',
    summary: 'Invite someone by email (admins; owners for the owner role). The link is emailed and returned once as acceptUrl',
    auth: 'session',
    status: 201,
    params: organizationParams,
    body: roleBody.extend({ email: z.email().max(254) }),
    response: invitationSchema.extend({ acceptUrl: z.string().meta({ description: 'Shown once: the link the email carries.' }) }),
    async handler({ params, body, principal, cradle }) {
      const { invitation, acceptUrl } = await cradle.invitationService.create(principal, params.organizationId, body);
      return { ...view(invitation), acceptUrl };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/invitations',
    tag: 'invitations',
    summary: 'The organization’s invitations, newest first (admins)',
    auth: 'session',
    params: organizationParams,
    response: z.object({ data: z.array(invitationSchema) }),
    handler: async ({ params, principal, cradle }) => ({ data: (await cradle.invitationService.list(principal, params.organizationId)).map(view) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/organizations/:organizationId/invitations/:invitationId',
    tag: 'invitations',
    summary: 'Revoke an invitation (admins): its link stops working',
    auth: 'session',
    params: organizationParams.extend({ invitationId: uuid }),
    response: invitationSchema,
    handler: async ({ params, principal, cradle }) => view(await cradle.invitationService.revoke(principal, params.organizationId, params.invitationId)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/invitations\\:preview',
    tag: 'invitations',
    summary: 'What an invitation link invites to (organization name, address, role), for the page that asks to accept it. 410 INVITATION_INVALID when it no longer works',
    auth: 'public',
    body: tokenBody,
    response: z.object({ organizationName: z.string(), email: z.string(), role: z.enum(ROLES), expiresAt: z.string() }),
    async handler({ body, cradle }) {
      const invitation = await cradle.invitationService.preview(body.token);
      return { organizationName: invitation.organization.name, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/invitations\\:accept',
    tag: 'invitations',
    summary: 'Accept an invitation as the signed-in user, whose email must be the invited address (new people: POST /v1/auth/signup with invitationToken)',
    auth: 'session',
    body: tokenBody,
    response: z.object({ organizationId: z.string(), role: z.enum(ROLES), projectIds: z.array(z.string()) }),
    async handler({ body, principal, cradle }) {
      const { invitation } = await cradle.invitationService.accept(principal, body.token);
      return { organizationId: invitation.organization.id, role: invitation.role, projectIds: invitation.projectIds };
    },
  }),
];
