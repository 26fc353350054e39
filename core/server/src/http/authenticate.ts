import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { AppError } from '../errors/app-error.ts';
import type { ApiKeyService } from '../modules/api-keys/service.ts';
import type { SessionService } from '../modules/sessions/service.ts';
import { isWidgetToken, type WidgetService } from '../modules/widget/service.ts';
import type { Principal } from './principal.ts';

export const SESSION_COOKIE = 'portico_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Sign-in is not a cookie-authenticated write: the browser has no token to send yet (a live session's token may
 * be lost with the page), so the session cookie is not consulted there. The route itself rotates the session.
 * Password-reset requests and confirmations act on an address or a token, never on the cookie's session.
 */
const SESSIONLESS = new Set(['POST /v1/auth/login', 'POST /v1/auth/password-reset', 'POST /v1/auth/password-reset/confirm']);

const sameToken = (sent: string, expected: string): boolean => {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Sets `ctx.state.principal` from `Authorization: Bearer pk_…` (API key), `Bearer wt_…` (widget token) or the
 * session cookie. A bearer that is not a live key or token is an error (never silently anonymous); a stale cookie
 * is ignored. Cookie-authenticated writes must carry the session's CSRF token in `x-csrf-token` (synchronizer
 * token; bearer tokens are not sent by browsers on their own, so they need none). A widget token counts only from
 * a page of its project's allowed origins (the `Origin` header), or, for a token a console user issued, from
 * Portico's own pages (modules/widget/service.ts), and only until it expires.
 */
export function authenticate({ apiKeyService, sessionService, widgetService }: { apiKeyService: ApiKeyService; sessionService: SessionService; widgetService: WidgetService }) {
  return async function auth(ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('authorization');
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() === 'bearer' && token && isWidgetToken(token)) {
        // Browsers leave Origin out of same-origin GETs and send `Sec-Fetch-Site: same-origin` (which pages cannot set).
        // (Koa's ctx.origin is the Origin header; the request's own origin is its protocol and Host.)
        const own = `${ctx.protocol}://${ctx.host}`;
        const origin = ctx.get('origin') || (ctx.get('sec-fetch-site') === 'same-origin' ? own : undefined);
        ctx.state.principal = (await widgetService.authenticate(token, origin, { requestOrigin: own })) satisfies Principal;
        return next();
      }
      const key = scheme?.toLowerCase() === 'bearer' && token ? await apiKeyService.authenticate(token) : null;
      if (!key) throw new AppError('UNAUTHENTICATED', 'The API key is invalid or revoked.');
      const principal: Principal = { kind: 'api_key', keyId: key.id, organizationId: key.organizationId, projectId: key.projectId, scopes: key.scopes };
      ctx.state.principal = principal;
      ctx.state.actorLabel = `pk_${key.prefix}`; // how the audit log names the key (never its secret)
      return next();
    }
    if (SESSIONLESS.has(`${ctx.method} ${ctx.path}`)) return next();
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    const session = cookie ? await sessionService.fromToken(cookie) : null;
    if (session) {
      ctx.state.session = session; // set first: a refused write is still audited under the session's user
      if (!SAFE_METHODS.has(ctx.method) && !sameToken(ctx.get('x-csrf-token'), session.csrfToken)) {
        throw new AppError('CSRF_TOKEN_INVALID', 'Send the x-csrf-token header you received at sign-in.');
      }
      ctx.state.principal = { kind: 'user', userId: session.user.id, sessionId: session.id } satisfies Principal;
    }
    return next();
  };
}
