import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An email domain (`example.com`), lower-cased. */
export const emailDomainSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/, { message: 'must be a domain name such as example.com' })
  .transform((domain) => domain.toLowerCase());

/** OAuth scopes asked for; `openid` is always added. */
export const scopesSchema = z
  .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/, { message: 'must be one scope token' }))
  .max(20)
  .default(['openid', 'email', 'profile'])
  .transform((scopes) => [...new Set(['openid', ...scopes])]);

/** One instance-wide OpenID Connect provider: every user of the installation may sign in through it. */
export const instanceProviderSchema = z.object({
  /** The provider's name in URLs (`/v1/auth/oidc/<id>/start`): lower-case letters, digits and `-`. */
  id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, { message: 'must be 1–32 lower-case letters, digits or "-", starting with a letter' })
    .refine((id) => !UUID.test(id), { message: 'must not look like a UUID (those name organization providers)' }),
  /** What the sign-in page's button says ("Sign in with <displayName>"). */
  displayName: z.string().min(1).max(80),
  /** The issuer identifier; its `/.well-known/openid-configuration` is read on first use. */
  issuer: z.url(),
  clientId: z.string().min(1).max(255),
  /** Name of the secret holding the client secret, read from PORTICO_SECRET_<NAME> (never from this file). Unset: a public client (PKCE only). */
  clientSecretName: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).optional(),
  scopes: scopesSchema,
  /** Only people whose verified email is in one of these domains may sign in (unset: any domain). */
  allowedEmailDomains: z.array(emailDomainSchema).min(1).optional(),
  /** Create an account for a verified email that has none; false: only people who already have an account. */
  autoCreateUsers: z.boolean().default(false),
  /** Slug of the organization that accounts created through this provider join, with the member role. */
  defaultOrganization: z.string().min(1).max(64).optional(),
  /** false keeps the entry in the file but the provider answers 404 and is not listed. */
  enabled: z.boolean().default(true),
});
export type InstanceProviderConfig = z.output<typeof instanceProviderSchema>;

/**
 * Sign-in with OpenID Connect (docs/reference/oidc.md): instance-wide providers declared here, and one provider per
 * organization that its owner sets through the API.
 */
export const oidcConfigSchema = z
  .object({
    providers: z
      .array(instanceProviderSchema)
      .default([])
      .refine((providers) => new Set(providers.map((p) => p.id)).size === providers.length, { message: 'provider ids must be unique' }),
    /** How long a started sign-in may take at the provider before its callback is refused. */
    loginTimeoutMinutes: z.number().int().min(1).max(60).default(10),
    /** Clock difference tolerated when checking ID token times (`iat`, `exp`, `nbf`). */
    clockToleranceSeconds: z.number().int().min(0).max(300).default(5),
    /**
     * Allow issuers over plain http (and discovery of them). Only for tests and local development: with it, an
     * organization owner may point Portico at any http address.
     */
    allowInsecureIssuers: z.boolean().default(false),
    /** Bound on each request to a provider (discovery, token, userinfo). */
    timeoutSeconds: z.number().int().min(1).max(60).default(10),
  })
  .prefault({});
export type OidcConfig = z.output<typeof oidcConfigSchema>;
