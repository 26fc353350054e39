import { z } from 'zod';
import { SESSION_COOKIE } from '../../http/authenticate.ts';
import { defineRoute } from '../../http/route.ts';
import type { AuthenticatedSession } from '../../modules/sessions/service.ts';
import { securityRoutes } from './security-routes.ts';
import { setupRoutes } from './setup.routes.ts';

const loginBody = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
  code: z.string().trim().min(6).max(32).optional().meta({ description: 'With two-factor sign-in on: a 6-digit authenticator code or a recovery code (without it: 401 TOTP_REQUIRED).' }),
});
const sessionResponse = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    operator: z.boolean().meta({ description: 'An instance operator: may open the operator pages (edges, every organization, plans).' }),
  }),
  csrfToken: z.string().meta({ description: 'Send as x-csrf-token on every cookie-authenticated write.' }),
  expiresAt: z.string(),
});
const view = (session: Pick<AuthenticatedSession, 'csrfToken' | 'expiresAt' | 'user'>) => ({
  user: { id: session.user.id, email: session.user.email, name: session.user.name, operator: session.user.operator },
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt.toISOString(),
});

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/auth/login',
    tag: 'auth',
    summary: 'Sign in with email and password; sets an HttpOnly session cookie. 429 LOGIN_RATE_LIMITED with Retry-After after too many attempts for the account or from the address',
    auth: 'public',
    body: loginBody,
    response: sessionResponse,
    async handler({ body, cradle, ctx }) {
      // ctx.ip is the client's address (from X-Forwarded-For only with http.trustProxy): the throttle's second key.
      const { token, session } = await cradle.sessionService.login(body.email, body.password, { address: ctx.ip, userAgent: ctx.get('user-agent'), ...(body.code ? { code: body.code } : {}) });
      // Rotate: the session this browser held before (if any) ends, so one browser holds one live session.
      const previous = ctx.cookies.get(SESSION_COOKIE);
      if (previous) await cradle.sessionService.logoutToken(previous);
      ctx.cookies.set(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.secure,
        path: '/',
        expires: session.expiresAt,
        overwrite: true,
      });
      return view(session);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/auth/session',
    tag: 'auth',
    summary: 'The signed-in user and the CSRF token',
    auth: 'session',
    response: sessionResponse,
    handler: ({ ctx }) => view(ctx.state.session as AuthenticatedSession),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/logout',
    tag: 'auth',
    summary: 'Sign out: ends the session',
    auth: 'session',
    response: null,
    async handler({ principal, cradle, ctx }) {
      if (principal.kind === 'user') await cradle.sessionService.logout(principal.sessionId);
      ctx.cookies.set(SESSION_COOKIE, null, { path: '/' });
    },
  }),
  ...securityRoutes,
  ...setupRoutes,
];
