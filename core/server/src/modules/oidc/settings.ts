import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { PorticoConfig } from '../../config/schema.ts';
import { notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import { requireRole, type AccessService } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { createOidcClient } from './client.ts';
import { emailDomainSchema, scopesSchema } from './config.ts';
import { OrganizationOidcProvider } from './entities.ts';
import { clientSecretAad } from './providers.ts';

/** What an owner sets for the organization's provider. `clientSecret` is write-only; omitted on an update, it is kept. */
export const organizationProviderInput = z.object({
  displayName: z.string().trim().min(1).max(80),
  issuer: z.url().max(255),
  clientId: z.string().min(1).max(255),
  /** Omit to keep the stored one; `null` for a public client (PKCE only). */
  clientSecret: z.string().min(1).max(1024).nullable().optional(),
  scopes: scopesSchema,
  allowedEmailDomains: z.array(emailDomainSchema).min(1).max(50).nullable().default(null),
  enabled: z.boolean().default(true),
  enforce: z.boolean().default(false),
});
export type OrganizationProviderInput = z.output<typeof organizationProviderInput>;

/**
 * An organization's own OpenID Connect provider: admins read it, owners set and remove it. The issuer's discovery
 * document is read before anything is stored, so a typo is refused at once (OIDC_PROVIDER_UNAVAILABLE).
 */
export function createOidcSettingsService({ orm, config, secretBox, accessService }: { orm: MikroORM; config: Pick<PorticoConfig, 'auth'>; secretBox: SecretBox; accessService: AccessService }) {
  const client = createOidcClient(config.auth.oidc);
  return {
    async get(principal: Principal, organizationId: string): Promise<OrganizationOidcProvider> {
      const access = await accessService.forOrganization(principal, organizationId);
      requireRole(access, 'admin');
      const row = await orm.em.fork().findOne(OrganizationOidcProvider, { organization: organizationId }, { populate: ['sealedClientSecret'] });
      if (!row) throw notFound('OIDC provider');
      return row;
    },

    async set(principal: Principal, organizationId: string, input: OrganizationProviderInput): Promise<{ provider: OrganizationOidcProvider; created: boolean }> {
      const access = await accessService.forOrganization(principal, organizationId);
      requireRole(access, 'owner');
      const em = orm.em.fork();
      const existing = await em.findOne(OrganizationOidcProvider, { organization: organizationId }, { populate: ['sealedClientSecret'] });
      const keptSecret = existing?.sealedClientSecret ? secretBox.open<string>(existing.sealedClientSecret, clientSecretAad(existing)) : undefined;
      const clientSecret = input.clientSecret === undefined ? keptSecret : (input.clientSecret ?? undefined);
      await client.check({ issuer: input.issuer, clientId: input.clientId, clientSecret, scopes: input.scopes });
      const row =
        existing ??
        em.create(OrganizationOidcProvider, {
          id: randomUUID(),
          organization: em.getReference(Organization, organizationId),
          displayName: input.displayName,
          issuer: input.issuer,
          clientId: input.clientId,
          scopes: input.scopes,
        });
      row.displayName = input.displayName;
      row.issuer = input.issuer;
      row.clientId = input.clientId;
      row.scopes = input.scopes;
      row.allowedEmailDomains = input.allowedEmailDomains;
      row.enabled = input.enabled;
      row.enforce = input.enforce;
      row.sealedClientSecret = clientSecret === undefined ? null : secretBox.seal(clientSecret, clientSecretAad({ id: row.id, organization: { id: organizationId } }));
      await em.flush();
      return { provider: row, created: !existing };
    },

    async remove(principal: Principal, organizationId: string): Promise<void> {
      const access = await accessService.forOrganization(principal, organizationId);
      requireRole(access, 'owner');
      const deleted = await orm.em.fork().nativeDelete(OrganizationOidcProvider, { organization: organizationId });
      if (deleted === 0) throw notFound('OIDC provider');
    },
  };
}
export type OidcSettingsService = ReturnType<typeof createOidcSettingsService>;
