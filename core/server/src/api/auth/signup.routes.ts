import { z } from 'zod';
import { SESSION_COOKIE } from '../../http/authenticate.ts';
import { defineRoute } from '../../http/route.ts';
import { MIN_PASSWORD_LENGTH } from '../../modules/users/owner.ts';

const signupBody = z.object({
  email: z.email().max(254).optional().meta({ description: 'Required for open sign-up; with an invitation, the invited address is used.' }),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
  name: z.string().trim().min(1).max(120).optional(),
  organizationName: z.string().trim().min(1).max(120).optional().meta({ description: 'Open sign-up: the organization created, owned by the new account.' }),
  invitationToken: z.string().min(1).max(200).optional().meta({ description: 'The token of an invitation link: the account joins that organization instead.' }),
});

export const signupRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/auth/signup',
    tag: 'auth',
    summary:
      'Create an account, as accounts.signup allows (403 SIGNUP_CLOSED otherwise). Open sign-up answers the same whether or not the address has an account (sign in next); with invitationToken the account joins the organization and is signed in',
    auth: 'public',
    status: 202,
    body: signupBody,
    response: z.object({
      status: z.enum(['accepted', 'joined']),
      organizationId: z.string().optional(),
      user: z.object({ id: z.string(), email: z.string(), name: z.string() }).optional(),
      csrfToken: z.string().optional().meta({ description: 'With status joined: send as x-csrf-token on every cookie-authenticated write.' }),
    }),
    async handler({ body, cradle, ctx }) {
      const result = await cradle.signupService.signup(body, { address: ctx.ip });
      if (result.kind === 'accepted') return { status: 'accepted' as const };
      const { token, session } = await cradle.sessionService.login(result.user.email, body.password, { address: ctx.ip, userAgent: ctx.get('user-agent') || undefined });
      ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', expires: session.expiresAt, overwrite: true });
      return {
        status: 'joined' as const,
        organizationId: result.organizationId,
        user: { id: result.user.id, email: result.user.email, name: result.user.name },
        csrfToken: session.csrfToken,
      };
    },
  }),
];
