import { createHash, randomInt } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Secret, TOTP } from 'otpauth';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import type { Mailer } from '../mail/mailer.ts';
import { User } from '../users/entity.ts';
import { verifyPassword } from '../users/password.ts';
import { RecoveryCode, UserTotp } from './totp.entity.ts';

const PERIOD = 30;
const RECOVERY_CODES = 10;
// Lower-case letters and digits without look-alikes (0/o, 1/l/i): 31 symbols, 10 per code (about 50 bits).
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const aadOf = (userId: string) => `totp:${userId}`;
const normalizeRecovery = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');
const isTotpCode = (code: string): boolean => /^\d{6}$/.test(code.replace(/\s/g, ''));

function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * Two-factor sign-in with an authenticator app (TOTP, 6 digits, 30 s, SHA-1 for app compatibility). Enrolment
 * returns the secret once; a code confirms it and returns ten one-time recovery codes once. A code is accepted
 * at most once (its time step is remembered), and codes one step either side of now count (`auth.totp.window`).
 */
export function createTotpService({ orm, config, secretBox, mailer }: { orm: MikroORM; config: Pick<PorticoConfig, 'auth'>; secretBox: SecretBox; mailer: Mailer }) {
  const totpOf = (row: UserTotp, email: string) =>
    new TOTP({ issuer: config.auth.totp.issuer, label: email, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBox.open<string>(row.secretSealed, aadOf(row.user.id))) });

  /**
   * Accept a 6-digit code for `row` or throw TOTP_CODE_INVALID. The step is recorded with a conditional update, so
   * of two requests racing with one code only one wins.
   */
  async function acceptCode(em: EntityManager, row: UserTotp, email: string, code: string): Promise<void> {
    const now = Date.now();
    const delta = totpOf(row, email).validate({ token: code.replace(/\s/g, ''), timestamp: now, window: config.auth.totp.window });
    const step = delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
    const claimed = step === null ? 0 : await em.nativeUpdate(UserTotp, { id: row.id, $or: [{ lastUsedStep: null }, { lastUsedStep: { $lt: step } }] }, { lastUsedStep: step });
    if (claimed === 0) throw new AppError('TOTP_CODE_INVALID', 'The authenticator code is wrong, expired or was used already.');
    row.lastUsedStep = step;
  }

  /** Use up a recovery code (one conditional update: a code works once even under concurrent requests); returns the codes left. */
  async function useRecoveryCode(em: EntityManager, user: User, code: string): Promise<number> {
    const used = await em.nativeUpdate(RecoveryCode, { user, codeHash: sha256(normalizeRecovery(code)), usedAt: null }, { usedAt: new Date() });
    if (used === 0) throw new AppError('TOTP_CODE_INVALID', 'The recovery code is wrong or was used already.');
    return em.count(RecoveryCode, { user, usedAt: null });
  }

  async function replaceRecoveryCodes(em: EntityManager, user: User): Promise<string[]> {
    await em.nativeDelete(RecoveryCode, { user });
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    for (const code of codes) em.create(RecoveryCode, { user, codeHash: sha256(normalizeRecovery(code)), usedAt: null });
    return codes;
  }

  const service = {
    async status(userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
      const em = orm.em.fork();
      const row = await em.findOne(UserTotp, { user: userId });
      const enabled = Boolean(row?.enabledAt);
      return { enabled, recoveryCodesLeft: enabled ? await em.count(RecoveryCode, { user: userId, usedAt: null }) : 0 };
    },

    /** Start (or restart) enrolment: a fresh secret, returned once with its otpauth:// URI. Refused while enabled. */
    async enroll(userId: string): Promise<{ secret: string; uri: string }> {
      const em = orm.em.fork();
      const user = await em.findOneOrFail(User, { id: userId });
      const row = await em.findOne(UserTotp, { user });
      if (row?.enabledAt) throw new AppError('TOTP_ALREADY_ENABLED', 'Two-factor sign-in is on already; turn it off first to enrol a new authenticator.');
      const secret = new Secret({ size: 20 });
      const sealed = secretBox.seal(secret.base32, aadOf(user.id));
      if (row) Object.assign(row, { secretSealed: sealed, lastUsedStep: null });
      else em.create(UserTotp, { user, secretSealed: sealed, enabledAt: null, lastUsedStep: null });
      await em.flush();
      const uri = new TOTP({ issuer: config.auth.totp.issuer, label: user.email, algorithm: 'SHA1', digits: 6, period: PERIOD, secret }).toString();
      return { secret: secret.base32, uri };
    },

    /** Finish enrolment with a code from the app: two-factor sign-in is on; the recovery codes are returned once. */
    async confirm(userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
      const em = orm.em.fork();
      const user = await em.findOneOrFail(User, { id: userId });
      const row = await em.findOne(UserTotp, { user });
      if (!row) throw new AppError('TOTP_NOT_ENROLLED', 'Start enrolment first (POST /v1/auth/totp).');
      if (row.enabledAt) throw new AppError('TOTP_ALREADY_ENABLED', 'Two-factor sign-in is on already.');
      await acceptCode(em, row, user.email, code);
      row.enabledAt = new Date();
      const recoveryCodes = await replaceRecoveryCodes(em, user);
      await em.flush();
      await mailer.enqueue(user.email, 'two-factor-changed', { at: row.enabledAt.toISOString(), change: 'enabled' });
      return { recoveryCodes };
    },

    /** Turn two-factor sign-in off: needs the password and a code (or a recovery code). */
    async disable(userId: string, password: string, code: string): Promise<void> {
      const em = orm.em.fork();
      const user = await em.findOneOrFail(User, { id: userId }, { populate: ['passwordHash'] });
      const row = await em.findOne(UserTotp, { user });
      if (!row?.enabledAt) throw new AppError('TOTP_NOT_ENROLLED', 'Two-factor sign-in is not on.');
      if (!(await verifyPassword(user.passwordHash, password))) throw new AppError('PASSWORD_INCORRECT', 'The current password is wrong.');
      if (isTotpCode(code)) await acceptCode(em, row, user.email, code);
      else await useRecoveryCode(em, user, code);
      await em.nativeDelete(RecoveryCode, { user });
      em.remove(row);
      await em.flush();
      await mailer.enqueue(user.email, 'two-factor-changed', { at: new Date().toISOString(), change: 'disabled' });
    },

    /** Whether sign-in must ask this user for a code. */
    async required(em: EntityManager, user: User): Promise<boolean> {
      const row = await em.findOne(UserTotp, { user });
      return Boolean(row?.enabledAt);
    },

    /** The sign-in step: a 6-digit code or a recovery code (used up, and the user is told by email). */
    async verifySignIn(em: EntityManager, user: User, code: string): Promise<void> {
      const row = await em.findOneOrFail(UserTotp, { user });
      if (isTotpCode(code)) {
        await acceptCode(em, row, user.email, code);
        return;
      }
      const left = await useRecoveryCode(em, user, code);
      await mailer.enqueue(user.email, 'two-factor-changed', { at: new Date().toISOString(), change: 'recovery-code-used', recoveryCodesLeft: left });
    },
  };
  return service;
}
export type TotpService = ReturnType<typeof createTotpService>;
