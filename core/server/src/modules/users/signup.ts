import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { InvitationService } from '../invitations/service.ts';
import { Organization } from '../organizations/entity.ts';
import { createOrganization } from '../organizations/service.ts';
import { sha256 } from '../sessions/service.ts';
import { createLoginThrottle, type ThrottleKey } from '../sessions/throttle.ts';
import { User } from './entity.ts';
import { slugOf } from './owner.ts';
import { hashPassword } from './password.ts';

export interface SignupInput {
  email?: string;
  password: string;
  name?: string;
  organizationName?: string;
  invitationToken?: string;
}

export type SignupResult =
  /** Open sign-up: the same answer whether or not the address had an account (no enumeration); sign in next. */
  | { kind: 'accepted' }
  /** With an invitation: the account exists and has joined; the caller signs it in. */
  | { kind: 'joined'; user: User; organizationId: string };

interface Deps {
  orm: MikroORM;
  logger: Logger;
  config: Pick<PorticoConfig, 'accounts' | 'login'>;
  invitationService: InvitationService;
}

/**
 * Self-service accounts, as `accounts.signup` allows: `open` (anyone: a new account owning a new organization),
 * `invite-only` (only with an invitation token, which proves the address), `closed` (neither: accounts come from
 * `portico users create-owner`, and invitations are accepted by existing accounts only). Attempts are throttled
 * like sign-ins, per address and per email.
 */
export function createSignupService({ orm, logger, config, invitationService }: Deps) {
  const throttle = createLoginThrottle({ orm, config });
  const audit = logger.child({ component: 'auth' });

  async function throttled(email: string, address: string): Promise<void> {
    const keys: ThrottleKey[] = [
      { scope: 'account', key: `signup:${sha256(email)}`, limit: config.login.attemptsPerAccount },
      { scope: 'address', key: `signup-address:${address}`.slice(0, 100), limit: config.login.attemptsPerAddress },
    ];
    const verdict = await throttle.attempt(keys);
    if (!verdict.allowed) {
      const seconds = verdict.retryAfterSeconds;
      throw new AppError('SIGNUP_RATE_LIMITED', `Too many sign-up attempts; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
    }
  }

  /** A free organization slug from a name: the name's own slug, or with a random suffix when that is taken. */
  async function freeSlug(name: string): Promise<string> {
    const base = slugOf(name).slice(0, 48);
    if (!(await orm.em.count(Organization, { slug: base }))) return base;
    return `${base}-${randomBytes(4).toString('hex')}`;
  }

  return {
    async signup(input: SignupInput, { address }: { address: string }): Promise<SignupResult> {
      const mode = config.accounts.signup;
      if (input.invitationToken) {
        if (mode === 'closed') throw new AppError('SIGNUP_CLOSED', 'Sign-up is closed here: sign in with an existing account to accept the invitation.');
        const preview = await invitationService.preview(input.invitationToken);
        await throttled(preview.email, address);
        if (input.email && input.email.trim().toLowerCase() !== preview.email) {
          throw new AppError('INVITATION_EMAIL_MISMATCH', 'This invitation was sent to another email address.');
        }
        const passwordHash = await hashPassword(input.password);
        const { user, invitation } = await invitationService.acceptAsNewUser(input.invitationToken, async (em, email) => {
          // The token holder controls this address, so saying it has an account already leaks nothing to them.
          if (await em.count(User, { email })) throw new AppError('CONFLICT', 'An account with this email exists: sign in and accept the invitation.', { field: 'email' });
          return em.create(User, { email, name: input.name ?? email.split('@')[0]!, passwordHash, operator: false });
        });
        audit.info({ event: 'signup.invited', userId: user.id, organizationId: invitation.organization.id }, 'account created from an invitation');
        return { kind: 'joined', user, organizationId: invitation.organization.id };
      }
      if (mode !== 'open') throw new AppError('SIGNUP_CLOSED', mode === 'invite-only' ? 'Sign-up needs an invitation here; ask an organization owner for one.' : 'Sign-up is closed on this installation.');
      if (!input.email || !input.organizationName) {
        throw new AppError('VALIDATION_FAILED', 'Open sign-up needs email and organizationName.', { issues: [{ in: 'body', path: input.email ? 'organizationName' : 'email', message: 'required' }] });
      }
      const email = input.email.trim().toLowerCase();
      await throttled(email, address);
      // Hashed either way, so an existing address answers as slowly as a new one.
      const passwordHash = await hashPassword(input.password);
      const emailHash = sha256(email).slice(0, 16);
      if (await orm.em.count(User, { email })) {
        audit.info({ event: 'signup.existing_email', emailHash, address }, 'sign-up for an existing account ignored');
        return { kind: 'accepted' };
      }
      const slug = await freeSlug(input.organizationName);
      try {
        await orm.em.transactional(async (em) => {
          const user = em.create(User, { email, name: input.name ?? email.split('@')[0]!, passwordHash, operator: false });
          await em.flush();
          await createOrganization(em, { name: input.organizationName!, slug, ownerId: user.id });
          await em.flush();
        });
      } catch (error) {
        // The same address signing up twice at once: the second finds the account made, and is answered alike.
        if (error instanceof UniqueConstraintViolationException) return { kind: 'accepted' };
        throw error;
      }
      audit.info({ event: 'signup.open', emailHash }, 'account and organization created');
      return { kind: 'accepted' };
    },
  };
}
export type SignupService = ReturnType<typeof createSignupService>;
