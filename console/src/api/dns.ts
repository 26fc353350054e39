import { call, client, type Schemas } from './client';

export type DnsProvider = Schemas['DnsProvider'];
export type DnsCredential = Schemas['DnsCredential'];
export interface DnsCredentialInput {
  provider: string;
  label: string;
  credentials: Record<string, unknown>;
}

/** Every provider Portico knows: enabled plugins (automatic setup) first, then well-known providers (manual). */
export const listProviders = async () => (await call(client.GET('/v1/providers'))).data;

/** A project's stored provider credentials (labels and dates, never secrets). */
export const listDnsCredentials = async (projectId: string) => (await call(client.GET('/v1/projects/{projectId}/dns-credentials', { params: { path: { projectId } } }))).data;

/** Stores a credential; the provider checks it first (422 DNS_CREDENTIAL_REJECTED when it refuses). */
export const createDnsCredential = (projectId: string, body: DnsCredentialInput) =>
  call(client.POST('/v1/projects/{projectId}/dns-credentials', { params: { path: { projectId } }, body }));

/** Deletes a credential; domains set up with it fall back to manual setup. */
export const deleteDnsCredential = (credentialId: string) => call(client.DELETE('/v1/dns-credentials/{credentialId}', { params: { path: { credentialId } } }));
