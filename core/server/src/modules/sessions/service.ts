import { createHash, randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { OidcService } from '../oidc/service.ts';
import { User } from '../users/entity.ts';
import { hashPassword, verifyPassword } from '../users/password.ts';
import { Session } from './entity.ts';
import { createLoginThrottle, type ThrottleKey } from './throttle.ts';
import type { TotpService } from './totp.ts';

const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** `lastSeenAt` is written at most this often per session, so reads do not turn every request into a write. */
const LAST_SEEN_EVERY_MS = 60_000;
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

// A hash of a random password, so a login for an unknown email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** A live session as a request sees it: the session's and its user's fields the API answers with, as plain values. */
export interface AuthenticatedSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string; operator: boolean };
}

/** The row `fromToken` reads (times as milliseconds since the epoch). */
interface SessionRow {
  id: string;
  csrf_token: string;
  expires_ms: number;
  last_seen_ms: number | null;
  user_id: string;
  email: string;
  name: string;
  operator: boolean;
}

export interface SignInContext {
  address: string;
  userAgent?: string;
  /** A 6-digit authenticator code or a recovery code, for accounts with two-factor sign-in on. */
  code?: string;
}

interface Deps {
  orm: MikroORM;
  config: Pick<PorticoConfig, 'login'>;
  logger: Logger;
  totpService: TotpService;
  oidcService: OidcService;
}

/** `deps` is the container's cradle: `oidcService` is looked up when a sign-in needs it, not when this is built. */
export function createSessionService(deps: Deps) {
  const { orm, config, logger, totpService } = deps;
  const throttle = createLoginThrottle({ orm, config });
  const audit = logger.child({ component: 'auth' });
  return {
    /**
     * Check email + password (and, with two-factor sign-in on, `code`: without one the answer is 401 TOTP_REQUIRED,
     * a wrong one 400 TOTP_CODE_INVALID); on success create a session and return its cookie token (shown once).
     * Attempts, codes included, are throttled per account and per client `address` before the password is hashed;
     * failures are audited (the email's hash or the account id, and the address — never the password or code).
     * A member of an organization that enforces its OpenID Connect provider is refused with 403
     * PASSWORD_SIGNIN_DISABLED, asked only once the credentials are right so it tells nothing about other accounts.
     */
    async login(email: string, password: string, { address, userAgent, code }: SignInContext): Promise<{ token: string; session: Session; user: User }> {
      const em = orm.em;
      const normalized = email.trim().toLowerCase();
      const emailHash = sha256(normalized).slice(0, 16);
      const keys: ThrottleKey[] = [
        { scope: 'account', key: `account:${sha256(normalized)}`, limit: config.login.attemptsPerAccount },
        { scope: 'address', key: `address:${address}`.slice(0, 100), limit: config.login.attemptsPerAddress },
      ];
      const verdict = await throttle.attempt(keys);
      if (!verdict.allowed) {
        if (verdict.first) audit.warn({ event: 'login.throttled', scope: verdict.scope, emailHash, address, retryAfterSeconds: verdict.retryAfterSeconds }, 'sign-in throttled');
        const seconds = verdict.retryAfterSeconds;
        throw new AppError('LOGIN_RATE_LIMITED', `Too many sign-in attempts; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
      }
      const user = await em.findOne(User, { email: normalized }, { populate: ['passwordHash'] });
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
      if (!user || !ok) {
        audit.warn({ event: 'login.failed', reason: user ? 'wrong_password' : 'unknown_email', ...(user ? { userId: user.id } : {}), emailHash, address }, 'sign-in failed');
        throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong.');
      }
      if (await totpService.required(em, user)) {
        if (!code) throw new AppError('TOTP_REQUIRED', 'This account has two-factor sign-in: send the authenticator code (or a recovery code) as `code`.');
        try {
          await totpService.verifySignIn(em, user, code);
        } catch (error) {
          audit.warn({ event: 'login.failed', reason: 'wrong_code', userId: user.id, address }, 'sign-in failed');
          throw error;
        }
      }
      const provider = await deps.oidcService.enforcedProvider(user.id);
      if (provider) {
        audit.warn({ event: 'login.refused', reason: 'oidc_enforced', userId: user.id, provider: provider.id, address }, 'password sign-in refused');
        const organization = provider.organization!;
        throw new AppError(
          'PASSWORD_SIGNIN_DISABLED',
          `${organization.name} requires its members to sign in with ${provider.displayName}; password sign-in is turned off for this account.`,
          { provider: provider.id, organization: organization.slug },
        );
      }
      await throttle.succeeded(keys);
      const token = randomBytes(32).toString('base64url');
      const session = em.create(Session, {
        user,
        tokenHash: sha256(token),
        csrfToken: randomBytes(32).toString('base64url'),
        expiresAt: new Date(Date.now() + SESSION_TTL_MS),
        lastSeenAt: new Date(),
        ip: address.slice(0, 100),
        userAgent: userAgent ? userAgent.slice(0, 500) : null,
      });
      await em.flush();
      return { token, session, user };
    },

    /**
     * The live session for a cookie token with its user, or null: one read of plain values (no entities), fresh on
     * every request, so a signed-out or expired session, or a deleted user, is refused from the next request on.
     */
    async fromToken(token: string): Promise<AuthenticatedSession | null> {
      const [row] = await orm.em.execute<SessionRow[]>(
        `select s.id, s.csrf_token, (extract(epoch from s.expires_at) * 1000)::float8 as expires_ms,
                (extract(epoch from s.last_seen_at) * 1000)::float8 as last_seen_ms, u.id as user_id, u.email, u.name, u.operator
           from sessions s join users u on u.id = s.user_id where s.token_hash = ?`,
        [sha256(token)],
      );
      const now = Date.now();
      if (!row || row.expires_ms <= now) return null;
      if (row.last_seen_ms === null || now - row.last_seen_ms > LAST_SEEN_EVERY_MS) {
        await orm.em.nativeUpdate(Session, { id: row.id }, { lastSeenAt: new Date(now) });
      }
      return {
        id: row.id,
        csrfToken: row.csrf_token,
        expiresAt: new Date(row.expires_ms),
        user: { id: row.user_id, email: row.email, name: row.name, operator: row.operator },
      };
    },

    /** The user's live sessions, newest first. */
    async list(userId: string): Promise<Session[]> {
      return orm.em.fork().find(Session, { user: userId, expiresAt: { $gt: new Date() } }, { orderBy: { createdAt: 'desc' } });
    },

    /** End one of the user's own sessions; someone else's (or none) is 404, as if it did not exist. */
    async revoke(userId: string, sessionId: string): Promise<void> {
      const deleted = await orm.em.fork().nativeDelete(Session, { id: sessionId, user: userId });
      if (deleted === 0) throw new AppError('NOT_FOUND', 'No such session.');
    },

    /** End every session of the user except `keepSessionId` (all of them without it); returns how many ended. */
    async revokeAll(userId: string, keepSessionId?: string): Promise<number> {
      return orm.em.fork().nativeDelete(Session, keepSessionId ? { user: userId, id: { $ne: keepSessionId } } : { user: userId });
    },

    async logout(sessionId: string): Promise<void> {
      await orm.em.nativeDelete(Session, { id: sessionId });
    },

    /** End the session a cookie token belongs to, if any (a new sign-in replaces the browser's old session). */
    async logoutToken(token: string): Promise<void> {
      await orm.em.nativeDelete(Session, { tokenHash: sha256(token) });
    },
  };
}
export type SessionService = ReturnType<typeof createSessionService>;
