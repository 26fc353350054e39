import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { User } from '../users/entity.ts';

/**
 * A person at an OpenID Connect provider (`issuer` + `subject`, the ID token's `iss` and `sub`) linked to one user.
 * Once linked, signing in through any provider of that issuer reaches that user, whatever email the provider sends.
 */
export const OidcIdentitySchema = defineEntity({
  name: 'OidcIdentity',
  tableName: 'oidc_identities',
  properties: {
    ...baseColumns,
    user: () => p.manyToOne(User).deleteRule('cascade'),
    issuer: p.string().length(255),
    subject: p.string().length(255),
    /** The email the provider sent when the identity was linked (for people reading the account, not for matching). */
    email: p.string().length(254).nullable(),
    lastSignInAt: p.datetime(),
  },
  uniques: [{ properties: ['issuer', 'subject'] }],
  indexes: [{ properties: ['user'] }],
});
export class OidcIdentity extends OidcIdentitySchema.class {}
OidcIdentitySchema.setClass(OidcIdentity);

/**
 * An organization's own OpenID Connect provider, set by its owner (one per organization). The client secret is
 * sealed with the secret box, bound to `<organizationId>:oidc:<id>`, hidden from every serialisation and never
 * returned. People signing in through it become members of the organization.
 */
export const OrganizationOidcProviderSchema = defineEntity({
  name: 'OrganizationOidcProvider',
  tableName: 'organization_oidc_providers',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade').unique(),
    displayName: p.string().length(80),
    issuer: p.string().length(255),
    clientId: p.string().length(255),
    sealedClientSecret: p.text().nullable().hidden().lazy(),
    scopes: p.array(),
    /** Only these email domains may sign in (null: any the provider vouches for). */
    allowedEmailDomains: p.array().nullable(),
    enabled: p.boolean().default(true),
    /** Members of the organization may not sign in with a password (only through this provider). */
    enforce: p.boolean().default(false),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class OrganizationOidcProvider extends OrganizationOidcProviderSchema.class {}
OrganizationOidcProviderSchema.setClass(OrganizationOidcProvider);

/**
 * A sign-in started at a provider and not yet finished. Found by the SHA-256 of `state`; it must come back to the
 * browser that started it (`bindingHash`, the SHA-256 of that browser's binding cookie); consumed by its callback,
 * so a callback works once.
 */
export const OidcLoginAttemptSchema = defineEntity({
  name: 'OidcLoginAttempt',
  tableName: 'oidc_login_attempts',
  properties: {
    ...baseColumns,
    stateHash: p.string().length(64).unique(),
    bindingHash: p.string().length(64),
    /** The provider's id in URLs: an instance provider's id, or an organization provider's UUID. */
    providerKey: p.string().length(64),
    nonce: p.string().length(128).hidden(),
    codeVerifier: p.string().length(128).hidden(),
    /** Where the browser goes after signing in: a same-origin path. */
    redirectTo: p.string().length(2048),
    expiresAt: p.datetime().index(),
  },
});
export class OidcLoginAttempt extends OidcLoginAttemptSchema.class {}
OidcLoginAttemptSchema.setClass(OidcLoginAttempt);
