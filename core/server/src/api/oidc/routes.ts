import type { Context } from 'koa';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../http/authenticate.ts';
import { defineRoute } from '../../http/route.ts';
import type { OrganizationOidcProvider } from '../../modules/oidc/entities.ts';
import { organizationProviderInput } from '../../modules/oidc/settings.ts';
import { organizationParams } from '../schemas.ts';

/** Binds a started sign-in to the browser that started it; sent only to the sign-in routes. */
const BINDING_COOKIE = 'portico_oidc';
const BINDING_PATH = '/v1/auth/oidc';

const providerParams = z.object({ provider: z.string().min(1).max(64) });

const providerSchema = z
  .object({
    id: z.string().meta({ description: 'Use in /v1/auth/oidc/{provider}/start.' }),
    kind: z.enum(['instance', 'organization']),
    displayName: z.string(),
    organization: z.object({ slug: z.string(), name: z.string() }).nullable(),
  })
  .meta({ id: 'OidcProvider' });

const organizationProviderSchema = z
  .object({
    id: z.string().meta({ description: 'Use in /v1/auth/oidc/{provider}/start.' }),
    organizationId: z.string(),
    displayName: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    hasClientSecret: z.boolean().meta({ description: 'The secret itself is never returned.' }),
    scopes: z.array(z.string()),
    allowedEmailDomains: z.array(z.string()).nullable(),
    enabled: z.boolean(),
    enforce: z.boolean(),
    callbackUrl: z.string().meta({ description: 'Register this redirect URI with the provider.' }),
    updatedAt: z.string(),
  })
  .meta({ id: 'OrganizationOidcProvider' });

const organizationProviderView = (row: OrganizationOidcProvider, callbackUrl: string) => ({
  id: row.id,
  organizationId: row.organization.id,
  displayName: row.displayName,
  issuer: row.issuer,
  clientId: row.clientId,
  hasClientSecret: row.sealedClientSecret !== null && row.sealedClientSecret !== undefined,
  scopes: row.scopes,
  allowedEmailDomains: row.allowedEmailDomains ?? null,
  enabled: row.enabled,
  enforce: row.enforce,
  callbackUrl,
  updatedAt: row.updatedAt.toISOString(),
});

const bindingCookie = (ctx: Context, value: string | null, expires?: Date) =>
  ctx.cookies.set(BINDING_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: BINDING_PATH, expires, overwrite: true });

export const oidcRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/auth/oidc/providers',
    tag: 'auth',
    summary: 'OpenID Connect providers the sign-in page can offer: the instance’s, and with `organization` (a slug) that organization’s',
    auth: 'public',
    query: z.object({ organization: z.string().min(1).max(64).optional() }),
    response: z.object({ data: z.array(providerSchema) }),
    handler: async ({ query, cradle }) => ({ data: await cradle.oidcService.listProviders(query.organization) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/auth/oidc/:provider/start',
    tag: 'auth',
    summary: 'Start signing in with an OpenID Connect provider: 302 to the provider. `redirect` (a path on this site) is where the browser lands afterwards',
    auth: 'public',
    params: providerParams,
    query: z.object({ redirect: z.string().max(2048).optional() }),
    response: null,
    status: 302,
    async handler({ params, query, cradle, ctx }) {
      const { url, binding, expiresAt } = await cradle.oidcService.start(params.provider, query.redirect, ctx.cookies.get(BINDING_COOKIE));
      bindingCookie(ctx, binding, expiresAt);
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(url);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/auth/oidc/:provider/callback',
    tag: 'auth',
    summary: 'Where the provider sends the browser back: validates the answer, signs in (HttpOnly session cookie, as with a password) and 302s to the `redirect` given at the start',
    auth: 'public',
    params: providerParams,
    response: null,
    status: 302,
    async handler({ params, cradle, ctx }) {
      const query = new URLSearchParams(ctx.querystring);
      const { token, session, redirectTo } = await cradle.oidcService.finish(params.provider, query, ctx.cookies.get(BINDING_COOKIE), {
        address: ctx.ip,
        userAgent: ctx.get('user-agent') || undefined,
      });
      // Rotate: the session this browser held before (if any) ends, so one browser holds one live session.
      const previous = ctx.cookies.get(SESSION_COOKIE);
      if (previous) await cradle.sessionService.logoutToken(previous);
      ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', expires: session.expiresAt, overwrite: true });
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(redirectTo);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/organizations/:organizationId/oidc',
    tag: 'organizations',
    summary: 'The organization’s own OpenID Connect provider (admin or owner); 404 when it has none',
    auth: 'session',
    params: organizationParams,
    response: organizationProviderSchema,
    async handler({ params, principal, cradle }) {
      const row = await cradle.oidcSettingsService.get(principal, params.organizationId);
      return organizationProviderView(row, cradle.oidcService.callbackUrl(row.id));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/organizations/:organizationId/oidc',
    tag: 'organizations',
    summary: 'Set the organization’s OpenID Connect provider (owner). The issuer’s discovery document is read first; the client secret is stored sealed and never returned. People signing in through it become members',
    auth: 'session',
    params: organizationParams,
    body: organizationProviderInput,
    response: organizationProviderSchema,
    async handler({ params, body, principal, cradle }) {
      const { provider } = await cradle.oidcSettingsService.set(principal, params.organizationId, body);
      return organizationProviderView(provider, cradle.oidcService.callbackUrl(provider.id));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/organizations/:organizationId/oidc',
    tag: 'organizations',
    summary: 'Remove the organization’s OpenID Connect provider (owner); identities already linked keep their accounts',
    auth: 'session',
    params: organizationParams,
    response: null,
    handler: ({ params, principal, cradle }) => cradle.oidcSettingsService.remove(principal, params.organizationId),
  }),
];
