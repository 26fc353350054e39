import { call, client, type Schemas } from './client';

const org = (organizationId: string) => ({ path: { organizationId } });

/** The organization's people with their organization role or project roles. */
export const listMembers = async (organizationId: string) => (await call(client.GET('/v1/organizations/{organizationId}/members', { params: org(organizationId) }))).data;

/** Replaces a person's role (project roles name their projects). 409 LAST_OWNER when it demotes the last owner. */
export const changeMemberRole = (organizationId: string, userId: string, body: RoleAssignment) =>
  call(client.PUT('/v1/organizations/{organizationId}/members/{userId}/role', { params: { path: { organizationId, userId } }, body }));

/** Removes a person from the organization; the caller's own id leaves it. */
export const removeMember = (organizationId: string, userId: string) =>
  call(client.DELETE('/v1/organizations/{organizationId}/members/{userId}', { params: { path: { organizationId, userId } } }));

export const listInvitations = async (organizationId: string) => (await call(client.GET('/v1/organizations/{organizationId}/invitations', { params: org(organizationId) }))).data;

/** Invites someone by email; the answer carries the accept link once (`acceptUrl`). */
export const createInvitation = (organizationId: string, body: RoleAssignment & { email: string }) =>
  call(client.POST('/v1/organizations/{organizationId}/invitations', { params: org(organizationId), body }));

export const revokeInvitation = (organizationId: string, invitationId: string) =>
  call(client.DELETE('/v1/organizations/{organizationId}/invitations/{invitationId}', { params: { path: { organizationId, invitationId } } }));

export type Member = Schemas['Member'];
export type Invitation = Schemas['Invitation'];
export type CreatedInvitation = Awaited<ReturnType<typeof createInvitation>>;
export type MemberRole = Member['projects'][number]['role'];
export interface RoleAssignment {
  role: MemberRole;
  projectIds?: string[];
}
