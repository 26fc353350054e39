import { createHash, randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Mailer } from '../mail/mailer.ts';
import { Session } from '../sessions/entity.ts';
import { createLoginThrottle } from '../sessions/throttle.ts';
import { User } from './entity.ts';
import { PasswordReset } from './password-reset.entity.ts';
import { hashPassword, verifyPassword } from './password.ts';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Where a reset link points: the console's reset page, the token in the fragment (never sent to a server or in a Referer). */
export const resetUrl = (publicUrl: string, token: string): string => `${publicUrl.replace(/\/+$/, '')}/reset-password#token=${token}`;

/**
 * Changing and resetting passwords. A change needs the current password and signs out every other session; a
 * reset mails a link (a random token, stored only as its SHA-256, working once for `auth.passwordResetMinutes`)
 * and signs out every session when it is used. Requests for a reset never say whether the address has an account.
 */
export function createPasswordService({ orm, config, logger, mailer }: { orm: MikroORM; config: Pick<PorticoConfig, 'auth' | 'http' | 'login'>; logger: Logger; mailer: Mailer }) {
  const audit = logger.child({ component: 'auth' });
  const throttle = createLoginThrottle({ orm, config });
  const publicUrl = config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`;

  return {
    /** Change the signed-in user's password; every session but `currentSessionId` ends. */
    async change(userId: string, currentSessionId: string | undefined, currentPassword: string, newPassword: string): Promise<{ sessionsEnded: number }> {
      const keys = [{ scope: 'account' as const, key: `password:${userId}`, limit: config.login.attemptsPerAccount }];
      const verdict = await throttle.attempt(keys);
      if (!verdict.allowed) {
        const seconds = verdict.retryAfterSeconds;
        throw new AppError('LOGIN_RATE_LIMITED', `Too many password attempts; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
      }
      const em = orm.em.fork();
      const user = await em.findOneOrFail(User, { id: userId }, { populate: ['passwordHash'] });
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        audit.warn({ event: 'password.change_failed', userId }, 'password change refused: wrong current password');
        throw new AppError('PASSWORD_INCORRECT', 'The current password is wrong.');
      }
      await throttle.succeeded(keys);
      const passwordHash = await hashPassword(newPassword);
      const sessionsEnded = await em.transactional(async (tx) => {
        (await tx.findOneOrFail(User, { id: userId })).passwordHash = passwordHash;
        const ended = await tx.nativeDelete(Session, currentSessionId ? { user: userId, id: { $ne: currentSessionId } } : { user: userId });
        await tx.nativeDelete(PasswordReset, { user: userId, usedAt: null });
        await mailer.enqueue(user.email, 'password-changed', { at: new Date().toISOString(), how: 'changed' }, { em: tx });
        return ended;
      });
      audit.info({ event: 'password.changed', userId, sessionsEnded }, 'password changed');
      return { sessionsEnded };
    },

    /**
     * Mail a reset link when `email` has an account. Always returns normally (the route answers 202 either way);
     * requests past `auth.passwordResetsPerWindow` per address or per email in the sign-in window send nothing.
     */
    async requestReset(email: string, { address }: { address: string }): Promise<void> {
      const normalized = email.trim().toLowerCase();
      const emailHash = sha256(normalized).slice(0, 16);
      const limit = config.auth.passwordResetsPerWindow;
      const verdict = await throttle.attempt([
        { scope: 'account', key: `reset:${sha256(normalized)}`.slice(0, 100), limit },
        { scope: 'address', key: `reset-address:${address}`.slice(0, 100), limit: limit * 10 },
      ]);
      if (!verdict.allowed) {
        if (verdict.first) audit.warn({ event: 'password.reset_throttled', scope: verdict.scope, emailHash, address }, 'password reset requests throttled');
        return;
      }
      const em = orm.em.fork();
      const user = await em.findOne(User, { email: normalized });
      if (!user) {
        audit.info({ event: 'password.reset_requested', known: false, emailHash, address }, 'password reset requested for an unknown address');
        return;
      }
      const token = randomBytes(32).toString('base64url');
      await em.transactional(async (tx) => {
        tx.create(PasswordReset, { user, tokenHash: sha256(token), expiresAt: new Date(Date.now() + config.auth.passwordResetMinutes * 60_000), usedAt: null });
        await tx.flush();
        await mailer.enqueue(user.email, 'password-reset', { resetUrl: resetUrl(publicUrl, token), expiresInMinutes: config.auth.passwordResetMinutes }, { em: tx });
      });
      audit.info({ event: 'password.reset_requested', known: true, userId: user.id, address }, 'password reset link queued');
    },

    /** Set a new password with a reset token: the token is used up, every session and every other reset link ends. */
    async confirmReset(token: string, newPassword: string): Promise<void> {
      const em = orm.em.fork();
      const passwordHash = await hashPassword(newPassword);
      const user = await em.transactional(async (tx) => {
        // Claim the token with one conditional update, so a link works once even when used twice at the same moment.
        const rows = await tx
          .getConnection()
          .execute<{ user_id: string }[]>(
            `update password_resets set used_at = now() where token_hash = ? and used_at is null and expires_at > now() returning user_id`,
            [sha256(token)],
            'all',
            tx.getTransactionContext(),
          );
        const userId = rows[0]?.user_id;
        if (!userId) throw new AppError('PASSWORD_RESET_INVALID', 'The reset link is wrong, expired or was used already; ask for a new one.');
        const found = await tx.findOneOrFail(User, { id: userId });
        found.passwordHash = passwordHash;
        await tx.nativeDelete(Session, { user: userId });
        await tx.nativeDelete(PasswordReset, { user: userId, usedAt: null });
        await mailer.enqueue(found.email, 'password-changed', { at: new Date().toISOString(), how: 'reset' }, { em: tx });
        return found;
      });
      audit.info({ event: 'password.reset', userId: user.id }, 'password reset with a link; every session ended');
    },
  };
}
export type PasswordService = ReturnType<typeof createPasswordService>;
