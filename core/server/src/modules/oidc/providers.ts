import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../errors/app-error.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import type { ProviderEndpoint } from './client.ts';
import type { InstanceProviderConfig, OidcConfig } from './config.ts';
import { OrganizationOidcProvider } from './entities.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A provider a sign-in can go through, whichever kind, with what the flow needs. */
export type ResolvedProvider = ProviderEndpoint & {
  key: string;
  displayName: string;
  allowedEmailDomains: string[] | null;
} & (
    | { kind: 'instance'; autoCreateUsers: boolean; defaultOrganization: string | null }
    | { kind: 'organization'; organizationId: string; enforce: boolean }
  );

/** The secret box binding of an organization provider's client secret. */
export const clientSecretAad = (row: { id: string; organization: { id: string } }): string => `${row.organization.id}:oidc:${row.id}`;

/** PORTICO_SECRET_<NAME>, as plugins' secrets are read. */
const readSecret = (name: string): string | undefined => process.env[`PORTICO_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];

export function fromInstanceConfig(provider: InstanceProviderConfig): ResolvedProvider {
  return {
    kind: 'instance',
    key: provider.id,
    displayName: provider.displayName,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecretName ? readSecret(provider.clientSecretName) : undefined,
    scopes: provider.scopes,
    allowedEmailDomains: provider.allowedEmailDomains ?? null,
    autoCreateUsers: provider.autoCreateUsers,
    defaultOrganization: provider.defaultOrganization ?? null,
  };
}

export function fromOrganizationRow(row: OrganizationOidcProvider, secretBox: SecretBox): ResolvedProvider {
  return {
    kind: 'organization',
    key: row.id,
    organizationId: row.organization.id,
    displayName: row.displayName,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret: row.sealedClientSecret ? secretBox.open<string>(row.sealedClientSecret, clientSecretAad(row)) : undefined,
    scopes: row.scopes,
    allowedEmailDomains: row.allowedEmailDomains ?? null,
    enforce: row.enforce,
  };
}

/**
 * The enabled provider a URL names: an instance provider's id, or an organization provider's UUID (of an
 * organization not deleted). Anything else — unknown, disabled — is NOT_FOUND.
 */
export async function findProvider(em: EntityManager, config: OidcConfig, secretBox: SecretBox, key: string): Promise<ResolvedProvider> {
  const instance = config.providers.find((p) => p.id === key && p.enabled);
  if (instance) return fromInstanceConfig(instance);
  if (UUID.test(key)) {
    const row = await em.findOne(OrganizationOidcProvider, { id: key.toLowerCase(), enabled: true, organization: { deletedAt: null } }, { populate: ['sealedClientSecret'] });
    if (row) return fromOrganizationRow(row, secretBox);
  }
  throw notFound('Sign-in provider');
}
