import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { User } from '../users/entity.ts';

/**
 * A user's authenticator (TOTP, RFC 6238). The secret is sealed with the secret box (bound to the user id). The
 * row exists from enrollment; `enabledAt` is set once a code confirmed it, and only then does sign-in ask for codes.
 */
export const UserTotpSchema = defineEntity({
  name: 'UserTotp',
  tableName: 'user_totp',
  properties: {
    ...baseColumns,
    user: () => p.oneToOne(User).owner().unique().deleteRule('cascade'),
    secretSealed: p.text().hidden(),
    enabledAt: p.datetime().nullable(),
    /** The 30-second step of the last code accepted: a code is never accepted twice. */
    lastUsedStep: p.integer().nullable(),
  },
});
export class UserTotp extends UserTotpSchema.class {}
UserTotpSchema.setClass(UserTotp);

/** One-time recovery codes for sign-in without the authenticator; only their SHA-256 is stored. */
export const RecoveryCodeSchema = defineEntity({
  name: 'RecoveryCode',
  tableName: 'totp_recovery_codes',
  properties: {
    ...baseColumns,
    user: () => p.manyToOne(User).deleteRule('cascade'),
    codeHash: p.string().length(64).hidden(),
    usedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['user'] }],
});
export class RecoveryCode extends RecoveryCodeSchema.class {}
RecoveryCodeSchema.setClass(RecoveryCode);
