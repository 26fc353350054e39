import { call, client, type paths, type Schemas } from './client';

const org = (organizationId: string) => ({ path: { organizationId } });

/** Renames the organization (admin) or changes its slug (owner). */
export const updateOrganization = (organizationId: string, body: { name?: string; slug?: string }) =>
  call(client.PATCH('/v1/organizations/{organizationId}', { params: org(organizationId), body }));

/** Deletes the organization (owner); `confirm` repeats its slug. */
export const deleteOrganization = (organizationId: string, confirm: string) =>
  call(client.DELETE('/v1/organizations/{organizationId}', { params: { path: { organizationId }, query: { confirm } } }));

/** The organization's projects (for pickers: usage per project, project roles). */
export const listProjects = async (organizationId: string) => (await call(client.GET('/v1/organizations/{organizationId}/projects', { params: org(organizationId) }))).data;

/** The organization's limits with current usage, defaults and the largest values accepted. */
export const getSettings = (organizationId: string) => call(client.GET('/v1/organizations/{organizationId}/settings', { params: org(organizationId) }));

/** Changes some limits (owner); never below usage (SETTINGS_BELOW_USAGE) nor above the plan (SETTINGS_ABOVE_PLAN). */
export const updateSettings = (organizationId: string, body: Partial<Limits>) =>
  call(client.PATCH('/v1/organizations/{organizationId}/settings', { params: org(organizationId), body }));

/** Who changed which limit, from what to what, newest first. */
export const listSettingChanges = async (organizationId: string) => (await call(client.GET('/v1/organizations/{organizationId}/settings/changes', { params: org(organizationId) }))).data;

/** The organization's own OpenID Connect provider (404 when it has none). */
export const getOidc = (organizationId: string) => call(client.GET('/v1/organizations/{organizationId}/oidc', { params: org(organizationId) }));

/** Sets the provider (owner); the issuer's discovery document is read first. `clientSecret` omitted keeps the stored one. */
export const putOidc = (organizationId: string, body: OidcInput) => call(client.PUT('/v1/organizations/{organizationId}/oidc', { params: org(organizationId), body }));

export const deleteOidc = (organizationId: string) => call(client.DELETE('/v1/organizations/{organizationId}/oidc', { params: org(organizationId) }));

export type Organization = Schemas['Organization'];
export type OrganizationSettings = Schemas['OrganizationSettings'];
export type Limits = OrganizationSettings['limits'];
export type LimitName = keyof Limits;
export type SettingChange = Schemas['OrganizationSettingsChange'];
export type OidcProvider = Schemas['OrganizationOidcProvider'];
export type OidcInput = NonNullable<paths['/v1/organizations/{organizationId}/oidc']['put']['requestBody']>['content']['application/json'];
export type Project = Schemas['Project'];
