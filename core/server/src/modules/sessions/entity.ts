import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { User } from '../users/entity.ts';

/** A console login. The cookie holds the token; only its SHA-256 is stored. */
export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    ...baseColumns,
    user: () => p.manyToOne(User).deleteRule('cascade'),
    tokenHash: p.string().length(64).unique().hidden(),
    /** Synchronizer token: cookie-authenticated writes must echo it in `x-csrf-token`. */
    csrfToken: p.string().length(64).hidden(),
    expiresAt: p.datetime(),
    /** Last request made with the session (written at most once a minute). */
    lastSeenAt: p.datetime().nullable(),
    /** Client address and browser at sign-in, shown in the session list so people recognise their sessions. */
    ip: p.string().length(100).nullable(),
    userAgent: p.string().length(500).nullable(),
  },
});
export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);
