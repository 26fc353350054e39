import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import type { Principal } from '../../http/principal.ts';
import { MIN_PASSWORD_LENGTH } from '../../modules/users/owner.ts';

const newPassword = z.string().min(MIN_PASSWORD_LENGTH).max(1024).meta({ description: `At least ${MIN_PASSWORD_LENGTH} characters.` });
const code = z.string().trim().min(6).max(32).meta({ description: 'A 6-digit authenticator code, or a recovery code (`abcde-fghjk`).' });
const sessionId = (principal: Principal): string | undefined => (principal.kind === 'user' ? principal.sessionId : undefined);
const userId = (principal: Principal): string => (principal.kind === 'user' ? principal.userId : '');

const sessionView = z.object({
  id: z.string(),
  current: z.boolean().meta({ description: 'The session this request was made with.' }),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

/** Password change and reset, the session list, and two-factor sign-in (docs/reference/accounts.md). */
export const securityRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/auth/password',
    tag: 'auth',
    summary: 'Change your password (the current one is needed); every other session is signed out and you get an email',
    auth: 'session',
    body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword }),
    response: z.object({ sessionsEnded: z.number().int() }),
    handler: ({ body, principal, cradle }) => cradle.passwordService.change(userId(principal), sessionId(principal), body.currentPassword, body.newPassword),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/password-reset',
    tag: 'auth',
    summary: 'Ask for a password-reset link by email. Always 202, whether or not the address has an account; requests past a limit send nothing',
    auth: 'public',
    body: z.object({ email: z.email().max(254) }),
    response: null,
    status: 202,
    async handler({ body, cradle, ctx }) {
      await cradle.passwordService.requestReset(body.email, { address: ctx.ip });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/password-reset/confirm',
    tag: 'auth',
    summary: 'Set a new password with the token from a reset link (works once, for 30 minutes by default); every session is signed out',
    auth: 'public',
    body: z.object({ token: z.string().min(1).max(200), password: newPassword }),
    response: null,
    async handler({ body, cradle }) {
      await cradle.passwordService.confirmReset(body.token, body.password);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/auth/sessions',
    tag: 'auth',
    summary: 'Your signed-in sessions (browsers), newest first; `current` marks this one',
    auth: 'session',
    response: z.object({ data: z.array(sessionView) }),
    async handler({ principal, cradle }) {
      const sessions = await cradle.sessionService.list(userId(principal));
      return {
        data: sessions.map((s) => ({
          id: s.id,
          current: s.id === sessionId(principal),
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt?.toISOString() ?? null,
          expiresAt: s.expiresAt.toISOString(),
          ip: s.ip ?? null,
          userAgent: s.userAgent ?? null,
        })),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/sessions/revoke-others',
    tag: 'auth',
    summary: 'Sign out every session of yours except this one',
    auth: 'session',
    response: z.object({ sessionsEnded: z.number().int() }),
    handler: async ({ principal, cradle }) => ({ sessionsEnded: await cradle.sessionService.revokeAll(userId(principal), sessionId(principal)) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/auth/sessions/:sessionId',
    tag: 'auth',
    summary: 'Sign out one of your sessions (404 for a session that is not yours)',
    auth: 'session',
    params: z.object({ sessionId: z.uuid() }),
    response: null,
    async handler({ params, principal, cradle }) {
      await cradle.sessionService.revoke(userId(principal), params.sessionId);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/auth/totp',
    tag: 'auth',
    summary: 'Whether two-factor sign-in is on, and how many recovery codes are left',
    auth: 'session',
    response: z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() }),
    handler: ({ principal, cradle }) => cradle.totpService.status(userId(principal)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/totp',
    tag: 'auth',
    summary: 'Start two-factor enrolment: a new authenticator secret and its otpauth:// URI (for a QR code), shown once',
    auth: 'session',
    response: z.object({ secret: z.string().meta({ description: 'Base32, for typing into the app.' }), uri: z.string() }),
    status: 201,
    handler: ({ principal, cradle }) => cradle.totpService.enroll(userId(principal)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/totp/confirm',
    tag: 'auth',
    summary: 'Turn two-factor sign-in on with a code from the app; returns ten one-time recovery codes, shown once',
    auth: 'session',
    body: z.object({ code }),
    response: z.object({ recoveryCodes: z.array(z.string()) }),
    handler: ({ body, principal, cradle }) => cradle.totpService.confirm(userId(principal), body.code),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/totp/disable',
    tag: 'auth',
    summary: 'Turn two-factor sign-in off: needs your password and a code (or a recovery code)',
    auth: 'session',
    body: z.object({ password: z.string().min(1).max(1024), code }),
    response: null,
    async handler({ body, principal, cradle }) {
      await cradle.totpService.disable(userId(principal), body.password, body.code);
    },
  }),
];
