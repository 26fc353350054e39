import { createHash, randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import { User } from '../users/entity.ts';
import { hashPassword, verifyPassword } from '../users/password.ts';
import { Session } from './entity.ts';
import { createLoginThrottle, type ThrottleKey } from './throttle.ts';

const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

// A hash of a random password, so a login for an unknown email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

export function createSessionService({ orm, config, logger }: { orm: MikroORM; config: Pick<PorticoConfig, 'login'>; logger: Logger }) {
  const throttle = createLoginThrottle({ orm, config });
  const audit = logger.child({ component: 'auth' });
  return {
    /**
     * Check email + password; on success create a session and return its cookie token (shown once). Attempts are
     * throttled per account and per client `address` before the password is hashed; failures are audited (the
     * email's hash or the account id, and the address — never the password).
     */
    async login(email: string, password: string, { address }: { address: string }): Promise<{ token: string; session: Session; user: User }> {
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
      await throttle.succeeded(keys);
      const token = randomBytes(32).toString('base64url');
      const session = em.create(Session, {
        user,
        tokenHash: sha256(token),
        csrfToken: randomBytes(32).toString('base64url'),
        expiresAt: new Date(Date.now() + SESSION_TTL_MS),
      });
      await em.flush();
      return { token, session, user };
    },

    /** The live session for a cookie token, or null. */
    async fromToken(token: string): Promise<Session | null> {
      const session = await orm.em.findOne(Session, { tokenHash: sha256(token) }, { populate: ['user'] });
      if (!session || session.expiresAt.getTime() <= Date.now()) return null;
      return session;
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
