import { call, client, type Schemas } from './client';

/** The signed-in user and the CSRF token (401 UNAUTHENTICATED when signed out). */
export const getSession = () => call(client.GET('/v1/auth/session'));

export const logout = () => call(client.POST('/v1/auth/logout'));

/** Organizations the signed-in user belongs to, with their role in each. */
export const listOrganizations = async () => (await call(client.GET('/v1/organizations'))).data;

export type SessionInfo = Awaited<ReturnType<typeof getSession>>;
export type OrganizationSummary = Awaited<ReturnType<typeof listOrganizations>>[number];
export type Role = OrganizationSummary['role'];
export type { Schemas };
