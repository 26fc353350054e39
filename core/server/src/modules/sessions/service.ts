import { createHash, randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../../errors/app-error.ts';
import { User } from '../users/entity.ts';
import { hashPassword, verifyPassword } from '../users/password.ts';
import { Session } from './entity.ts';

const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

// A hash of a random password, so a login for an unknown email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

export function createSessionService({ orm }: { orm: MikroORM }) {
  return {
    /** Check email + password; on success create a session and return its cookie token (shown once). */
    async login(email: string, password: string): Promise<{ token: string; session: Session; user: User }> {
      const em = orm.em;
      const user = await em.findOne(User, { email: email.trim().toLowerCase() }, { populate: ['passwordHash'] });
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
      if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong.');
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
