import { call, client, type Schemas } from './client';

export type ApiKey = Schemas['ApiKey'];
export type ApiKeyScope = ApiKey['scopes'][number];
export type CreatedApiKey = ApiKey & { secret: string };
export type ProjectSummary = Schemas['Project'];
export interface ApiKeyInput {
  name: string;
  scopes: ApiKeyScope[];
  projectId?: string | null;
}

// Every scope the server accepts, once each: the compiler fails here when the server's enum gains or loses one.
const SCOPES: { [S in ApiKeyScope]: null } = {
  'domains:read': null,
  'domains:write': null,
  'projects:read': null,
  'projects:write': null,
  'dns-credentials:read': null,
  'dns-credentials:write': null,
  'widget-tokens:write': null,
  'webhooks:read': null,
  'webhooks:write': null,
  'events:read': null,
  'audit:read': null,
};
/** Every scope a key can hold, in the order the form lists them. */
export const API_KEY_SCOPES = Object.keys(SCOPES) as ApiKeyScope[];

export const listApiKeys = async (organizationId: string) =>
  (await call(client.GET('/v1/organizations/{organizationId}/api-keys', { params: { path: { organizationId } } }))).data;

/** Creates a key; the answer's `secret` is the only time the full key is ever shown. */
export const createApiKey = (organizationId: string, body: ApiKeyInput): Promise<CreatedApiKey> =>
  call(client.POST('/v1/organizations/{organizationId}/api-keys', { params: { path: { organizationId } }, body }));

/** Revokes a key: it stops working at once. */
export const revokeApiKey = (organizationId: string, apiKeyId: string) =>
  call(client.POST('/v1/organizations/{organizationId}/api-keys/{apiKeyId}/revoke', { params: { path: { organizationId, apiKeyId } } }));

/** The organization's projects, for binding a key to one. */
export const listProjects = async (organizationId: string) =>
  (await call(client.GET('/v1/organizations/{organizationId}/projects', { params: { path: { organizationId } } }))).data;
