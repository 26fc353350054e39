import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import { publishEvent } from '../events/publish.ts';
import { Organization } from '../organizations/entity.ts';
import { Membership, ROLES, type Role } from '../organizations/membership.entity.ts';
import { User } from '../users/entity.ts';
import { hashPassword } from '../users/password.ts';
import type { OidcClaims } from './client.ts';
import { OidcIdentity } from './entities.ts';
import type { ResolvedProvider } from './providers.ts';

/**
 * The role people get in an organization they join through its provider or as an instance provider's default
 * organization: the read-only organization role (`member`), or `project_member` with no project (every project,
 * read only) where the role list has no `member`.
 */
export const JOIN_ROLE: Role = ((ROLES as readonly string[]).includes('member') ? 'member' : 'project_member') as Role;

const domainOf = (email: string): string => email.slice(email.lastIndexOf('@') + 1);

/**
 * The user a provider's claims sign in as, linking or creating as the rules allow:
 * - an identity (issuer + subject) already linked signs in as its user, whatever email is sent now;
 * - otherwise the email must be present and verified (`email_verified: true`): an account is never matched or
 *   created by an unverified email;
 * - an existing account with that email is linked — through an organization's provider only when the account is
 *   already a member of that organization (an organization controls its provider, so it must not take over
 *   accounts of other tenants);
 * - no account: created when the provider creates accounts (an organization's provider always does).
 * Signing in through an organization's provider makes the user a member of it (when not already).
 */
export async function resolveUser(em: EntityManager, provider: ResolvedProvider, claims: OidcClaims, logger: Logger): Promise<User> {
  if (provider.allowedEmailDomains && !(claims.email && claims.emailVerified && provider.allowedEmailDomains.includes(domainOf(claims.email)))) {
    throw new AppError('OIDC_EMAIL_DOMAIN_REFUSED', 'Your email address is not one this sign-in accepts.', { allowedEmailDomains: provider.allowedEmailDomains });
  }
  const now = new Date();
  const identity = await em.findOne(OidcIdentity, { issuer: claims.iss, subject: claims.sub }, { populate: ['user'] });
  let user: User;
  if (identity) {
    identity.lastSignInAt = now;
    if (claims.email) identity.email = claims.email;
    user = identity.user;
  } else {
    if (!claims.email || !claims.emailVerified) {
      throw new AppError('OIDC_EMAIL_UNVERIFIED', 'The provider did not vouch for your email address (email_verified), so it cannot sign you in to an account.');
    }
    const existing = await em.findOne(User, { email: claims.email });
    if (existing) {
      if (provider.kind === 'organization' && !(await em.count(Membership, { user: existing, organization: provider.organizationId }))) {
        throw new AppError('OIDC_ACCOUNT_NOT_LINKABLE', 'An account with this email exists and is not a member of this organization.');
      }
      user = existing;
    } else {
      if (provider.kind === 'instance' && !provider.autoCreateUsers) {
        throw new AppError('OIDC_SIGNUP_DISABLED', 'No account has this email address, and this sign-in does not create accounts.');
      }
      user = em.create(User, {
        id: randomUUID(),
        email: claims.email,
        name: (claims.name?.trim() || claims.email.slice(0, claims.email.indexOf('@'))).slice(0, 120),
        // Nobody knows this password: the account signs in through its provider (or after a password reset).
        passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
      });
      if (provider.kind === 'instance' && provider.defaultOrganization) {
        const organization = await em.findOne(Organization, { slug: provider.defaultOrganization, deletedAt: null });
        if (organization) join(em, user, organization.id);
        else logger.warn({ provider: provider.key, organization: provider.defaultOrganization }, 'OIDC provider names a default organization that does not exist');
      }
    }
    em.create(OidcIdentity, { user, issuer: claims.iss, subject: claims.sub, email: claims.email, lastSignInAt: now });
  }
  if (provider.kind === 'organization' && !(await em.count(Membership, { user, organization: provider.organizationId }))) {
    join(em, user, provider.organizationId);
  }
  return user;
}

/** Make `user` a member of the organization (with the unit of work's next flush) and say so as `member.joined`. */
function join(em: EntityManager, user: User, organizationId: string): void {
  em.create(Membership, { user, organization: em.getReference(Organization, organizationId), project: null, role: JOIN_ROLE });
  publishEvent(em, { type: 'member.joined', organizationId, subject: { kind: 'membership', id: user.id }, data: { email: user.email, userId: user.id, role: JOIN_ROLE } });
}
